import { ADDRESS, CASE_REF, NODE_ID } from './profile';

export interface Address {
  node: string;
  organisation: string;
  role: string;
}

export const isNodeId = (value: unknown): value is string => typeof value === 'string' && NODE_ID.test(value);
export const isAddress = (value: unknown): value is string => typeof value === 'string' && ADDRESS.test(value);
export const isCaseRef = (value: unknown): value is string => typeof value === 'string' && CASE_REF.test(value);

export function parseAddress(value: string): Address | null {
  const m = ADDRESS.exec(value);
  return m ? { node: m[1], organisation: m[2], role: m[3] } : null;
}

/** The node part of an address, or null when the address is not well-formed. */
export const nodeOf = (address: string): string | null => parseAddress(address)?.node ?? null;
