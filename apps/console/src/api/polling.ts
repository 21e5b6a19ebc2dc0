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

/** Unwraps an openapi-fetch answer: its data, or its refusal thrown. */
export async function answer<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (error !== undefined || !response.ok) throw new Refused({ ...(error && typeof error === 'object' ? error : {}), statusCode: response.status });
  return data as T;
}
