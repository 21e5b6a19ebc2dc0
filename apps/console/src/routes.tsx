import type { ReactNode } from 'react';
import { CasePage } from './pages/cases/CasePage';
import { CasesPage } from './pages/cases/CasesPage';
import { NewHandoverPage } from './pages/handover/NewHandoverPage';
import { InboxPage } from './pages/inbox/InboxPage';

/** Every page of the console by path; the navigation (shell/navigation.ts) says who sees which. */
export const ROUTES: Array<{ path: string; page: ReactNode }> = [
  { path: '/inbox', page: <InboxPage /> },
  { path: '/cases', page: <CasesPage /> },
  { path: '/cases/:caseRef', page: <CasePage /> },
  { path: '/handovers/new', page: <NewHandoverPage /> },
];
