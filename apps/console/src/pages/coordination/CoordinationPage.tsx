import { Content, EmptyState, Label, PageSection, Tab, TabTitleText, Tabs, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { CodeLabel } from '../../components/CodeLabel';
import { LoadFailed, Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';

const caseLink = (caseRef: string) => <Link to={`/cases/${encodeURIComponent(caseRef)}`}>{caseRef}</Link>;

/** "3 days 4 hours": how late a deadline is, in the reader's language. */
function useLateness() {
  const { t } = useTranslation('coordination');
  return (ms: number) => {
    const days = Math.floor(ms / 86_400_000);
    const hours = Math.floor((ms % 86_400_000) / 3_600_000);
    const minutes = Math.floor((ms % 3_600_000) / 60_000);
    if (days) return t('late.daysHours', { days, hours });
    if (hours) return t('late.hoursMinutes', { hours, minutes });
    return t('late.minutes', { minutes });
  };
}

/** Deadlines passed and not met, the longest overdue first; live. */
function Overdue() {
  const { t } = useTranslation('coordination');
  const format = useFormat();
  const late = useLateness();
  const overdue = usePolling(() => answer(api.GET('/v1/overdue', { params: { query: { limit: 100 } } })), 'overdue');
  const items = overdue.data?.items ?? [];
  return (
    <>
      <Content component="p">{t('overdue.summary', { count: items.length })}</Content>
      {overdue.error !== undefined && <LoadFailed error={overdue.error} />}
      {overdue.loading && !overdue.data ? (
        <Loading />
      ) : !items.length ? (
        <EmptyState headingLevel="h2" titleText={t('overdue.empty')} />
      ) : (
        <Table aria-label={t('overdue.table')} variant="compact">
          <Thead>
            <Tr>
              <Th modifier="wrap">{t('column.case')}</Th>
              <Th modifier="wrap">{t('column.kind')}</Th>
              <Th modifier="wrap">{t('column.owedBy')}</Th>
              <Th modifier="wrap">{t('column.due')}</Th>
              <Th modifier="wrap">{t('column.late')}</Th>
              <Th modifier="wrap">{t('column.alerted')}</Th>
              <Th modifier="wrap">{t('column.copiedTo')}</Th>
            </Tr>
          </Thead>
          <Tbody>
            {items.map((item) => (
              <Tr key={`${item.caseRef} ${item.kind} ${item.dueAt}`}>
                <Td dataLabel={t('column.case')}>{caseLink(item.caseRef)}</Td>
                <Td dataLabel={t('column.kind')}>
                  <CodeLabel list="deadlineKind" value={item.kind} />
                </Td>
                <Td dataLabel={t('column.owedBy')}>
                  <Label color={item.owedBy === 'us' ? 'red' : 'orange'} isCompact>
                    {t(`owedBy.${item.owedBy}`)}
                  </Label>
                </Td>
                <Td dataLabel={t('column.due')}>{format.dateTime(item.dueAt)}</Td>
                <Td dataLabel={t('column.late')}>{late(item.overdueMs)}</Td>
                <Td dataLabel={t('column.alerted')}>{item.alerted.length ? item.alerted.join(', ') : t('none')}</Td>
                <Td dataLabel={t('column.copiedTo')}>{item.copiedTo.length ? item.copiedTo.join(', ') : t('none')}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </>
  );
}

/** Alerts for the node's roles, newest first; live. */
function Alerts() {
  const { t } = useTranslation('coordination');
  const format = useFormat();
  const alerts = usePolling(() => answer(api.GET('/v1/alerts', { params: { query: { limit: 100 } } })), 'alerts');
  const items = alerts.data?.items ?? [];
  return (
    <>
      <Content component="p">{t('alerts.summary', { count: items.length })}</Content>
      {alerts.error !== undefined && <LoadFailed error={alerts.error} />}
      {alerts.loading && !alerts.data ? (
        <Loading />
      ) : !items.length ? (
        <EmptyState headingLevel="h2" titleText={t('alerts.empty')} />
      ) : (
        <Table aria-label={t('alerts.table')} variant="compact">
          <Thead>
            <Tr>
              <Th modifier="wrap">{t('column.alertedAt')}</Th>
              <Th modifier="wrap">{t('column.case')}</Th>
              <Th modifier="wrap">{t('column.kind')}</Th>
              <Th modifier="wrap">{t('column.due')}</Th>
              <Th modifier="wrap">{t('column.role')}</Th>
            </Tr>
          </Thead>
          <Tbody>
            {items.map((item) => (
              <Tr key={`${item.expectation} ${item.role} ${item.at}`}>
                <Td dataLabel={t('column.alertedAt')}>{format.dateTime(item.at)}</Td>
                <Td dataLabel={t('column.case')}>{caseLink(item.caseRef)}</Td>
                <Td dataLabel={t('column.kind')}>
                  <CodeLabel list="deadlineKind" value={item.kind} />
                </Td>
                <Td dataLabel={t('column.due')}>{format.dateTime(item.dueAt)}</Td>
                <Td dataLabel={t('column.role')}>{item.role}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </>
  );
}

/** For coordinators: what is late on either side, and whom the node alerted. */
export function CoordinationPage() {
  const { t } = useTranslation('coordination');
  const [tab, setTab] = useState<string | number>('overdue');
  return (
    <PageSection>
      <Title headingLevel="h1">{t('title')}</Title>
      <Tabs activeKey={tab} onSelect={(_e, key) => setTab(key)} aria-label={t('tabs')} mountOnEnter unmountOnExit>
        <Tab eventKey="overdue" title={<TabTitleText>{t('overdue.title')}</TabTitleText>}>
          <Overdue />
        </Tab>
        <Tab eventKey="alerts" title={<TabTitleText>{t('alerts.title')}</TabTitleText>}>
          <Alerts />
        </Tab>
      </Tabs>
    </PageSection>
  );
}
