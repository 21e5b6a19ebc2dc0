/** What a user may be on a node. Every endpoint names which of these it admits. */
export const APP_ROLES = ['coordinator', 'caseworker', 'auditor', 'administrator'] as const;
export type AppRole = (typeof APP_ROLES)[number];

/**
 * The authenticated caller of the HTTP API. `subject` is the token's `sub`: for staff, their person id in this node's
 * registry, so what a caseworker may see follows the roles they hold today.
 */
export interface Principal {
  subject: string;
  roles: AppRole[];
  /** The organisation an administrator looks after; null: every organisation of the node. */
  organisation: string | null;
  /** Contact-point roles the subject holds or deputises now. */
  holds: string[];
  /**
   * Roles whose messages wait with one the subject holds now: vacant roles whose fallback it is, retired roles whose
   * successor it is. Their holders may work on what waits there, sending as the role they hold.
   */
  covers: string[];
}

export const is = (p: Principal, role: AppRole): boolean => p.roles.includes(role);
