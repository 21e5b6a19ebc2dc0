import type { Client } from 'openapi-fetch';
import { api } from '../../api/client';

// TO REPLACE by Schemas['AuditVerification'] and the generated path once the schema is regenerated from the gateway
// (GET /v1/audit/verification is on this branch: apps/gateway/src/audit/audit-verification.dto.ts).
export interface AuditVerification {
  verified: boolean;
  entries: number;
  head?: string;
  firstBroken?: { seq: number; problem: string };
}

interface VerificationPaths {
  '/v1/audit/verification': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': AuditVerification } } };
    };
  };
}

/** The same client (bearer token, same origin), typed for the path the generated schema does not have yet. */
export const verificationApi = api as unknown as Client<VerificationPaths>;
