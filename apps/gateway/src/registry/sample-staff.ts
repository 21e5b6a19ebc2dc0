import { createHash } from 'node:crypto';

/** The fictional member of staff a seeded active role starts with. */
export const sampleStaffName = (address: string): string => `Sample staff, ${address} (fictional)`;

/**
 * The person id of a role's sample member of staff: a UUID (RFC 9562 version 8, name-based) from SHA-256 of the role's
 * address, so the node's default identity provider names the same person as `sub` without reading the registry.
 */
export function sampleStaffId(address: string): string {
  const b = createHash('sha256').update(`trm-sample-staff:${address}`).digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x80;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
