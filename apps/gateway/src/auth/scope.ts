import { ForbiddenException } from '@nestjs/common';
import { AppRole, Principal, is } from '../http/principal';

/**
 * What a caller may reach beyond the endpoint's role rule. A coordinator acts for the whole node; a caseworker only for
 * the contact-point roles they hold, and for the roles whose work waits with one of those (a vacant role whose
 * fallback they hold, a retired one whose successor they hold: all of that role's cases, as its holder would, while it
 * stays vacant) — sending always as a role they hold; an auditor sees metadata, never contents; an administrator looks after the
 * registry of their organisation (or of every organisation, without `trm_org`), never case contents.
 *
 * Each application role's rule is applied alone, and a caller with several gets the union of what each grants, item
 * by item: one role never widens another (an auditor who is also a caseworker reads the bodies of their own roles'
 * messages only, and sees the rest as an auditor does).
 */

export type Access = 'contents' | 'metadata';

/** What one application role alone grants on something belonging to these contact-point roles of the node. */
function grantOf(p: Principal, role: AppRole, roles: string[]): Access | null {
  switch (role) {
    case 'coordinator':
      return 'contents';
    case 'caseworker':
      return roles.some((r) => p.holds.includes(r) || p.covers.includes(r)) ? 'contents' : null;
    case 'auditor':
      return 'metadata';
    case 'administrator':
      return null;
  }
}

/** The most any of the caller's roles grants on something belonging to these roles (a case, a message); null: nothing. */
export function accessTo(p: Principal, roles: string[]): Access | null {
  const grants = p.roles.map((role) => grantOf(p, role, roles));
  return grants.includes('contents') ? 'contents' : grants.includes('metadata') ? 'metadata' : null;
}

/** Whether the caller may work on something belonging to these roles of the node (a case, a message). */
export const worksOn = (p: Principal, roles: string[]): boolean => accessTo(p, roles) === 'contents';

/** Whether the caller may send as this role of the node: a coordinator as any, a caseworker as a role they hold. */
export const actsAs = (p: Principal, role: string): boolean => is(p, 'coordinator') || (is(p, 'caseworker') && p.holds.includes(role));

/** Whether the caller may see what something belonging to these roles says, or only that it exists (auditor). */
export function requireAccess(p: Principal, roles: string[], what: string): Access {
  const access = accessTo(p, roles);
  if (!access) throw new ForbiddenException(`${what} belongs to roles you do not hold`);
  return access;
}

/**
 * Which roles a list may show: null for every role (coordinator, auditor), else the caseworker's own and those they
 * cover. What each item of the list may show is `accessTo` that item.
 */
export function listScope(p: Principal, requested?: string): string[] | null {
  if (is(p, 'coordinator') || is(p, 'auditor')) return requested ? [requested] : null;
  if (!is(p, 'caseworker')) return [];
  const own = [...p.holds, ...p.covers];
  if (requested && !own.includes(requested)) throw new ForbiddenException(`you do not hold ${requested}, nor is its work waiting with a role you hold`);
  return requested ? [requested] : own;
}

/**
 * Whether the caller is an administrator of the organisation (or of the whole node). `null` stands for the node's own
 * staff, who belong to no organisation: only an administrator of the whole node looks after them.
 */
export const administers = (p: Principal, organisation: string | null): boolean =>
  is(p, 'administrator') && (p.organisation === null || p.organisation === organisation);

/**
 * Only an administrator of the organisation (or of the whole node) changes its part of the registry; `null`: what
 * belongs to the node itself (its organisations), for an administrator of the whole node only.
 */
export function requireAdministers(p: Principal, organisation: string | null): void {
  if (administers(p, organisation)) return;
  if (organisation === null) throw new ForbiddenException('only an administrator of the whole node creates organisations');
  throw new ForbiddenException(`only an administrator of ${organisation} may change it`);
}

/**
 * Whether the caller may commit the organisation to take on another organisation's work (as a fallback or successor
 * of its role): its administrator, an administrator of the whole node, or a coordinator.
 */
export const decidesFor = (p: Principal, organisation: string): boolean => is(p, 'coordinator') || administers(p, organisation);

/**
 * Who may see the staff of an organisation — who holds its roles (person ids, names, deputies), who asked or decided
 * for it: a coordinator, and an administrator of that organisation or of the whole node (`null`: the node's own staff,
 * a coordinator and an administrator of the whole node). Anyone else (auditors, caseworkers, administrators of other
 * organisations) sees whether a role is staffed, vacant or unconfirmed, not by whom.
 */
export const seesStaffOf = (p: Principal, organisation: string | null): boolean => is(p, 'coordinator') || administers(p, organisation);

export function requireSeesStaffOf(p: Principal, organisation: string): void {
  if (seesStaffOf(p, organisation)) return;
  throw new ForbiddenException(`only a coordinator or an administrator of ${organisation} or of the whole node sees who holds its roles`);
}

/** Contents shown to the caller: bodies for whoever works on the thing, nothing for metadata-only callers. */
export const contentsFor = <T>(access: Access | null, body: T): T | undefined => (access === 'contents' ? body : undefined);
