import { ActionGroup, Alert, Button, Form, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import {
  ARRIVAL_POINT_KINDS,
  CLOSE_REASONS,
  DECLINE_REASONS,
  DOCUMENT_STATUSES,
  EXPLOITATION_FORMS,
  INFO_ANSWER_STATUSES,
  INFO_TOPICS,
  MISSED_ARRIVAL_REASONS,
  NEEDS,
  REINTEGRATION_STATUSES,
  RISK_LEVELS,
  TRANSPORT_MODES,
} from '@trm/wire/codes';
import type {
  ArrivalConfirmedBody,
  ArrivalMissedBody,
  CaseClosedBody,
  CaseUpdatedBody,
  ConsentWithdrawnBody,
  FollowupReportBody,
  HandoverAcceptedBody,
  HandoverDeclinedBody,
  InfoRequestBody,
  InfoResponseBody,
  ReturnScheduledBody,
} from '@trm/wire/bodies';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api } from '../../api/client';
import { useSession } from '../../session/session';
import { useCodeLabel } from '../../components/CodeLabel';
import { answer } from '../../api/polling';
import { asRefusal, refusalText } from '../../api/problems';
import { isDay, isTime } from '../../components/DateFields';
import { ErrorSummary, type Problems, controlId, useRefusedProblems } from '../../components/FormProblems';
import { CheckField, CodeChecks, CodeRadios, CodeSelect, InputField, RoleSelect, WhenField } from './fields';
import { readTimeline, topicsAsked } from './timeline';
import type { SendableType } from './types';

/** The id of a field's control in the open action form (one form is open at a time). */
const fid = (field: string) => controlId('action', field);

/** Keeps the problems whose condition holds: `{ 'body.reason': [!reason, t('check.reason')] }`. */
const failing = (checks: Record<string, [boolean, string]>): Problems =>
  Object.fromEntries(Object.entries(checks).flatMap(([field, [fails, text]]) => (fails ? [[field, text]] : [])));

/** What a form sends: the message's type and body, checked by the API like the partner will check it. */
interface SendProps {
  view: Schemas['CaseView'];
  onSent: (message: { id: string; type: string }) => void;
}

/**
 * The frame of every action: checks in the browser what it can (`check`: each missing or malformed answer, said in
 * the reader's language) and sends nothing while one fails; otherwise sends the body. The problems show next to their
 * fields and in an error summary linking to them; a 400's problems are translated with the API's words as detail (the
 * form places those it knows, the summary lists the rest), a 409's reason shows in an inline alert.
 */
