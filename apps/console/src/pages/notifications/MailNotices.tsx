import { FormSelect, FormSelectOption, ToolbarItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api } from '../../api/client';
import { answer, usePolledList } from '../../api/polling';
import { CodeLabel } from '../../components/CodeLabel';
import { useFormat } from '../../i18n/format';
import { CaseLink, ListSection, PAGE, SendAgain, StateFilter, StateLabel, Tries, useEventLabel } from './parts';

type Notice = Schemas['MailNoticeView'];
type NoticeState = Notice['state'];

const STATES: NoticeState[] = ['pending', 'sent', 'failed'];

/** What the notice is about: the event, and for a deadline which one and when it is due. */
function Event({ notice }: { notice: Notice }) {
  const { t } = useTranslation('notifications');
  const format = useFormat();
  const eventLabel = useEventLabel();
  return (
    <>
      <div>{eventLabel(notice.event)}</div>
      {notice.deadline && (
        <div>
          <CodeLabel list="deadlineKind" value={notice.deadline.kind} /> {t('due', { when: format.dateTime(notice.deadline.dueAt) })}
        </div>
      )}
    </>
  );
}

/**
 * E-mail notices to the roles' mailboxes, newest first, as far as the reader may see them (all of the node's, their
 * organisation's, or their own roles'); by state and role; live.
 */
export function MailNotices({ roles, operator }: { roles: string[]; operator: boolean }) {
  const { t } = useTranslation('notifications');
  const format = useFormat();
  const [state, setState] = useState('');
  const [role, setRole] = useState('');
  const roleId = useId();
  const query = { limit: PAGE, ...(state && { state: state as NoticeState }), ...(role && { role }) };
  const notices = usePolledList(
    (cursor) => answer(api.GET('/v1/notifications/mail', { params: { query: { ...query, ...(cursor && { cursor }) } } })),
    `mail ${state} ${role}`,
  );
  return (
    <ListSection
      id="notifications-mail"
      title={t('mail.title')}
      filtersLabel={t('mail.filters')}
      filters={
        <>
          <ToolbarItem>
            <StateFilter states={STATES} value={state} onChange={setState} />
          </ToolbarItem>
          <ToolbarItem>
            <label htmlFor={roleId}>{t('filter.role')}</label>
            <FormSelect id={roleId} value={role} onChange={(_e, v) => setRole(v)}>
              <FormSelectOption value="" label={t('filter.allRoles')} />
              {roles.map((r) => (
                <FormSelectOption key={r} value={r} label={r} />
              ))}
            </FormSelect>
          </ToolbarItem>
        </>
      }
      empty={t('mail.empty')}
      list={notices}
    >
      {(items) => (
        <Table aria-label={t('mail.table')} variant="compact">
          <Thead>
            <Tr>
              <Th modifier="wrap">{t('column.when')}</Th>
              <Th modifier="wrap">{t('column.event')}</Th>
              <Th modifier="wrap">{t('column.roleMailbox')}</Th>
              <Th modifier="wrap">{t('column.why')}</Th>
              <Th modifier="wrap">{t('column.case')}</Th>
              <Th modifier="wrap">{t('column.message')}</Th>
              <Th modifier="wrap">{t('column.state')}</Th>
              {operator && <Th screenReaderText={t('column.actions')} />}
            </Tr>
          </Thead>
          <Tbody>
            {items.map((n) => (
              <Tr key={n.id}>
                <Td dataLabel={t('column.when')}>{format.dateTime(n.createdAt)}</Td>
                <Td dataLabel={t('column.event')}>
                  <Event notice={n} />
                </Td>
                <Td dataLabel={t('column.roleMailbox')}>
                  <code>{n.role}</code>
                  <div className="trm-break">{n.mailbox ?? t('noMailbox')}</div>
                </Td>
                <Td dataLabel={t('column.why')}>{t(`reason.${n.reason}`, { about: n.about ?? '' })}</Td>
                <Td dataLabel={t('column.case')}>
                  <CaseLink caseRef={n.caseRef} />
                </Td>
                <Td dataLabel={t('column.message')}>{n.messageType ? <CodeLabel list="messageType" value={n.messageType} /> : t('none')}</Td>
                <Td dataLabel={t('column.state')}>
                  <StateLabel state={n.state} at={n.sentAt} />
                  <Tries attempts={n.attempts} nextAttemptAt={n.nextAttemptAt} />
                  {n.lastError && <div>{t('lastError', { error: n.lastError })}</div>}
                </Td>
                {operator && (
                  <SendAgain
                    failed={n.state === 'failed'}
                    send={() => answer(api.POST('/v1/notifications/mail/{id}/retry', { params: { path: { id: n.id } } }))}
                    sent={notices.reload}
                  />
                )}
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </ListSection>
  );
}
