import { api } from '../../api/client';

/**
 * `GET /v1/me` as branch gatewayapi adds it. PLACEHOLDER: replace with `Schemas['Me']` and a typed `api.GET('/v1/me')`
 * once the schema has it.
 */
export interface Me {
  subject: string;
  roles: string[];
  organisation: string | null;
  /** Contact-point roles the caller holds or deputises now: the roles they may send as. */
  holds: string[];
  covers: string[];
  node: string;
}

/** The caller as the node sees them; until the endpoint exists, an empty `holds` (the form then offers the node's roles to coordinators). */
export async function loadMe(): Promise<Me | undefined> {
  const get = api.GET as unknown as (path: string) => Promise<{ data?: Me; response: Response }>;
  const { data, response } = await get('/v1/me');
  return response.ok ? data : undefined;
}