function SendForm({
  view,
  type,
  body,
  fields,
  onSent,
  children,
  confirm,
  check = () => ({}),
}: SendProps & {
  type: SendableType;
  body: () => object;
  /** What the browser can check before sending: the problem of each field that fails, in the reader's language. */
  check?: () => Problems;
  /** Field paths the form shows problems for. */
  fields: string[];
  children: (problems: Problems) => ReactNode;
  /** A question to confirm before sending (consent withdrawal). */
  confirm?: { title: string; body: ReactNode };
}) {
  const { t } = useTranslation('caseActions');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [own, setOwn] = useState<Problems>({});
  const refused = useRefusedProblems()(error);
  const problems = Object.keys(own).length ? own : refused;
  const refusal = asRefusal(error);
  const ids = Object.fromEntries(fields.map((f) => [f, fid(f)]));

  const send = async () => {
    setAsking(false);
    setBusy(true);
    setError(undefined);
    try {
      const sent = await answer(
        api.POST('/v1/cases/{caseRef}/messages', { params: { path: { caseRef: view.caseRef } }, body: { type, body: body() as Record<string, unknown> } }),
      );
      onSent({ id: sent.id, type: sent.type });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const failed = check();
    setOwn(failed);
    if (Object.keys(failed).length) {
      setError(undefined);
      return;
    }
    if (confirm) setAsking(true);
    else void send();
  };

  return (
    <Form onSubmit={submit} noValidate>
      {Object.keys(problems).length > 0 ? (
        <ErrorSummary problems={problems} ids={ids} title={t('refused.invalid')} />
      ) : (
        refusal && (
          <Alert
            variant="danger"
            isInline
            title={refusal.statusCode === 409 ? t('refused.conflict') : refusal.statusCode === 400 ? t('refused.invalid') : t('refused.failed')}
          >
            {refusalText(error)}
          </Alert>
        )
      )}
      {children(problems)}
      <ActionGroup>
        <Button type="submit" variant={confirm ? 'danger' : 'primary'} isLoading={busy} isDisabled={busy}>
          {t(`submit.${type.replace('.', '-')}`)}
        </Button>
      </ActionGroup>
      {confirm && (
        <Modal variant="small" isOpen={asking} onClose={() => setAsking(false)} aria-labelledby="trm-confirm-title">
          <ModalHeader title={confirm.title} labelId="trm-confirm-title" titleIconVariant="warning" />
          <ModalBody>{confirm.body}</ModalBody>
          <ModalFooter>
            <Button variant="danger" onClick={() => void send()}>
              {t('confirm.yes')}
            </Button>
            <Button variant="link" onClick={() => setAsking(false)}>
              {t('confirm.no')}
            </Button>
          </ModalFooter>
        </Modal>
      )}
    </Form>
  );
}

const ourRoles = (view: Schemas['CaseView']) => [view.ourRole, ...view.participants];

/** The role of this case the signed-in person acts as (one they hold, else one they cover), as the API picks it. */
function useActingRole(view: Schemas['CaseView']): string {
  const me = useSession().me;
  const roles = ourRoles(view);
  return roles.find((r) => me.holds.includes(r)) ?? roles.find((r) => me.covers.includes(r)) ?? view.ourRole;
}

export function AcceptForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [role, setRole] = useState(useActingRole(props.view));
  const [services, setServices] = useState<HandoverAcceptedBody['services'] & object>([]);
  const body = (): HandoverAcceptedBody => ({ role, ...(services.length ? { services } : {}) });
  const check = () => failing({ 'body.role': [!role, t('check.role')] });
  return (
    <SendForm {...props} type="handover.accepted" body={body} fields={['body.role', 'body.services']} check={check}>
      {(p) => (
        <>
          <RoleSelect id={fid('body.role')} label={t('accept.role')} roles={ourRoles(props.view)} value={role} onChange={setRole} problem={p['body.role']} />
          <CodeChecks
            id={fid('body.services')}
            label={t('accept.services')}
            list="need"
            codes={NEEDS}
            value={services}
            onChange={setServices}
            problem={p['body.services']}
          />
        </>
      )}
    </SendForm>
  );
}

export function DeclineForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [reason, setReason] = useState<HandoverDeclinedBody['reason'] | ''>('');
  return (
    <SendForm
      {...props}
      type="handover.declined"
      body={() => ({ reason })}
      fields={['body.reason']}
      check={() => failing({ 'body.reason': [!reason, t('check.declineReason')] })}
    >
      {(p) => (
        <CodeSelect
          id={fid('body.reason')}
          label={t('decline.reason')}
          list="declineReason"
          codes={DECLINE_REASONS}
          value={reason}
          onChange={setReason}
          problem={p['body.reason']}
          isRequired
        />
      )}
    </SendForm>
  );
}

export function InfoRequestForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [topics, setTopics] = useState<InfoRequestBody['topics']>([]);
  const [dueBy, setDueBy] = useState('');
  const body = (): InfoRequestBody => ({ topics, ...(dueBy ? { dueBy } : {}) });
  return (
    <SendForm
      {...props}
      type="info.request"
      body={body}
      fields={['body.topics', 'body.dueBy']}
      check={() => failing({ 'body.topics': [!topics.length, t('check.topics')], 'body.dueBy': [!!dueBy && !isDay(dueBy), t('check.day')] })}
    >
      {(p) => (
        <>
          <CodeChecks
            id={fid('body.topics')}
            label={t('infoRequest.topics')}
            list="infoTopic"
            codes={INFO_TOPICS}
            value={topics}
            onChange={setTopics}
            problem={p['body.topics']}
            isRequired
          />
          <WhenField id={fid('body.dueBy')} label={t('infoRequest.dueBy')} kind="day" value={dueBy} onChange={setDueBy} problem={p['body.dueBy']} />
        </>
      )}
    </SendForm>
  );
}

