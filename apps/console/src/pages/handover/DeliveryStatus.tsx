import { Alert, Content, ProgressStep, ProgressStepper, Title } from '@patternfly/react-core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { POLL_INTERVAL_MS, answer, usePolling } from '../../api/polling';
import { useCodeLabel } from '../../components/CodeLabel';
import { LoadFailed } from '../../components/Loading';
import { useFormat } from '../../i18n/format';

const FINAL = ['delivered', 'rejected', 'undeliverable'];

/** After submitting: the handover's status, asked again until the partner's signed receipt (or a rejection) is in. */
export function DeliveryStatus({ id, caseRef }: { id: string; caseRef: string }) {
  const { t } = useTranslation('handover');
  const code = useCodeLabel();
  const format = useFormat();
  // Asks again until the status is final; then the interval 0 ends the polling.
  const [final, setFinal] = useState(false);
  const handover = usePolling(() => answer(api.GET('/v1/handovers/{id}', { params: { path: { id } } })), `handover-${id}`, final ? 0 : POLL_INTERVAL_MS);
  const status = handover.data?.status ?? 'submitted';
  const done = FINAL.includes(status);
  useEffect(() => void (done && setFinal(true)), [done]);
  const reached = (s: 'submitted' | 'sent' | 'delivered') =>
    ({ submitted: 0, sent: 1, delivered: 2 })[s] <= ({ submitted: 0, sent: 1, delivered: 2, rejected: 2, undeliverable: 1, received: 2 } as const)[status];
  const variant = (s: 'submitted' | 'sent' | 'delivered') =>
    s === 'delivered' && (status === 'rejected' || status === 'undeliverable') ? 'danger' : reached(s) ? 'success' : 'pending';
  const last = status === 'rejected' || status === 'undeliverable' ? status : 'delivered';

  return (
    <>
      <Alert
        variant={status === 'delivered' ? 'success' : done ? 'danger' : 'info'}
        isInline
        title={t(`status.title.${done ? status : 'waiting'}`)}
        aria-live="polite"
      >
        <Content component="p">{t(`status.body.${done ? status : 'waiting'}`)}</Content>
        {status === 'rejected' && handover.data?.reason && (
          <Content component="p">{t('status.reason', { reason: code('rejectReason', handover.data.reason) })}</Content>
        )}
      </Alert>
      <Title headingLevel="h2">{t('status.heading')}</Title>
      <ProgressStepper aria-label={t('status.progress')} isCenterAligned={false}>
        {(['submitted', 'sent'] as const).map((s) => (
          <ProgressStep key={s} id={`hs-${s}`} titleId={`hs-${s}-title`} variant={variant(s)} aria-label={code('messageStatus', s)}>
            {code('messageStatus', s)}
          </ProgressStep>
        ))}
        <ProgressStep id="hs-last" titleId="hs-last-title" variant={variant('delivered')} aria-label={code('messageStatus', last)} isCurrent={!done}>
          {code('messageStatus', last)}
        </ProgressStep>
      </ProgressStepper>
      <Content component="p" data-status={status}>
        {t('status.now', { status: code('messageStatus', status) })}
        {handover.data?.createdAt && ` ${t('status.createdAt', { at: format.dateTime(handover.data.createdAt) })}`}
      </Content>
      {handover.error !== undefined && <LoadFailed error={handover.error} />}
      <Content component="p">
        <Link to={`/cases/${encodeURIComponent(caseRef)}`}>{t('status.openCase', { caseRef })}</Link>
      </Content>
    </>
  );
}
