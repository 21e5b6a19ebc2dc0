import type { ReactNode } from 'react';
import { AdminPage } from './pages/admin/AdminPage';
import { AuditPage } from './pages/audit/AuditPage';
import { CoordinationPage } from './pages/coordination/CoordinationPage';
import { DirectoryPage } from './pages/directory/DirectoryPage';
import { CasePage } from './pages/cases/CasePage';
import { CasesPage } from './pages/cases/CasesPage';
import { NewHandoverPage } from './pages/handover/NewHandoverPage';
import { InboxPage } from './pages/inbox/InboxPage';
import { NotificationsPage } from './pages/notifications/NotificationsPage';
import { PartnersPage } from './pages/partners/PartnersPage';

/** Every page of the console by path; the navigation (shell/navigation.ts) says who sees which. */
export const ROUTES: Array<{ path: string; page: ReactNode }> = [
  { path: '/inbox', page: <InboxPage /> },
  { path: '/cases', page: <CasesPage /> },
  { path: '/cases/:caseRef', page: <CasePage /> },
  { path: '/handovers/new', page: <NewHandoverPage /> },
  { path: '/coordination', page: <CoordinationPage /> },
  { path: '/directory', page: <DirectoryPage /> },
  { path: '/admin', page: <AdminPage /> },
  { path: '/audit', page: <AuditPage /> },
  { path: '/partners', page: <PartnersPage /> },
  { path: '/notifications', page: <NotificationsPage /> },
];
