import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

let accessToken: string | null = null;
let onSessionEnded: () => void = () => undefined;

/** The signed-in person's bearer token, kept in memory only (the session module sets and clears it). */
export function useAccessToken(token: string | null, ended: () => void): void {
  accessToken = token;
  onSessionEnded = ended;
}

const bearer: Middleware = {
  onRequest({ request }) {
    if (accessToken) request.headers.set('Authorization', `Bearer ${accessToken}`);
    return request;
  },
  onResponse({ response }) {
    // The token expired or was revoked while the page was open: the session is over, the person signs in again.
    if (response.status === 401 && accessToken) onSessionEnded();
    return response;
  },
};

/**
 * The gateway's API, typed by the OpenAPI document the gateway itself produces (`npm run build` regenerates
 * `schema.d.ts` from it, so a changed API fails the console's type check, not a person's work).
 */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(bearer);