type AnswerStatus = InfoResponseBody['answers'][number]['status'];

export function InfoResponseForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const codeLabel = useCodeLabel();
  // The topics the question being answered asked about (the one the API answers by default); all, if it is not known.
  const asked = topicsAsked(readTimeline(props.view.timeline)) ?? INFO_TOPICS;
  const [answers, setAnswers] = useState<Partial<Record<(typeof INFO_TOPICS)[number], AnswerStatus>>>({});
  const [documents, setDocuments] = useState<NonNullable<InfoResponseBody['documents']> | ''>('');
  const [needs, setNeeds] = useState<NonNullable<InfoResponseBody['needs']>>([]);
  const body = (): InfoResponseBody => ({
    answers: asked.filter((topic) => answers[topic]).map((topic) => ({ topic, status: answers[topic]! })),
    ...(documents ? { documents } : {}),
    ...(needs.length ? { needs } : {}),
  });
  return (
    <SendForm {...props} type="info.response" body={body} fields={['body.answers', 'body.documents', 'body.needs']}>
      {(p) => (
        <>
          <p>{t('infoResponse.intro')}</p>
          {asked.map((topic) => (
            <CodeSelect
              key={topic}
              label={t('infoResponse.topic', { topic: codeLabel('infoTopic', topic) })}
              list="infoAnswerStatus"
              codes={INFO_ANSWER_STATUSES}
              value={answers[topic] ?? ''}
              onChange={(status) => setAnswers({ ...answers, [topic]: status })}
            />
          ))}
          {p['body.answers'] && <Alert variant="danger" isInline isPlain title={p['body.answers']} />}
          <CodeSelect
            label={t('infoResponse.documents')}
            list="documentStatus"
            codes={DOCUMENT_STATUSES}
            value={documents}
            onChange={setDocuments}
            problem={p['body.documents']}
          />
          <CodeChecks label={t('infoResponse.needs')} list="need" codes={NEEDS} value={needs} onChange={setNeeds} problem={p['body.needs']} />
        </>
      )}
    </SendForm>
  );
}

export function ReturnScheduledForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [date, setDate] = useState('');
  const [time, setTime] = useState('');
  const [transport, setTransport] = useState<ReturnScheduledBody['transport'] | ''>('');
  const [kind, setKind] = useState<ReturnScheduledBody['arrivalPoint']['kind'] | ''>('');
  const [code, setCode] = useState('');
  const [escort, setEscort] = useState(false);
  const metBy = props.view.side === 'referring' ? props.view.partnerRole : props.view.ourRole;
  const body = () => ({ date, ...(time ? { time } : {}), transport, arrivalPoint: { kind, code: code.trim().toUpperCase() }, escort, metBy });
  const f = ['body.date', 'body.time', 'body.transport', 'body.arrivalPoint.kind', 'body.arrivalPoint.code', 'body.escort', 'body.metBy', 'body.arrivalPoint'];
  const check = () =>
    failing({
      'body.date': [!isDay(date), date ? t('check.day') : t('check.returnDate')],
      'body.time': [!!time && !isTime(time), t('check.time')],
      'body.transport': [!transport, t('check.transport')],
      'body.arrivalPoint.kind': [!kind, t('check.arrivalKind')],
      'body.arrivalPoint.code': [!code.trim(), t('check.arrivalCode')],
    });
  return (
    <SendForm {...props} type="return.scheduled" body={body} fields={f} check={check}>
      {(p) => (
        <>
          <WhenField id={fid('body.date')} label={t('return.date')} kind="day" value={date} onChange={setDate} problem={p['body.date']} isRequired />
          <WhenField
            id={fid('body.time')}
            label={t('return.time')}
            kind="time"
            value={time}
            onChange={setTime}
            problem={p['body.time']}
            help={t('return.timeHelp')}
          />
          <CodeRadios
            id={fid('body.transport')}
            label={t('return.transport')}
            list="transportMode"
            codes={TRANSPORT_MODES}
            value={transport}
            onChange={setTransport}
            problem={p['body.transport']}
            isRequired
          />
          <CodeSelect
            id={fid('body.arrivalPoint.kind')}
            label={t('return.arrivalKind')}
            list="arrivalPointKind"
            codes={ARRIVAL_POINT_KINDS}
            value={kind}
            onChange={setKind}
            problem={p['body.arrivalPoint.kind'] ?? p['body.arrivalPoint']}
            isRequired
          />
          <InputField
            id={fid('body.arrivalPoint.code')}
            label={t('return.arrivalCode')}
            type="text"
            value={code}
            onChange={setCode}
            problem={p['body.arrivalPoint.code']}
            help={t('return.arrivalCodeHelp')}
            isRequired
          />
          <CheckField id={fid('body.escort')} label={t('return.escort')} value={escort} onChange={setEscort} problem={p['body.escort']} />
          <p>{t('return.metBy', { role: metBy })}</p>
          {p['body.metBy'] && <Alert variant="danger" isInline isPlain title={p['body.metBy']} />}
        </>
      )}
    </SendForm>
  );
}

