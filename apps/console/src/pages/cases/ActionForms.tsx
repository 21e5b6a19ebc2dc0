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
import { useCodeLabel } from '../../components/CodeLabel';
import { answer } from '../../api/polling';
import { asRefusal, fieldProblems, refusalText } from '../../api/problems';
import { CheckField, CodeChecks, CodeRadios, CodeSelect, InputField, RoleSelect } from './fields';
import { readTimeline, topicsAsked } from './timeline';
import type { SendableType } from './types';

type Problems = Record<string, string>;

/** What a form sends: the message's type and body, checked by the API like the partner will check it. */
interface SendProps {
  view: Schemas['CaseView'];
  onSent: (message: { id: string; type: string }) => void;
}

/**
 * The frame of every action: sends the body, shows a 400's problems next to their fields (the form places those it
 * knows, the rest are listed in the alert) and a 409's reason in an inline alert.
 */
function SendForm({
  view,
  type,
  body,
  fields,
  onSent,
  children,
  confirm,
}: SendProps & {
  type: SendableType;
  body: () => object;
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
  const problems = fieldProblems(error);
  const refusal = asRefusal(error);
  const elsewhere = Object.entries(problems).filter(([field]) => !fields.includes(field));

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
    if (confirm) setAsking(true);
    else void send();
  };

  return (
    <Form onSubmit={submit} noValidate>
      {refusal && (
        <Alert
          variant="danger"
          isInline
          title={refusal.statusCode === 409 ? t('refused.conflict') : refusal.statusCode === 400 ? t('refused.invalid') : t('refused.failed')}
        >
          {refusal.statusCode === 409 || !refusal.problems ? refusalText(error) : null}
          {elsewhere.length > 0 && (
            <ul>
              {elsewhere.map(([field, problem]) => (
                <li key={field}>
                  {field}: {problem}
                </li>
              ))}
            </ul>
          )}
        </Alert>
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

export function AcceptForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [role, setRole] = useState(props.view.ourRole);
  const [services, setServices] = useState<HandoverAcceptedBody['services'] & object>([]);
  const body = (): HandoverAcceptedBody => ({ role, ...(services.length ? { services } : {}) });
  return (
    <SendForm {...props} type="handover.accepted" body={body} fields={['body.role', 'body.services']}>
      {(p) => (
        <>
          <RoleSelect label={t('accept.role')} roles={ourRoles(props.view)} value={role} onChange={setRole} problem={p['body.role']} />
          <CodeChecks label={t('accept.services')} list="need" codes={NEEDS} value={services} onChange={setServices} problem={p['body.services']} />
        </>
      )}
    </SendForm>
  );
}

export function DeclineForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [reason, setReason] = useState<HandoverDeclinedBody['reason'] | ''>('');
  return (
    <SendForm {...props} type="handover.declined" body={() => ({ reason })} fields={['body.reason']}>
      {(p) => (
        <CodeSelect
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
    <SendForm {...props} type="info.request" body={body} fields={['body.topics', 'body.dueBy']}>
      {(p) => (
        <>
          <CodeChecks label={t('infoRequest.topics')} list="infoTopic" codes={INFO_TOPICS} value={topics} onChange={setTopics} problem={p['body.topics']} />
          <InputField label={t('infoRequest.dueBy')} type="date" value={dueBy} onChange={setDueBy} problem={p['body.dueBy']} />
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
  const f = ['body.date', 'body.time', 'body.transport', 'body.arrivalPoint', 'body.arrivalPoint.kind', 'body.arrivalPoint.code', 'body.escort', 'body.metBy'];
  return (
    <SendForm {...props} type="return.scheduled" body={body} fields={f}>
      {(p) => (
        <>
          <InputField label={t('return.date')} type="date" value={date} onChange={setDate} problem={p['body.date']} isRequired />
          <InputField label={t('return.time')} type="time" value={time} onChange={setTime} problem={p['body.time']} help={t('return.timeHelp')} />
          <CodeRadios
            label={t('return.transport')}
            list="transportMode"
            codes={TRANSPORT_MODES}
            value={transport}
            onChange={setTransport}
            problem={p['body.transport']}
            isRequired
          />
          <CodeSelect
            label={t('return.arrivalKind')}
            list="arrivalPointKind"
            codes={ARRIVAL_POINT_KINDS}
            value={kind}
            onChange={setKind}
            problem={p['body.arrivalPoint.kind'] ?? p['body.arrivalPoint']}
            isRequired
          />
          <InputField
            label={t('return.arrivalCode')}
            type="text"
            value={code}
            onChange={setCode}
            problem={p['body.arrivalPoint.code']}
            help={t('return.arrivalCodeHelp')}
            isRequired
          />
          <CheckField label={t('return.escort')} value={escort} onChange={setEscort} problem={p['body.escort']} />
          <p>{t('return.metBy', { role: metBy })}</p>
          {p['body.metBy'] && <Alert variant="danger" isInline isPlain title={p['body.metBy']} />}
        </>
      )}
    </SendForm>
  );
}

/** A datetime-local value (the reader's time) as RFC 3339 UTC. */
const toTimestamp = (local: string) => (local ? new Date(local).toISOString() : '');

export function ArrivalConfirmedForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [arrivedAt, setArrivedAt] = useState('');
  const [metBy, setMetBy] = useState(props.view.ourRole);
  const [needs, setNeeds] = useState<NonNullable<ArrivalConfirmedBody['immediateNeeds']>>([]);
  const body = (): ArrivalConfirmedBody => ({ arrivedAt: toTimestamp(arrivedAt), metBy, ...(needs.length ? { immediateNeeds: needs } : {}) });
  return (
    <SendForm {...props} type="arrival.confirmed" body={body} fields={['body.arrivedAt', 'body.metBy', 'body.immediateNeeds']}>
      {(p) => (
        <>
          <InputField label={t('arrival.arrivedAt')} type="datetime-local" value={arrivedAt} onChange={setArrivedAt} problem={p['body.arrivedAt']} isRequired />
          <RoleSelect label={t('arrival.metBy')} roles={ourRoles(props.view)} value={metBy} onChange={setMetBy} problem={p['body.metBy']} />
          <CodeChecks label={t('arrival.immediateNeeds')} list="need" codes={NEEDS} value={needs} onChange={setNeeds} problem={p['body.immediateNeeds']} />
        </>
      )}
    </SendForm>
  );
}

export function ArrivalMissedForm(props: SendProps) {
  const { t } = useTranslation('caseActions');
  const [reason, setReason] = useState<ArrivalMissedBody['reason'] | ''>('');
  return (
    <SendForm {...props} type="arrival.missed" body={() => ({ reason })} fields={['body.reason']}>
      {(p) => (
        <CodeRadios
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
      fields={['body.period', 'body.status', 'body.services', 'body.risk', 'body.risk.level', 'body.nextReportDue']}
    >
      {(p) => (
        <>
          <InputField label={t('followup.period')} type="number" value={period} onChange={setPeriod} problem={p['body.period']} isRequired />
          <CodeSelect
            label={t('followup.status')}
            list="reintegrationStatus"
            codes={REINTEGRATION_STATUSES}
            value={status}
            onChange={setStatus}
            problem={p['body.status']}
            isRequired
          />
          <CodeChecks label={t('followup.services')} list="need" codes={NEEDS} value={services} onChange={setServices} problem={p['body.services']} />
          <CodeSelect
            label={t('followup.risk')}
            list="risk"
            codes={RISK_LEVELS}
            value={level}
            onChange={setLevel}
            problem={p['body.risk.level'] ?? p['body.risk']}
          />
          <InputField label={t('followup.nextReportDue')} type="date" value={next} onChange={setNext} problem={p['body.nextReportDue']} />
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
    <SendForm {...props} type="case.updated" body={body} fields={[c, `${c}.exploitation`, `${c}.needs`, `${c}.risk.level`, `${c}.plannedReturn.date`]}>
      {(p) => (
        <>
          <CodeRadios label={t('correction.field')} list="caseChangeField" codes={CHANGES} value={field} onChange={setField} problem={p[c]} isRequired />
          {field === 'exploitation' && (
            <CodeChecks
              label={t('correction.exploitation')}
              list="exploitation"
              codes={EXPLOITATION_FORMS}
              value={exploitation}
              onChange={setExploitation}
              problem={p[`${c}.exploitation`]}
            />
          )}
          {field === 'needs' && (
            <CodeChecks label={t('correction.needs')} list="need" codes={NEEDS} value={needs} onChange={setNeeds} problem={p[`${c}.needs`]} />
          )}
          {field === 'risk' && (
            <CodeSelect
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
              <InputField label={t('correction.returnDate')} type="date" value={date} onChange={setDate} problem={p[`${c}.plannedReturn.date`]} isRequired />
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
      confirm={{ title: t('withdraw.confirmTitle'), body: <p>{t(what === 'share-coded' ? 'withdraw.erasesAll' : 'withdraw.erasesSealed')}</p> }}
    >
      {(p) => (
        <>
          <CodeRadios label={t('withdraw.scope')} list="consentScope" codes={options} value={what} onChange={setWhat} problem={p['body.scope']} isRequired />
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
    <SendForm {...props} type="case.closed" body={() => ({ reason })} fields={['body.reason']}>
      {(p) => (
        <CodeSelect
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
