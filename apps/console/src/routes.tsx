import type { ReactNode } from 'react';
import { NewHandoverPage } from './pages/handover/NewHandoverPage';
import { InboxPage } from './pages/inbox/InboxPage';

/** Every page of the console by path; the navigation (shell/navigation.ts) says who sees which. */
export const ROUTES: Array<{ path: string; page: ReactNode }> = [
  { path: '/inbox', page: <InboxPage /> },
  { path: '/handovers/new', page: <NewHandoverPage /> },
];
