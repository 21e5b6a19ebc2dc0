import { ActionGroup, Alert, Button, Content, Form, List, ListItem, PageSection, Title } from '@patternfly/react-core';
import ArrowLeftIcon from '@patternfly/react-icons/dist/esm/icons/arrow-left-icon';
import './handover.css';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { asRefusal, refusalText } from '../../api/problems';
import { hasRole, useSession } from '../../session/session';
import { DeliveryStatus } from './DeliveryStatus';
import { useProblemText } from './fields';
import {
  EMPTY_SEALED,
  type HandoverForm,
  type Problems,
  STEPS,
  type Step,
  checkStep,
  emptyForm,
  fieldId,
  stepOfField,
  stepsOf,
  toBody,
  toSealed,
} from './form';
import { RecipientStep } from './recipient';
import { ReviewStep } from './review';
import { ConsentStep, FactsStep, PurposeStep, SealedStep } from './steps';

/** Focuses the control of a field path: the control itself, or the first of its radios/checkboxes. */
function focusField(field: string) {
  const id = fieldId(field);
  const el = document.getElementById(id) ?? document.querySelector<HTMLElement>(`[id^="${id}-"]:is(input, select, textarea)`);
  el?.focus();
}

/**
 * `/handovers/new`: a new handover, one question group per step (GOV.UK pattern), then "check your answers", then
 * the delivery status until the partner's signed receipt is in. What is entered lives in this component's state only:
 * never in the URL, the title or browser storage; the sealed details are dropped once sent.
 */
