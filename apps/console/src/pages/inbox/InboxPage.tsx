import {
  Content,
  EmptyState,
  EmptyStateBody,
  FormSelect,
  FormSelectOption,
  Label,
  PageSection,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { useId } from 'react';
import { InnerScrollContainer, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { Schemas } from '../../api/client';
import { api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { CodeLabel } from '../../components/CodeLabel';
import { LoadFailed, Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';
import { useSession } from '../../session/session';

/** What waits for my roles (addressed to them, or held as their fallback or successor), newest first. */
export function InboxPage() {
  const { t } = useTranslation('inbox');
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const role = params.get('role') ?? '';
  const roleId = useId();
  const inbox = usePolling(() => answer(api.GET('/v1/inbox', { params: { query: { limit: 100, ...(role ? { role } : {}) } } })), `inbox-${role}`);
  const items = [...(inbox.data?.items ?? [])].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  const { me } = useSession();
  // The roles the person holds or covers; someone who holds none (a coordinator, for the whole node) the roles seen here.
  const mine = [...me.holds, ...me.covers];
  const roles = [...new Set(mine.length ? mine : items.flatMap((i) => [i.recipient, ...(i.routedTo ? [i.routedTo] : [])]))].sort();
  const waiting = items.filter((i) => i.waiting).length;

  return (
    <PageSection>
      <Title headingLevel="h1">{t('title')}</Title>
      <Content component="p">{t('summary', { count: items.length, waiting })}</Content>
      <Toolbar aria-label={t('filters')}>
        <ToolbarContent>
          <ToolbarItem>
            <label htmlFor={roleId}>{t('filter.role')}</label>
            <FormSelect id={roleId} value={role} onChange={(_e, v) => setParams(v ? { role: v } : {})}>
              <FormSelectOption value="" label={t('filter.allRoles')} />
              {[...new Set([...roles, ...(role ? [role] : [])])].map((r) => (
                <FormSelectOption key={r} value={r} label={r} />
              ))}
            </FormSelect>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {inbox.error !== undefined && <LoadFailed error={inbox.error} />}
      {inbox.loading && !inbox.data ? (
        <Loading />
      ) : !items.length ? (
        <EmptyState headingLevel="h2" titleText={t('empty.title')}>
          <EmptyStateBody>{t('empty.body')}</EmptyStateBody>
        </EmptyState>
      ) : (
        // Scrolls sideways rather than cutting off the last column where the words are long (mk, sq at 1280 px).
        <InnerScrollContainer>
          <Table aria-label={t('table')} variant="compact">
            <Thead>
              <Tr>
                <Th modifier="wrap">{t('column.received')}</Th>
                <Th modifier="wrap">{t('column.type')}</Th>
                <Th modifier="wrap">{t('column.case')}</Th>
                <Th modifier="wrap">{t('column.from')}</Th>
                <Th modifier="wrap">{t('column.for')}</Th>
                <Th modifier="wrap">{t('column.answer')}</Th>
                <Th modifier="wrap">{t('column.due')}</Th>
              </Tr>
            </Thead>
            <Tbody>
              {items.map((item) => (
                <Tr key={item.id}>
                  <Td dataLabel={t('column.received')}>{format.dateTime(item.receivedAt)}</Td>
                  <Td dataLabel={t('column.type')}>
                    <CodeLabel list="messageType" value={item.type} />
                    {item.status === 'rejected' && (
                      <>
                        {' '}
                        <Label color="red" isCompact>
                          <CodeLabel list="receiptStatus" value="rejected" />
                        </Label>
                      </>
                    )}
                  </Td>
                  <Td dataLabel={t('column.case')}>
                    <Link to={`/cases/${encodeURIComponent(item.caseRef)}`}>{item.caseRef}</Link>
                  </Td>
                  <Td dataLabel={t('column.from')}>{item.sender}</Td>
                  <Td dataLabel={t('column.for')}>
                    {item.recipient}
                    {item.routedTo && <div>{t('routedTo', { role: item.routedTo })}</div>}
                  </Td>
                  <Td dataLabel={t('column.answer')}>{item.waiting ? <Label color="orange">{t('waiting')}</Label> : t('answered')}</Td>
                  <Td dataLabel={t('column.due')}>
                    <Due item={item} />
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </InnerScrollContainer>
      )}
    </PageSection>
  );
}

/** How long until the deadline of the answer owed (or how long it is overdue); nothing when nothing is owed. */
function Due({ item }: { item: Schemas['InboxItem'] }) {
  const { t } = useTranslation('inbox');
  const format = useFormat();
  if (!item.waiting || !item.dueAt) return null;
  const overdue = new Date(item.dueAt).getTime() < Date.now();
  return (
    <span title={format.dateTime(item.dueAt)}>
      {overdue ? (
        <Label color="red" isCompact>
          {t('due.overdue', { when: format.fromNow(item.dueAt) })}
        </Label>
      ) : (
        t('due.in', { when: format.fromNow(item.dueAt) })
      )}
    </span>
  );
}
