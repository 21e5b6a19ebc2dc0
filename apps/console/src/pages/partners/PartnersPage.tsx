import { Content, EmptyState, Label, PageSection, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { type Schemas, api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { LoadFailed, Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';

/** Idle: not needed since the gateway started (nothing sent there yet), neither up nor down. */
const LINK_COLOR = { up: 'green', down: 'red', idle: 'grey' } as const satisfies Record<Schemas['PartnerLinkState']['state'], string>;

/** Each partner node: whether the link is up (why not, when down), the last signed receipt from it, what waits to go there; live. */
export function PartnersPage() {
  const { t } = useTranslation('partners');
  const format = useFormat();
  const partners = usePolling(() => answer(api.GET('/v1/partners')), 'partners');
  const items = partners.data?.items ?? [];
  const down = items.filter((p) => p.link.state === 'down').length;
  return (
    <PageSection>
      <Title headingLevel="h1">{t('title')}</Title>
      <Content component="p">{t('summary', { count: items.length, down })}</Content>
      {partners.error !== undefined && <LoadFailed error={partners.error} />}
      {partners.loading && !partners.data ? (
        <Loading />
      ) : !items.length ? (
        <EmptyState headingLevel="h2" titleText={t('empty')} />
      ) : (
        <Table aria-label={t('table')} variant="compact">
          <Thead>
            <Tr>
              <Th modifier="wrap">{t('column.node')}</Th>
              <Th modifier="wrap">{t('column.link')}</Th>
              <Th modifier="wrap">{t('column.lastReceipt')}</Th>
              <Th modifier="wrap">{t('column.waiting')}</Th>
              <Th modifier="wrap">{t('column.directory')}</Th>
            </Tr>
          </Thead>
          <Tbody>
            {items.map((p) => (
              <Tr key={p.node}>
                <Td dataLabel={t('column.node')}>{p.node}</Td>
                <Td dataLabel={t('column.link')}>
                  <Label color={LINK_COLOR[p.link.state]} isCompact>
                    {t(`link.${p.link.state}`)}
                  </Label>
                  {p.link.since && ` ${t('since', { since: format.fromNow(p.link.since) })}`}
                  {p.link.state === 'down' && p.link.reason && <div>{t(`reason.${p.link.reason}`)}</div>}
                </Td>
                <Td dataLabel={t('column.lastReceipt')}>{p.lastReceiptAt ? format.dateTime(p.lastReceiptAt) : t('never')}</Td>
                <Td dataLabel={t('column.waiting')}>{t('waiting', { count: p.waiting })}</Td>
                <Td dataLabel={t('column.directory')}>{p.directory ? t('directoryVersion', { version: p.directory.version }) : t('noDirectory')}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </PageSection>
  );
}
