import { Button, DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, Title } from '@patternfly/react-core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useCodeLabel } from '../../components/CodeLabel';
import { useFormat } from '../../i18n/format';
import { type HandoverForm, type Step, recordedAt, toSealed } from './form';
import { useNames } from './steps';

/** One answer with its change link (GOV.UK "check your answers"). */
function Answer({ term, children, step, onChange, what }: { term: string; children: ReactNode; step: Step; onChange: (s: Step) => void; what: string }) {
  const { t } = useTranslation('handover');
  return (
    <DescriptionListGroup>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>
        <div className="trm-answer">
          <span>{children}</span>
          <Button variant="link" isInline onClick={() => onChange(step)} aria-label={t('review.changeWhat', { what })}>
            {t('review.change')}
          </Button>
        </div>
      </DescriptionListDescription>
    </DescriptionListGroup>
  );
}

/** Step 6: every answer, each with a link back to its step; the sealed details only as far as they were entered. */
export function ReviewStep({ form, onChange, recipientTitle }: { form: HandoverForm; onChange: (s: Step) => void; recipientTitle?: string }) {
  const { t } = useTranslation('handover');
  const code = useCodeLabel();
  const names = useNames();
  const format = useFormat();
  const list = (name: string, values: string[]) => (values.length ? values.map((v) => code(name, v)).join(', ') : t('review.none'));
  const sealed = toSealed(form);
  const a = (term: string, step: Step, value: ReactNode) => (
    <Answer term={term} step={step} onChange={onChange} what={term}>
      {value}
    </Answer>
  );
  return (
    <>
      <Title headingLevel="h2">{t('review.handover')}</Title>
      <DescriptionList isHorizontal>
        {a(t('review.purpose'), 'purpose', code('purpose', form.purpose))}
        {a(t('review.sender'), 'purpose', form.sender)}
      </DescriptionList>
      <Title headingLevel="h2">{t('review.person')}</Title>
      <DescriptionList isHorizontal>
        {a(t('facts.ageGroup'), 'facts', code('ageGroup', form.ageGroup))}
        {a(t('facts.sex'), 'facts', code('sex', form.sex))}
        {a(t('facts.nationality'), 'facts', names.country(form.nationality))}
        {a(t('facts.languages'), 'facts', form.languages.length ? form.languages.map(names.language).join(', ') : t('review.none'))}
        {a(t('facts.exploitation'), 'facts', list('exploitation', form.exploitation))}
        {a(t('review.risk'), 'facts', t('review.riskValue', { level: code('risk', form.riskLevel), day: format.day(form.riskAssessedAt) }))}
        {a(t('facts.needs'), 'facts', list('need', form.needs))}
        {form.purpose === 'return' &&
          a(t('review.plannedReturn'), 'facts', t('review.plannedReturnValue', { day: format.day(form.returnDate), escort: form.escort }))}
      </DescriptionList>
      <Title headingLevel="h2">{t('review.consent')}</Title>
      <DescriptionList isHorizontal>
        {a(t('consent.by'), 'consent', code('consentGiver', form.consentBy))}
        {a(t('consent.scope'), 'consent', list('consentScope', form.shareSealed ? ['share-coded', 'share-sealed'] : ['share-coded']))}
        {a(t('consent.recordedAt'), 'consent', format.dateTime(recordedAt(form)))}
      </DescriptionList>
      <Title headingLevel="h2">{t('review.recipient')}</Title>
      <DescriptionList isHorizontal>
        {a(t('recipient.destination'), 'recipient', names.country(form.destination))}
        {a(t('review.recipientRole'), 'recipient', recipientTitle ? `${recipientTitle} (${form.recipient})` : form.recipient)}
      </DescriptionList>
      {form.shareSealed && (
        <>
          <Title headingLevel="h2">{t('review.sealed')}</Title>
          <DescriptionList isHorizontal>
            {a(
              t('review.sealedEntered'),
              'sealed',
              sealed
                ? t('review.sealedCount', { count: Object.keys(sealed).length + (sealed.travelDocument ? Object.keys(sealed.travelDocument).length - 1 : 0) })
                : t('review.none'),
            )}
          </DescriptionList>
        </>
      )}
    </>
  );
}
