import { DirectoryOrganisation, DirectoryRole, RetiredRole } from '@trm/wire';
import { Assignment, Organisation, Role } from './entities';

/** Whether the assignment holds its role at `at`: started, and not yet ended. */
export const holdsAt = (a: Pick<Assignment, 'startsAt' | 'endsAt'>, at: Date): boolean => a.startsAt <= at && (!a.endsAt || a.endsAt > at);

/** Whether nobody confirmed the role's entry for longer than `unconfirmedAfterMs` before `at`. */
export const isUnconfirmed = (role: Pick<Role, 'confirmedAt'>, at: Date, unconfirmedAfterMs: number): boolean =>
  at.getTime() - role.confirmedAt.getTime() > unconfirmedAfterMs;

export interface DirectoryView {
  organisations: DirectoryOrganisation[];
  retired: RetiredRole[];
}

/**
 * The directory as partners see it at `at`: functional entries only — no staff, no assignments — with each role's
 * status (vacant when nobody holds it) and an `unconfirmed` flag when nobody confirmed it for `unconfirmedAfterMs`.
 */
export function directoryView(organisations: Organisation[], roles: Role[], assignments: Assignment[], at: Date, unconfirmedAfterMs: number): DirectoryView {
  const held = new Set(assignments.filter((a) => holdsAt(a, at)).map((a) => a.role));
  const live = roles.filter((r) => !r.retiredAt || r.retiredAt > at);
  return {
    organisations: organisations
      .map((o) => ({
        slug: o.slug,
        name: o.name,
        kind: o.kind,
        roles: live.filter((r) => r.organisation === o.slug).map((r) => publishedRole(r, held.has(r.address), at, unconfirmedAfterMs)),
      }))
      .filter((o) => o.roles.length > 0),
    retired: roles
      .filter((r) => r.retiredAt && r.retiredAt <= at && r.successor)
      .map((r) => ({ address: r.address, successor: r.successor!, retiredAt: r.retiredAt!.toISOString() })),
  };
}

function publishedRole(r: Role, held: boolean, at: Date, unconfirmedAfterMs: number): DirectoryRole {
  const role: DirectoryRole = {
    address: r.address,
    title: r.title,
    purposes: r.purposes,
    ageGroups: r.ageGroups,
    languages: r.languages,
    status: held ? 'active' : 'vacant',
    unconfirmed: isUnconfirmed(r, at, unconfirmedAfterMs),
  };
  if (r.exploitation) role.exploitation = r.exploitation;
  if (r.region) role.region = r.region;
  if (r.fallback) role.fallback = r.fallback;
  if (r.channels) role.channels = r.channels;
  return role;
}
