import type { Client } from 'openapi-fetch';
import { api } from '../../api/client';

// TO REPLACE by the generated schema once branch gatewayapi's GET /v1/partners is on main (this is the answer as
// agreed until then).
export interface PartnerState {
  node: string;
  link: { state: 'up' | 'down'; since: string };
  lastReceiptAt: string | null;
  waiting: number;
  directoryVersion: number | null;
}

interface PartnerPaths {
  '/v1/partners': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { items: PartnerState[] } | PartnerState[] } } };
    };
  };
}

export const partnersApi = api as unknown as Client<PartnerPaths>;

/** The list however the answer wraps it (an array, or a page's `items`). */
export const partnerList = (data: { items: PartnerState[] } | PartnerState[]): PartnerState[] => (Array.isArray(data) ? data : data.items);