/** A day and a time of the reader's clock (YYYY-MM-DD, HH:MM) as RFC 3339 UTC. */
const toTimestamp = (day: string, time: string) => (isDay(day) && isTime(time) ? new Date(`${day}T${time}`).toISOString() : '');

export function ArrivalConfirmedForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [day, setDay] = useState('');
  const [time, setTime] = useState('');
  const [metBy, setMetBy] = useState(useActingRole(props.view));
  const [needs, setNeeds] = useState<NonNullable<ArrivalConfirmedBody['immediateNeeds']>>([]);
  const body = (): ArrivalConfirmedBody => ({ arrivedAt: toTimestamp(day, time), metBy, ...(needs.length ? { immediateNeeds: needs } : {}) });
  const check = () =>
    failing({
      'body.arrivedAt': [!isDay(day), day ? t('check.day') : t('check.arrivalDay')],
      arrivedAtTime: [!isTime(time), time ? t('check.time') : t('check.arrivalTime')],
      'body.metBy': [!metBy, t('check.metBy')],
    });
  return (
    <SendForm {...props} type="arrival.confirmed" body={body} fields={['body.arrivedAt', 'arrivedAtTime', 'body.metBy', 'body.immediateNeeds']} check={check}>
      {(p) => (
        <>
          <WhenField
            id={fid('body.arrivedAt')}
            label={t('arrival.arrivedAt')}
            kind="day"
            value={day}
            onChange={setDay}
            problem={p['body.arrivedAt']}
            isRequired
          />
          <WhenField id={fid('arrivedAtTime')} label={t('arrivedAt.time')} kind="time" value={time} onChange={setTime} problem={p.arrivedAtTime} isRequired />
          <RoleSelect
            id={fid('body.metBy')}
            label={t('arrival.metBy')}
            roles={ourRoles(props.view)}
            value={metBy}
            onChange={setMetBy}
            problem={p['body.metBy']}
          />
          <CodeChecks
            id={fid('body.immediateNeeds')}
            label={t('arrival.immediateNeeds')}
            list="need"
            codes={NEEDS}
            value={needs}
            onChange={setNeeds}
            problem={p['body.immediateNeeds']}
          />
        </>
      )}
    </SendForm>
  );
}

export function ArrivalMissedForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [reason, setReason] = useState<ArrivalMissedBody['reason'] | ''>('');
  return (
    <SendForm
      {...props}
      type="arrival.missed"
      body={() => ({ reason })}
      fields={['body.reason']}
      check={() => failing({ 'body.reason': [!reason, t('check.missedReason')] })}
    >
      {(p) => (
        <CodeRadios
          id={fid('body.reason')}
          label={t('arrivalMissed.reason')}
          list="missedArrivalReason"
          codes={MISSED_ARRIVAL_REASONS}
          value={reason}
          onChange={setReason}
          problem={p['body.reason']}
          isRequired
        />
      )}
    </SendForm>
  );
}

