import { createHash } from 'node:crypto';

/** `sha-256:<base64url SHA-256>` of the JWS bytes exactly as received (section 6). */
export const digestOf = (bytes: Uint8Array | string): string => `sha-256:${createHash('sha256').update(bytes).digest('base64url')}`;
