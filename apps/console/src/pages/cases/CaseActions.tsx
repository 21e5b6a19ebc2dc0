import { ActionGroup, Alert, Button, Form, FormGroup, FormSelect, FormSelectOption, Title } from '@patternfly/react-core';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { asRefusal, fieldProblems, refusalText } from '../../api/problems';
import { useCodeLabel } from '../../components/CodeLabel';
import { useSession } from '../../session/session';
import { FORMS } from './ActionForms';
import { MessageStatus } from './CaseTimeline';
import { Problem } from './fields';
import type { MessageLine, TimelineLine } from './timeline';
import type { CaseAction, SendableType } from './types';

const isSendable = (a: CaseAction): a is SendableType => a !== 'addParticipant' && a !== 'openSealed';

/**
 * Exactly the actions the API says the caller may take now, one at a time: choose what to do, fill in its coded
 * choices, send. After sending, the new message's delivery status shows until its receipt is in (the page polls).
 */
export function CaseActions({ view, lines, onChanged }: { view: Schemas['CaseView']; lines: TimelineLine[]; onChanged: () => void }) {
  const { t } = useTranslation('caseActions');
  const code = useCodeLabel();
  const id = useId();
  const actions = view.actions.filter((a) => a !== 'openSealed');
  const [chosen, setChosen] = useState<CaseAction | ''>('');
  const [sent, setSent] = useState<{ id: string; type: string }>();
  const line = sent && lines.find((l): l is MessageLine => l.kind === 'message' && l.id === sent.id);
  // The case's state follows the partner's receipt: ask again at once when the sent message's status moves.
  const status = line?.status;
  useEffect(() => {
    if (status && status !== 'submitted') onChanged();
  }, [status, onChanged]);

  const Chosen = chosen && isSendable(chosen) ? FORMS[chosen] : undefined;
  const done = (m: { id: string; type: string }) => {
    setSent(m);
    setChosen('');
    onChanged();
  };

  return (
    <>
      {sent && (
        <Alert
          variant={line?.status === 'rejected' || line?.status === 'undeliverable' ? 'danger' : 'info'}
          isInline
          title={t('sent.title', { type: code('messageType', sent.type) })}
        >
          <div aria-live="polite">
            {line ? <MessageStatus line={line} /> : t('sent.submitted')}
            {line && (line.status === 'submitted' || line.status === 'sent') && <div>{t('sent.waiting')}</div>}
          </div>
        </Alert>
      )}
      {/* A message that ended the case leaves nothing to do; its delivery still shows above. */}
      {!actions.length && <p>{t('none')}</p>}
      {actions.length > 0 && (
        <FormGroup label={t('chooseAction')} fieldId={id}>
          <FormSelect id={id} value={chosen} onChange={(_e, v) => setChosen(actions.find((a) => a === v) ?? '')}>
            <FormSelectOption value="" label={t('placeholder')} isPlaceholder />
            {actions.map((a) => (
              <FormSelectOption key={a} value={a} label={t(`action.${a.replace('.', '-')}`)} />
            ))}
          </FormSelect>
        </FormGroup>
      )}
      {chosen && (
        <section aria-labelledby={`${id}-title`} className="trm-action">
          <Title headingLevel="h3" id={`${id}-title`}>
            {t(`action.${chosen.replace('.', '-')}`)}
          </Title>
          {Chosen ? <Chosen key={chosen} view={view} onSent={done} /> : <ParticipantForm view={view} onAdded={onChanged} />}
        </section>
      )}
    </>
  );
}

/** Tells another role of this node about the case (POST /v1/cases/:caseRef/participants), chosen from this node's directory. */
function ParticipantForm({ view, onAdded }: { view: Schemas['CaseView']; onAdded: () => void }) {
  const { t } = useTranslation('caseActions');
  const session = useSession();
  const id = useId();
  const [role, setRole] = useState('');
  const [error, setError] = useState<unknown>();
  const [added, setAdded] = useState<string>();
  const [busy, setBusy] = useState(false);
  const directory = usePolling(() => answer(api.GET('/v1/directory', { params: { query: { country: session.node } } })), `directory-${session.node}`, 0);
  const taken = new Set([view.ourRole, ...view.participants]);
  const roles = (directory.data?.matches ?? []).filter((m) => m.node === session.node && !taken.has(m.address));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await answer(api.POST('/v1/cases/{caseRef}/participants', { params: { path: { caseRef: view.caseRef } }, body: { role } }));
      setAdded(role);
      setRole('');
      onAdded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const problem = fieldProblems(error).role;
  const refusal = asRefusal(error);

  return (
    <Form onSubmit={(e) => void submit(e)} noValidate>
      {added && <Alert variant="success" isInline title={t('participant.added', { role: added })} />}
      {refusal && !problem && (
        <Alert variant="danger" isInline title={refusal.statusCode === 409 ? t('refused.conflict') : t('refused.failed')}>
          {refusalText(error)}
        </Alert>
      )}
      <FormGroup label={t('participant.role')} fieldId={id} isRequired>
        <FormSelect id={id} value={role} onChange={(_e, v) => setRole(v)} validated={problem ? 'error' : 'default'}>
          <FormSelectOption value="" label={t('placeholder')} isPlaceholder isDisabled />
          {roles.map((r) => (
            <FormSelectOption
              key={r.address}
              value={r.address}
              label={t('participant.option', { title: r.title, organisation: r.organisation.name, address: r.address })}
            />
          ))}
        </FormSelect>
        <Problem problem={problem} />
      </FormGroup>
      <ActionGroup>
        <Button type="submit" isLoading={busy} isDisabled={busy || !role}>
          {t('participant.submit')}
        </Button>
      </ActionGroup>
    </Form>
  );
}
