import { NoticeEvent } from './notice-event';

/** Where the API holds the rest of what an event is about: its case, or the role transfer. */
export function apiLinks(event: Pick<NoticeEvent, 'caseRef' | 'transfer'>): Record<string, string> {
  const [, org, role] = (event.transfer?.role ?? '').split('/');
  return {
    ...(event.caseRef ? { case: `/v1/cases/${encodeURIComponent(event.caseRef)}` } : {}),
    ...(event.transfer ? { transfer: `/v1/role-transfers/${event.transfer.id}`, role: `/v1/roles/${org}/${role}` } : {}),
  };
}

/** The console page a person opens for an event: its case, or the directory for a role passed on. */
export function consoleLink(consoleUrl: string, event: { caseRef: string | null }): string {
  const base = consoleUrl.endsWith('/') ? consoleUrl : `${consoleUrl}/`;
  return event.caseRef ? `${base}cases/${encodeURIComponent(event.caseRef)}` : `${base}directory`;
}