export function NewHandoverPage() {
  const { t } = useTranslation('handover');
  const session = useSession();
  const problemText = useProblemText();
  const [form, setForm] = useState<HandoverForm>(emptyForm);
  const [step, setStep] = useState<Step>('purpose');
  const [problems, setProblems] = useState<Problems>({});
  const [fromReview, setFromReview] = useState(false);
  const [sending, setSending] = useState(false);
  const [refused, setRefused] = useState<unknown>();
  const [sent, setSent] = useState<{ id: string; caseRef: string }>();
  const heading = useRef<HTMLHeadingElement>(null);
  const summary = useRef<HTMLDivElement>(null);

  const ownCountry = session.node.slice(0, 2);
  const own = usePolling(() => answer(api.GET('/v1/directory', { params: { query: { country: ownCountry } } })), `own-${ownCountry}`, 0);
  const ownRoles = useMemo(() => (own.data?.matches ?? []).filter((m) => m.node === session.node), [own.data, session.node]);
  const senders = useMemo(() => {
    const holds = session.me.holds;
    const titled = (address: string) => ({ address, title: ownRoles.find((r) => r.address === address)?.title });
    // A coordinator sends for the node, as any of its roles; a caseworker only as a role they hold.
    const extra = hasRole(session, 'coordinator') && !holds.length ? ownRoles.map((r) => r.address) : [];
    return [...holds, ...extra].map(titled);
  }, [ownRoles, session]);

  const change = (patch: Partial<HandoverForm>) => {
    setForm((f) => {
      const next = { ...f, ...patch };
      // A child's consent is a guardian's.
      if (patch.ageGroup === 'child' && next.consentBy === 'person') next.consentBy = 'guardian';
      return next;
    });
    setProblems((p) => Object.fromEntries(Object.entries(p).filter(([field]) => !Object.keys(patch).some((k) => matchesKey(field, k)))));
  };

  useEffect(() => {
    if (senders.length === 1 && !form.sender) setForm((f) => ({ ...f, sender: senders[0].address }));
  }, [senders, form.sender]);

  const steps = stepsOf(form);
  const index = steps.indexOf(step);
  const go = (to: Step) => {
    setStep(to);
    setRefused(undefined);
    window.scrollTo(0, 0);
    window.setTimeout(() => heading.current?.focus(), 0);
  };

  const stepProblems = Object.entries(problems).filter(([field]) => stepOfField(field) === step);

  const next = (event?: FormEvent) => {
    event?.preventDefault();
    const found = checkStep(step, form);
    if (Object.keys(found).length) {
      setProblems((p) => ({ ...withoutStep(p, step), ...found }));
      window.setTimeout(() => summary.current?.focus(), 0);
      return;
    }
    setProblems((p) => withoutStep(p, step));
    // A step whose answers changed from the review goes back to it, unless the next step now needs answers (sealed).
    const following = steps[index + 1];
    go(fromReview && !(following === 'sealed' && step === 'consent') ? 'review' : following);
  };

  const back = () => go(fromReview && step !== 'review' ? 'review' : steps[Math.max(0, index - 1)]);

  const changeFrom = (s: Step) => {
    setFromReview(true);
    go(s);
  };

  const submit = async () => {
    for (const s of steps) {
      const found = checkStep(s, form);
      if (Object.keys(found).length) {
        setProblems(found);
        setFromReview(true);
        go(s);
        return;
      }
    }
    setSending(true);
    setRefused(undefined);
    try {
      const done = await answer(
        api.POST('/v1/handovers', { body: { sender: form.sender, recipient: form.recipient, body: toBody(form), sealed: toSealed(form) } }),
      );
      // Nothing of the sealed details is kept once they are sent.
      setForm((f) => ({ ...f, sealed: { ...EMPTY_SEALED } }));
      setSent({ id: done.id, caseRef: done.caseRef });
      window.setTimeout(() => heading.current?.focus(), 0);
    } catch (error) {
      const refusal = asRefusal(error);
      const found: Problems = {};
      for (const p of refusal?.problems ?? []) found[p.field] ??= `api:${p.problem}`;
      const first = STEPS.find((s) => Object.keys(found).some((f) => stepOfField(f) === s));
      setProblems(found);
      setRefused(error);
      if (first && first !== 'review') {
        setFromReview(true);
        go(first);
        setRefused(undefined);
      }
    } finally {
      setSending(false);
    }
  };

  const startAgain = () => {
    setForm(emptyForm());
    setProblems({});
    setFromReview(false);
    setSent(undefined);
    go('purpose');
  };

  if (sent)
    return (
      <PageSection>
        <Title headingLevel="h1" ref={heading} tabIndex={-1}>
          {t('status.title.page')}
        </Title>
        <DeliveryStatus id={sent.id} caseRef={sent.caseRef} />
        <Button variant="secondary" onClick={startAgain}>
          {t('startAgain')}
        </Button>
      </PageSection>
    );

  return (
    <PageSection>
      {index > 0 && (
        <Button variant="link" isInline icon={<ArrowLeftIcon />} onClick={back} className="trm-back">
          {t('back')}
        </Button>
      )}
      <Content component="p" className="trm-caption">
        {t('stepOf', { current: index + 1, total: steps.length })}
      </Content>
      <Title headingLevel="h1" ref={heading} tabIndex={-1}>
        {t(`step.${step}`)}
      </Title>
      {stepProblems.length > 0 && (
        <div ref={summary} tabIndex={-1}>
          <Alert variant="danger" isInline title={t('error.summary')}>
            <List>
              {stepProblems.map(([field, problem]) => (
                <ListItem key={field}>
                  <Button variant="link" isInline onClick={() => focusField(field)}>
                    {problemText(problem)}
                  </Button>
                </ListItem>
              ))}
            </List>
          </Alert>
        </div>
      )}
      {refused !== undefined && (
        <Alert variant="danger" isInline title={asRefusal(refused)?.statusCode === 403 ? t('error.forbidden') : t('error.notSent')}>
          {refusalText(refused)}
        </Alert>
      )}
      <Form onSubmit={step === 'review' ? (e) => (e.preventDefault(), void submit()) : next} noValidate>
        {step === 'purpose' && <PurposeStep form={form} change={change} problems={problems} senders={senders} />}
        {step === 'facts' && <FactsStep form={form} change={change} problems={problems} />}
        {step === 'consent' && <ConsentStep form={form} change={change} problems={problems} />}
        {step === 'recipient' && <RecipientStep form={form} change={change} problems={problems} node={session.node} />}
        {step === 'sealed' && <SealedStep form={form} change={change} problems={problems} />}
        {step === 'review' && <ReviewStep form={form} onChange={changeFrom} recipientTitle={form.recipientTitle} />}
        <ActionGroup>
          {step === 'review' ? (
            <Button type="submit" variant="primary" isLoading={sending} isDisabled={sending}>
              {t('send')}
            </Button>
          ) : (
            <Button type="submit" variant="primary">
              {t('continue')}
            </Button>
          )}
        </ActionGroup>
      </Form>
    </PageSection>
  );
}

/** Whether a field path belongs to a form key that just changed (so its problem goes once the person answers). */
function matchesKey(field: string, key: string): boolean {
  const map: Record<string, string[]> = {
    purpose: ['body.purpose'],
    sender: ['sender'],
    ageGroup: ['body.person.ageGroup', 'body.consent'],
    sex: ['body.person.sex'],
    nationality: ['body.person.nationality'],
    languages: ['body.person.languages'],
    exploitation: ['body.exploitation'],
    riskLevel: ['body.risk.level'],
    riskAssessedAt: ['body.risk.assessedAt'],
    needs: ['body.needs'],
    returnDate: ['body.plannedReturn.date', 'body.plannedReturn'],
    escort: ['body.plannedReturn.escort'],
    consentGiven: ['body.consent.given'],
    consentBy: ['body.consent.by', 'body.consent'],
    consentDate: ['body.consent.recordedAt'],
    consentTime: ['body.consent.recordedAt'],
    shareSealed: ['body.consent.scope'],
    destination: ['destination', 'recipient'],
    recipient: ['recipient'],
  };
  return key === 'sealed' ? field.startsWith('sealed') : (map[key] ?? []).includes(field);
}

const withoutStep = (p: Problems, step: Step): Problems => Object.fromEntries(Object.entries(p).filter(([field]) => stepOfField(field) !== step));
