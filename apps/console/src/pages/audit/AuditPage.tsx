import { Alert, Button, Content, EmptyState, PageSection, Title, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { LoadFailed, Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';

const PAGE = 50;

/** Whether the hash chain is intact: checked by the node on each visit and every minute. */
function Verification() {
  const { t } = useTranslation('audit');
  const format = useFormat();
  const check = usePolling(async () => ({ ...(await answer(api.GET('/v1/audit/verification'))), at: new Date().toISOString() }), 'verification', 60_000);
  if (check.error !== undefined) return <LoadFailed error={check.error} />;
  if (!check.data) return <Loading />;
  const v = check.data;
  return v.verified ? (
    <Alert variant="success" isInline title={t('verification.verified', { count: v.entries })} data-testid="audit-verification">
      <Content component="p">{t('verification.checkedAt', { at: format.dateTime(v.at) })}</Content>
      {v.head && (
        <Content component="p">
          {t('verification.head')} <code>{v.head}</code>
        </Content>
      )}
    </Alert>
  ) : (
    <Alert variant="danger" isInline title={t('verification.broken', { seq: v.firstBroken?.seq ?? 0 })} data-testid="audit-verification">
      <Content component="p">{t('verification.before', { count: v.entries })}</Content>
      {v.firstBroken && <Content component="p">{t('verification.problem', { problem: v.firstBroken.problem })}</Content>}
      <Content component="p">{t('verification.checkedAt', { at: format.dateTime(v.at) })}</Content>
    </Alert>
  );
}

/** The audit log for auditors: who did what and when, ids and codes only; a page at a time, oldest first. */
export function AuditPage() {
  const { t } = useTranslation('audit');
  const format = useFormat();
  // The cursors of the pages read so far: going back is going to the cursor before.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const log = usePolling(() => answer(api.GET('/v1/audit', { params: { query: { limit: PAGE, ...(cursor && { cursor }) } } })), `audit ${cursor ?? ''}`);
  const items = log.data?.items ?? [];
  const first = cursors.length - 1;

  return (
    <PageSection>
      <Title headingLevel="h1">{t('title')}</Title>
      <Content component="p">{t('intro')}</Content>
      <Title headingLevel="h2">{t('verification.title')}</Title>
      <Verification />
      <Title headingLevel="h2">{t('log.title')}</Title>
      {log.error !== undefined && <LoadFailed error={log.error} />}
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <Button variant="secondary" isDisabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t('log.previous')}
            </Button>
          </ToolbarItem>
          <ToolbarItem>
            <Button variant="secondary" isDisabled={!log.data?.next} onClick={() => log.data?.next && setCursors((c) => [...c, log.data!.next!])}>
              {t('log.next')}
            </Button>
          </ToolbarItem>
          <ToolbarItem>
            <Content component="small" aria-live="polite">
              {items.length ? t('log.range', { from: items[0].seq, to: items[items.length - 1].seq, page: first + 1 }) : ''}
            </Content>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {log.loading && !log.data ? (
        <Loading />
      ) : !items.length ? (
        <EmptyState headingLevel="h2" titleText={t('log.empty')} />
      ) : (
        <Table aria-label={t('log.table')} variant="compact">
          <Thead>
            <Tr>
              <Th modifier="wrap">{t('column.seq')}</Th>
              <Th modifier="wrap">{t('column.at')}</Th>
              <Th modifier="wrap">{t('column.actor')}</Th>
              <Th modifier="wrap">{t('column.action')}</Th>
              <Th modifier="wrap">{t('column.subject')}</Th>
              <Th modifier="wrap">{t('column.case')}</Th>
            </Tr>
          </Thead>
          <Tbody>
            {items.map((e) => (
              <Tr key={e.seq}>
                <Td dataLabel={t('column.seq')}>{e.seq}</Td>
                <Td dataLabel={t('column.at')}>{format.dateTime(e.at)}</Td>
                <Td dataLabel={t('column.actor')}>
                  <code>{e.actor}</code>
                </Td>
                <Td dataLabel={t('column.action')}>
                  <span title={e.action}>{t(`action.${e.action.replaceAll('.', '-')}`, { defaultValue: e.action })}</span>
                </Td>
                <Td dataLabel={t('column.subject')}>{e.subject ? <code>{e.subject}</code> : t('none')}</Td>
                <Td dataLabel={t('column.case')}>{e.caseRef ?? t('none')}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </PageSection>
  );
}
