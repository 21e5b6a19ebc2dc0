import { ToolbarItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api } from '../../api/client';
import { answer, usePolledList } from '../../api/polling';
import { useFormat } from '../../i18n/format';
import { CaseLink, ListSection, PAGE, SendAgain, StateFilter, StateLabel, Tries, Url, useEventLabel } from './parts';

type Delivery = Schemas['WebhookDeliveryView'];
type DeliveryState = Delivery['state'];

const STATES: DeliveryState[] = ['pending', 'delivered', 'failed'];

/** What the endpoint answered last: its HTTP status, or why there was no answer; nothing before the first try. */
function LastAnswer({ delivery }: { delivery: Delivery }) {
  const { t } = useTranslation('notifications');
  if (delivery.lastStatus !== null) return <>{t('answered', { status: delivery.lastStatus })}</>;
  if (delivery.lastError) return <>{t('noAnswer', { error: delivery.lastError })}</>;
  return <>{t('none')}</>;
}

/** Webhook calls to the systems behind the node, newest first, by state; live. */
export function WebhookCalls({ operator }: { operator: boolean }) {
  const { t } = useTranslation('notifications');
  const format = useFormat();
  const eventLabel = useEventLabel();
  const [state, setState] = useState('');
  const calls = usePolledList(
    (cursor) =>
      answer(
        api.GET('/v1/notifications/webhooks', {
          params: { query: { limit: PAGE, ...(state && { state: state as DeliveryState }), ...(cursor && { cursor }) } },
        }),
      ),
    `webhooks ${state}`,
  );
  return (
    <ListSection
      id="notifications-webhooks"
      title={t('webhooks.title')}
      filtersLabel={t('webhooks.filters')}
      filters={
        <ToolbarItem>
          <StateFilter states={STATES} value={state} onChange={setState} />
        </ToolbarItem>
      }
      empty={t('webhooks.empty')}
      list={calls}
    >
      {(items) => (
        <Table aria-label={t('webhooks.table')} variant="compact">
          <Thead>
            <Tr>
              <Th modifier="wrap">{t('column.when')}</Th>
              <Th modifier="wrap">{t('column.event')}</Th>
              <Th modifier="wrap">{t('column.endpoint')}</Th>
              <Th modifier="wrap">{t('column.case')}</Th>
              <Th modifier="wrap">{t('column.state')}</Th>
              <Th modifier="wrap">{t('column.lastAnswer')}</Th>
              <Th modifier="wrap">{t('column.tries')}</Th>
              <Th modifier="wrap">{t('column.webhookId')}</Th>
              {operator && <Th screenReaderText={t('column.actions')} />}
            </Tr>
          </Thead>
          <Tbody>
            {items.map((d) => (
              <Tr key={d.id}>
                <Td dataLabel={t('column.when')}>{format.dateTime(d.createdAt)}</Td>
                <Td dataLabel={t('column.event')}>{eventLabel(d.event)}</Td>
                <Td dataLabel={t('column.endpoint')}>
                  <Url url={d.endpoint} />
                </Td>
                <Td dataLabel={t('column.case')}>
                  <CaseLink caseRef={d.caseRef} />
                </Td>
                <Td dataLabel={t('column.state')}>
                  <StateLabel state={d.state} at={d.deliveredAt} />
                </Td>
                <Td dataLabel={t('column.lastAnswer')}>
                  <LastAnswer delivery={d} />
                </Td>
                <Td dataLabel={t('column.tries')}>
                  <Tries attempts={d.attempts} nextAttemptAt={d.nextAttemptAt} />
                </Td>
                <Td dataLabel={t('column.webhookId')}>
                  <code className="trm-break">{d.webhookId}</code>
                </Td>
                {operator && (
                  <SendAgain
                    failed={d.state === 'failed'}
                    send={() => answer(api.POST('/v1/notifications/webhooks/{id}/retry', { params: { path: { id: d.id } } }))}
                    sent={calls.reload}
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
