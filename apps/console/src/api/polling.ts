import { useCallback, useEffect, useRef, useState } from 'react';
import { Refused } from './problems';

/** A refusal that asking again will not change: the thing is not there, or not for this person. */
const isFinal = (error: unknown) => error instanceof Refused && (error.refusal.statusCode === 403 || error.refusal.statusCode === 404);

export interface Polled<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** How often a page asks again; a status change appears within this time, without reloading. */
export const POLL_INTERVAL_MS = 4000;

/**
 * Loads with `load` now and every `intervalMs` while the page is visible (and at once when it becomes visible again).
 * `load` returns the data or throws the API's refusal. A 403 or 404 stops the polling (until `reload` or a change of
 * `key`, which starts over).
 */
export function usePolling<T>(load: () => Promise<T>, key: string, intervalMs = POLL_INTERVAL_MS): Polled<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean; key: string }>({ loading: true, key });
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    let stopped = false;
    const run = async () => {
      try {
        const data = await loadRef.current();
        if (live) setState({ data, loading: false, key });
      } catch (error) {
        stopped = isFinal(error);
        if (live) setState((s) => ({ data: s.key === key ? s.data : undefined, error, loading: false, key }));
      }
      if (live && !stopped && intervalMs > 0) timer = window.setTimeout(() => void (document.hidden ? undefined : run()), intervalMs);
    };
    const visible = () => {
      if (!document.hidden && !stopped) {
        window.clearTimeout(timer);
        void run();
      }
    };
    void run();
    document.addEventListener('visibilitychange', visible);
    return () => {
      live = false;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', visible);
    };
  }, [key, tick, intervalMs]);

  return { data: state.key === key ? state.data : undefined, error: state.error, loading: state.loading || state.key !== key, reload };
}

/** A page of one of the API's lists (`?limit=&cursor=` in, `{ items, next }` out). */
export interface ListPage<T> {
  items: T[];
  next: string | null;
}

export interface PolledList<T> extends Polled<ListPage<T>> {
  /** Reads one page further ("Load more"); from then on each poll reads that far. */
  more: () => void;
}

/**
 * A list polled as `usePolling` does, from its start and as many pages deep as "Load more" asked for, following each
 * page's `next`: what was shown stays up to date, with no gap or repeat when new items come at the top. A change of
 * `key` starts again with one page.
 */
export function usePolledList<T>(page: (cursor: string | undefined) => Promise<ListPage<T>>, key: string): PolledList<T> {
  const [depth, setDepth] = useState({ key, pages: 1 });
  const pages = depth.key === key ? depth.pages : 1;
  const polled = usePolling(async () => {
    const items: T[] = [];
    let next: string | null = null;
    for (let read = 0; read < pages; read++) {
      const answer: ListPage<T> = await page(next ?? undefined);
      items.push(...answer.items);
      next = answer.next;
      if (!next) break;
    }
    return { items, next };
  }, key);
  const { reload } = polled;
  const more = useCallback(() => {
    setDepth({ key, pages: pages + 1 });
    reload();
  }, [key, pages, reload]);
  return { ...polled, more };
}

/** Unwraps an openapi-fetch answer: its data, or its refusal thrown. */
export async function answer<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (error !== undefined || !response.ok) throw new Refused({ ...(error && typeof error === 'object' ? error : {}), statusCode: response.status });
  return data as T;
}