export function FollowupForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const reported = props.view.timeline.filter((e) => e.event === 'submitted followup.report' || e.event === 'received followup.report').length;
  const [period, setPeriod] = useState(String(reported + 1));
  const [status, setStatus] = useState<FollowupReportBody['status'] | ''>('');
  const [services, setServices] = useState<FollowupReportBody['services']>([]);
  const [level, setLevel] = useState<NonNullable<FollowupReportBody['risk']>['level'] | ''>('');
  const [next, setNext] = useState('');
  const today = new Date().toISOString().slice(0, 10);
  const body = () => ({
    period: Number(period),
    status,
    services,
    ...(level ? { risk: { level, assessedAt: today } } : {}),
    ...(next ? { nextReportDue: next } : {}),
  });
  return (
    <SendForm
      {...props}
      type="followup.report"
      body={body}
      fields={['body.period', 'body.status', 'body.services', 'body.risk.level', 'body.nextReportDue', 'body.risk']}
      check={() =>
        failing({
          'body.period': [!period.trim(), t('check.period')],
          'body.status': [!status, t('check.status')],
          'body.nextReportDue': [!!next && !isDay(next), t('check.day')],
        })
      }
    >
      {(p) => (
        <>
          <InputField
            id={fid('body.period')}
            label={t('followup.period')}
            type="number"
            value={period}
            onChange={setPeriod}
            problem={p['body.period']}
            isRequired
          />
          <CodeSelect
            id={fid('body.status')}
            label={t('followup.status')}
            list="reintegrationStatus"
            codes={REINTEGRATION_STATUSES}
            value={status}
            onChange={setStatus}
            problem={p['body.status']}
            isRequired
          />
          <CodeChecks
            id={fid('body.services')}
            label={t('followup.services')}
            list="need"
            codes={NEEDS}
            value={services}
            onChange={setServices}
            problem={p['body.services']}
          />
          <CodeSelect
            id={fid('body.risk.level')}
            label={t('followup.risk')}
            list="risk"
            codes={RISK_LEVELS}
            value={level}
            onChange={setLevel}
            problem={p['body.risk.level'] ?? p['body.risk']}
          />
          <WhenField
            id={fid('body.nextReportDue')}
            label={t('followup.nextReportDue')}
            kind="day"
            value={next}
            onChange={setNext}
            problem={p['body.nextReportDue']}
          />
        </>
      )}
    </SendForm>
  );
}

type Change = 'exploitation' | 'needs' | 'risk' | 'plannedReturn';
const CHANGES: readonly Change[] = ['exploitation', 'needs', 'risk', 'plannedReturn'];

/** A correction of coded facts already sent: one field of the handover at a time, replaced whole. */
export function CorrectionForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [field, setField] = useState<Change | ''>('');
  const [exploitation, setExploitation] = useState<NonNullable<CaseUpdatedBody['changes']['exploitation']>>([]);
  const [needs, setNeeds] = useState<NonNullable<CaseUpdatedBody['changes']['needs']>>([]);
  const [level, setLevel] = useState<NonNullable<CaseUpdatedBody['changes']['risk']>['level'] | ''>('');
  const [date, setDate] = useState('');
  const [escort, setEscort] = useState(false);
  const today = new Date().toISOString().slice(0, 10);
  const body = () => ({
    changes:
      field === 'exploitation'
        ? { exploitation }
        : field === 'needs'
          ? { needs }
          : field === 'risk'
            ? { risk: { level, assessedAt: today } }
            : field === 'plannedReturn'
              ? { plannedReturn: { date, escort } }
              : {},
  });
  const c = 'body.changes';
  return (
    <SendForm
      {...props}
      type="case.updated"
      body={body}
      fields={[c, `${c}.exploitation`, `${c}.needs`, `${c}.risk.level`, `${c}.plannedReturn.date`]}
      check={() =>
        failing({
          [c]: [!field, t('check.correctionField')],
          [`${c}.exploitation`]: [field === 'exploitation' && !exploitation.length, t('check.exploitation')],
          [`${c}.risk.level`]: [field === 'risk' && !level, t('check.riskLevel')],
          [`${c}.plannedReturn.date`]: [field === 'plannedReturn' && !isDay(date), date ? t('check.day') : t('check.returnDate')],
        })
      }
    >
      {(p) => (
        <>
          <CodeRadios
            id={fid(c)}
            label={t('correction.field')}
            list="caseChangeField"
            codes={CHANGES}
            value={field}
            onChange={setField}
            problem={p[c]}
            isRequired
          />
          {field === 'exploitation' && (
            <CodeChecks
              id={fid(`${c}.exploitation`)}
              label={t('correction.exploitation')}
              list="exploitation"
              codes={EXPLOITATION_FORMS}
              value={exploitation}
              onChange={setExploitation}
              problem={p[`${c}.exploitation`]}
            />
          )}
          {field === 'needs' && (
            <CodeChecks
              id={fid(`${c}.needs`)}
              label={t('correction.needs')}
              list="need"
              codes={NEEDS}
              value={needs}
              onChange={setNeeds}
              problem={p[`${c}.needs`]}
            />
          )}
          {field === 'risk' && (
            <CodeSelect
              id={fid(`${c}.risk.level`)}
              label={t('correction.risk')}
              list="risk"
              codes={RISK_LEVELS}
              value={level}
              onChange={setLevel}
              problem={p[`${c}.risk.level`]}
              isRequired
            />
          )}
          {field === 'plannedReturn' && (
            <>
              <WhenField
                id={fid(`${c}.plannedReturn.date`)}
                label={t('correction.returnDate')}
                kind="day"
                value={date}
                onChange={setDate}
                problem={p[`${c}.plannedReturn.date`]}
                isRequired
              />
              <CheckField label={t('correction.escort')} value={escort} onChange={setEscort} />
            </>
          )}
        </>
      )}
    </SendForm>
  );
}

