import type { AppRole } from '../session/session';

/** The console's pages in the order of the navigation, and who sees each (the API refuses the others anyway). */
export const PAGES: Array<{ path: string; label: string; roles: AppRole[] }> = [
  { path: '/inbox', label: 'nav.inbox', roles: ['caseworker', 'coordinator'] },
  { path: '/cases', label: 'nav.cases', roles: ['caseworker', 'coordinator', 'auditor'] },
  { path: '/handovers/new', label: 'nav.newHandover', roles: ['caseworker', 'coordinator'] },
  { path: '/coordination', label: 'nav.coordination', roles: ['coordinator'] },
  { path: '/directory', label: 'nav.directory', roles: ['caseworker', 'coordinator', 'administrator', 'auditor'] },
  { path: '/partners', label: 'nav.partners', roles: ['coordinator', 'administrator', 'auditor'] },
  { path: '/notifications', label: 'nav.notifications', roles: ['caseworker', 'coordinator', 'administrator', 'auditor'] },
  { path: '/admin', label: 'nav.admin', roles: ['administrator'] },
  { path: '/audit', label: 'nav.audit', roles: ['auditor'] },
];

/** Where a person lands after signing in: the first page their roles show. */
export const homeFor = (roles: AppRole[]): string => PAGES.find((p) => p.roles.some((r) => roles.includes(r)))?.path ?? '/directory';
