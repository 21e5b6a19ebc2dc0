import { ForbiddenException } from '@nestjs/common';
import { Principal, is } from './principal';

/**
 * What a caller may reach beyond the endpoint's role rule. A coordinator acts for the whole node; a caseworker only for
 * the contact-point roles they hold; an auditor sees metadata, never contents; an administrator looks after the
 * registry of their organisation (or of every organisation, without `trm_org`), never case contents.
 */

/** Whether the caller may work on something belonging to these roles of the node (a case, a message). */
export const worksOn = (p: Principal, roles: string[]): boolean => is(p, 'coordinator') || (is(p, 'caseworker') && roles.some((r) => p.holds.includes(r)));

/** Whether the caller may see what something belonging to these roles says, or only that it exists (auditor). */
export function requireAccess(p: Principal, roles: string[], what: string): 'contents' | 'metadata' {
  if (worksOn(p, roles)) return 'contents';
  if (is(p, 'auditor')) return 'metadata';
  throw new ForbiddenException(`${what} belongs to roles you do not hold`);
}

/** Which roles a list is limited to: null for every role (coordinator, auditor), else the caseworker's own. */
export function listScope(p: Principal, requested?: string): string[] | null {
  if (is(p, 'coordinator') || is(p, 'auditor')) return requested ? [requested] : null;
  if (requested && !p.holds.includes(requested)) throw new ForbiddenException(`you do not hold ${requested}`);
  return requested ? [requested] : p.holds;
}

/** Only an administrator of the organisation (or of the whole node) changes its part of the registry. */
export function requireAdministers(p: Principal, organisation: string): void {
  if (is(p, 'administrator') && (p.organisation === null || p.organisation === organisation)) return;
  throw new ForbiddenException(`only an administrator of ${organisation} may change it`);
}

/** Contents shown to the caller: bodies for whoever works on the thing, nothing for metadata-only callers. */
export const contentsFor = <T>(access: 'contents' | 'metadata', body: T): T | undefined => (access === 'contents' ? body : undefined);