type Withdrawal = 'share-sealed' | 'share-coded';

export function WithdrawConsentForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [what, setWhat] = useState<Withdrawal | ''>('');
  const left = (props.view.consent?.scope ?? []).filter((s): s is Withdrawal => s === 'share-sealed' || s === 'share-coded');
  const options: Withdrawal[] = left.includes('share-sealed') ? ['share-sealed', 'share-coded'] : ['share-coded'];
  const body = (): ConsentWithdrawnBody => ({
    withdrawnAt: new Date().toISOString(),
    scope: what === 'share-coded' ? ['share-coded', ...(left.includes('share-sealed') ? (['share-sealed'] as const) : [])] : ['share-sealed'],
  });
  return (
    <SendForm
      {...props}
      type="consent.withdrawn"
      body={body}
      fields={['body.scope', 'body.withdrawnAt']}
      check={() => failing({ 'body.scope': [!what, t('check.withdrawScope')] })}
      confirm={{ title: t('withdraw.confirmTitle'), body: <p>{t(what === 'share-coded' ? 'withdraw.erasesAll' : 'withdraw.erasesSealed')}</p> }}
    >
      {(p) => (
        <>
          <CodeRadios
            id={fid('body.scope')}
            label={t('withdraw.scope')}
            list="consentScope"
            codes={options}
            value={what}
            onChange={setWhat}
            problem={p['body.scope']}
            isRequired
          />
          {what && <Alert variant="warning" isInline isPlain title={t(what === 'share-coded' ? 'withdraw.erasesAll' : 'withdraw.erasesSealed')} />}
        </>
      )}
    </SendForm>
  );
}

export function CloseForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [reason, setReason] = useState<CaseClosedBody['reason'] | ''>('');
  return (
    <SendForm
      {...props}
      type="case.closed"
      body={() => ({ reason })}
      fields={['body.reason']}
      check={() => failing({ 'body.reason': [!reason, t('check.closeReason')] })}
    >
      {(p) => (
        <CodeSelect
          id={fid('body.reason')}
          label={t('close.reason')}
          list="closeReason"
          codes={CLOSE_REASONS}
          value={reason}
          onChange={setReason}
          problem={p['body.reason']}
          isRequired
        />
      )}
    </SendForm>
  );
}

/** The form of each message type a person sends. */
export const FORMS: Record<SendableType, (props: SendProps) => ReactNode> = {
  'handover.accepted': AcceptForm,
  'handover.declined': DeclineForm,
  'info.request': InfoRequestForm,
  'info.response': InfoResponseForm,
  'return.scheduled': ReturnScheduledForm,
  'arrival.confirmed': ArrivalConfirmedForm,
  'arrival.missed': ArrivalMissedForm,
  'followup.report': FollowupForm,
  'case.updated': CorrectionForm,
  'consent.withdrawn': WithdrawConsentForm,
  'case.closed': CloseForm,
};
