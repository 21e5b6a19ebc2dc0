import { api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';

/** GET /v1/me from branch gatewayapi; replace with `Schemas['Me']` once the schema has it. */
interface Me {
  holds: string[];
  covers: string[];
}

// Until /v1/me is in the generated schema, the path is not in `paths`: this one call is typed here.
const getMe = () => answer((api.GET as unknown as (path: string) => Promise<{ data?: Me; error?: unknown; response: Response }>)('/v1/me'));

/**
 * The contact-point roles a filter offers: those the caller holds or covers (GET /v1/me), else — for a coordinator,
 * who works for the whole node, or while /v1/me is not there — the roles seen on the page.
 */
export function useMyRoles(seen: string[]): string[] {
  const me = usePolling(getMe, 'me', 0);
  const mine = [...(me.data?.holds ?? []), ...(me.data?.covers ?? [])];
  return [...new Set(mine.length ? mine : seen)].sort();
}
