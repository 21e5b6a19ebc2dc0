import { Content, EmptyState, EmptyStateBody, Label, PageSection, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { CodeLabel } from '../../components/CodeLabel';
import { LoadFailed, Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';

/** What waits for my roles (addressed to them, or held as their fallback or successor), newest first. */
export function InboxPage() {
  const { t } = useTranslation('inbox');
  const format = useFormat();
  const inbox = usePolling(() => answer(api.GET('/v1/inbox', { params: { query: { limit: 100 } } })), 'inbox');
  const items = inbox.data?.items ?? [];
  const waiting = items.filter((i) => i.waiting).length;

  return (
    <PageSection>
      <Title headingLevel="h1">{t('title')}</Title>
      <Content component="p">{t('summary', { count: items.length, waiting })}</Content>
      {inbox.error !== undefined && <LoadFailed error={inbox.error} />}
      {inbox.loading && !inbox.data ? (
        <Loading />
      ) : !items.length ? (
        <EmptyState headingLevel="h2" titleText={t('empty.title')}>
          <EmptyStateBody>{t('empty.body')}</EmptyStateBody>
        </EmptyState>
      ) : (
        <Table aria-label={t('table')} variant="compact">
          <Thead>
            <Tr>
              <Th>{t('column.received')}</Th>
              <Th>{t('column.type')}</Th>
              <Th>{t('column.case')}</Th>
              <Th>{t('column.from')}</Th>
              <Th>{t('column.for')}</Th>
              <Th>{t('column.answer')}</Th>
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
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </PageSection>
  );
}
