import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  Content,
  Form,
  FormSelect,
  FormSelectOption,
  FormGroup,
  List,
  ListItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Schemas, api } from '../../api/client';
import { answer } from '../../api/polling';
import { asRefusal, refusalText } from '../../api/problems';
import { ErrorSummary, type Problems, useRefusedProblems } from '../../components/FormProblems';
import { CodeLabel } from '../../components/CodeLabel';
import { useFormat } from '../../i18n/format';
import { Field, NO_PERSON, type PersonChoice, PersonFields } from './fields';

type Role = Schemas['RoleView'];
type Transfer = Pick<Schemas['TransferView'], 'openCases' | 'unansweredMessages' | 'successor'>;

const split = (address: string) => {
  const [, org, role] = address.split('/');
  return { org, role };
};

/** An ISO instant from a datetime-local field (the reader's time zone), or undefined when empty. */
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** What the browser can tell of a person choice: the name of a new person, or the id of a known one, is missing. */
function checkPerson(choice: PersonChoice, prefix: string, t: (k: string) => string): Problems {
  if (choice.mode === 'new') return choice.name.trim() ? {} : { name: t('check.name') };
  return choice.id.trim() ? {} : { [`${prefix}-id`]: t('check.id') };
}

/** The summary's links: each problem's field to its control's id. */
const personIds = (prefix: string, field: string) => ({
  name: `${prefix}-name`,
  email: `${prefix}-email`,
  phone: `${prefix}-phone`,
  [`${prefix}-id`]: `${prefix}-id`,
  [field]: `${prefix}-id`,
  deputy: `${prefix.split('-')[0]}-deputy`,
});

/** A refusal without field problems (403, 409…) as an alert above the form. */
function Refusal({ error }: { error: unknown }) {
  const { t } = useTranslation('admin');
  const refusal = asRefusal(error);
  if (error === undefined || (refusal?.problems?.length ?? 0) > 0) return null;
  return (
    <Alert
      variant="danger"
      isInline
      title={refusal?.statusCode === 403 ? t('refused.forbidden') : refusal?.statusCode === 409 ? t('refused.conflict') : t('refused.failed')}
    >
      {refusalText(error)}
    </Alert>
  );
}

/** What a new holder or a successor inherits: the role's open cases and the messages waiting for an answer. */
function Inherited({ transfer, heading }: { transfer: Transfer; heading: string }) {
  const { t } = useTranslation('admin');
  return (
    <Alert variant="success" isInline title={heading} data-testid="inherited">
      <Content component="p">{t('inherited.cases', { count: transfer.openCases.length })}</Content>
      {transfer.openCases.length > 0 && (
        <List aria-label={t('inherited.casesLabel')}>
          {transfer.openCases.map((c) => (
            <ListItem key={c}>
              <Link to={`/cases/${encodeURIComponent(c)}`}>{c}</Link>
            </ListItem>
          ))}
        </List>
      )}
      <Content component="p">{t('inherited.messages', { count: transfer.unansweredMessages.length })}</Content>
      {transfer.unansweredMessages.length > 0 && (
        <List aria-label={t('inherited.messagesLabel')}>
          {transfer.unansweredMessages.map((m) => (
            <ListItem key={m}>
              <code>{m}</code>
            </ListItem>
          ))}
        </List>
      )}
    </Alert>
  );
}

function ConfirmDialog({
  title,
  body,
  confirm,
  onConfirm,
  onCancel,
}: {
  title: string;
  body: string;
  confirm: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation('admin');
  return (
    <Modal isOpen variant="small" onClose={onCancel} aria-labelledby="admin-confirm-title" aria-describedby="admin-confirm-body">
      <ModalHeader title={title} labelId="admin-confirm-title" titleIconVariant="warning" />
      <ModalBody id="admin-confirm-body">{body}</ModalBody>
      <ModalFooter>
        <Button variant="danger" onClick={onConfirm}>
          {confirm}
        </Button>
        <Button variant="link" onClick={onCancel}>
          {t('cancel')}
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/** Creates the person when a new one was chosen (as staff of the role's organisation); answers their id. */
async function personId(choice: PersonChoice, organisation: string, keep: (c: PersonChoice) => void): Promise<string> {
  if (choice.mode === 'existing') return choice.id.trim();
  const person = await answer(
    api.POST('/v1/people', {
      body: { name: choice.name, ...(choice.email && { email: choice.email }), ...(choice.phone && { phone: choice.phone }), organisation },
    }),
  );
  // From now on the form names the person created, so trying again does not create them twice.
  keep({ ...NO_PERSON, mode: 'existing', id: person.id });
  return person.id;
}

/** The problems for PersonFields: a missing id of a known person is the request's field (`to`, `person`). */
const withId = (problems: Problems, prefix: string, field: string): Problems =>
  problems[`${prefix}-id`] ? { ...problems, [field]: problems[`${prefix}-id`] } : problems;

/** Staff turnover: the role passes to another person; the answer lists what they inherit. */
function HandoverForm({ role, changed }: { role: Role; changed: () => void }) {
  const { t } = useTranslation('admin');
  const [to, setTo] = useState<PersonChoice>(NO_PERSON);
  const [deputy, setDeputy] = useState('');
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<Schemas['HandedOverRole']>();
  const [own, setOwn] = useState<Problems>({});
  const refused = useRefusedProblems()(error);
  const problems = Object.keys(own).length ? own : refused;
  const run = async () => {
    setAsking(false);
    setError(undefined);
    try {
      const id = await personId(to, role.organisation, setTo);
      const { org, role: slug } = split(role.address);
      setDone(
        await answer(
          api.POST('/v1/roles/{org}/{role}/handover', {
            params: { path: { org, role: slug } },
            body: { to: id, ...(deputy.trim() && { deputy: deputy.trim() }) },
          }),
        ),
      );
      setTo(NO_PERSON);
      setDeputy('');
      changed();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <Form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const failed = checkPerson(to, 'handover-to', t);
        setOwn(failed);
        if (!Object.keys(failed).length) setAsking(true);
      }}
      noValidate
      aria-labelledby="handover-title"
    >
      <Title headingLevel="h3" id="handover-title">
        {t('handover.title')}
      </Title>
      <Content component="p">{t('handover.intro')}</Content>
      <ErrorSummary problems={problems} ids={personIds('handover-to', 'to')} />
      <Refusal error={error} />
      <PersonFields prefix="handover-to" value={to} onChange={setTo} problems={withId(problems, 'handover-to', 'to')} field="to" />
      <Field id="handover-deputy" label={t('deputy')} value={deputy} onChange={setDeputy} problem={problems.deputy} hint={t('deputyHint')} />
      <ActionGroup>
        <Button type="submit">{t('handover.submit')}</Button>
      </ActionGroup>
      {asking && (
        <ConfirmDialog
          title={t('handover.confirmTitle')}
          body={t('handover.confirmBody', { role: role.address })}
          confirm={t('handover.submit')}
          onConfirm={() => void run()}
          onCancel={() => setAsking(false)}
        />
      )}
      {done && <Inherited transfer={done} heading={t('handover.done', { role: done.role })} />}
    </Form>
  );
}

/** Someone joins: a holder next to those already there, from now or a given time. */
function AssignForm({ role, changed, assigned }: { role: Role; changed: () => void; assigned: (id: string) => void }) {
  const { t } = useTranslation('admin');
  const [person, setPerson] = useState<PersonChoice>(NO_PERSON);
  const [deputy, setDeputy] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [error, setError] = useState<unknown>();
  const [own, setOwn] = useState<Problems>({});
  const refused = useRefusedProblems()(error);
  const problems = Object.keys(own).length ? own : refused;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const failed = checkPerson(person, 'assign-person', t);
    setOwn(failed);
    if (Object.keys(failed).length) return;
    setError(undefined);
    try {
      const id = await personId(person, role.organisation, setPerson);
      const { org, role: slug } = split(role.address);
      const body = {
        person: id,
        ...(deputy.trim() && { deputy: deputy.trim() }),
        ...(startsAt && { startsAt: instant(startsAt) }),
        ...(endsAt && { endsAt: instant(endsAt) }),
      };
      const answered = await answer(api.POST('/v1/roles/{org}/{role}/assignments', { params: { path: { org, role: slug } }, body }));
      assigned(answered.assignment);
      setPerson(NO_PERSON);
      setDeputy('');
      changed();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <Form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="assign-title">
      <Title headingLevel="h3" id="assign-title">
        {t('assign.title')}
      </Title>
      <Content component="p">{t('assign.intro')}</Content>
      <ErrorSummary problems={problems} ids={{ ...personIds('assign-person', 'person'), startsAt: 'assign-starts', endsAt: 'assign-ends' }} />
      <Refusal error={error} />
      <PersonFields prefix="assign-person" value={person} onChange={setPerson} problems={withId(problems, 'assign-person', 'person')} field="person" />
      <Field id="assign-deputy" label={t('deputy')} value={deputy} onChange={setDeputy} problem={problems.deputy} hint={t('deputyHint')} />
      <Field
        id="assign-starts"
        type="datetime-local"
        label={t('assign.startsAt')}
        value={startsAt}
        onChange={setStartsAt}
        problem={problems.startsAt}
        hint={t('assign.startsHint')}
      />
      <Field
        id="assign-ends"
        type="datetime-local"
        label={t('assign.endsAt')}
        value={endsAt}
        onChange={setEndsAt}
        problem={problems.endsAt}
        hint={t('assign.endsHint')}
      />
      <ActionGroup>
        <Button type="submit">{t('assign.submit')}</Button>
      </ActionGroup>
    </Form>
  );
}

/** The role goes: its cases and waiting messages pass to the successor (another organisation's first has to agree). */
function RetireForm({ role, changed }: { role: Role; changed: () => void }) {
  const { t } = useTranslation('admin');
  const [successor, setSuccessor] = useState('');
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<{ transfer?: Schemas['TransferView']; pending?: Schemas['RoleLinkView'] }>();
  const [own, setOwn] = useState<Problems>({});
  const refused = useRefusedProblems()(error);
  const problems = Object.keys(own).length ? own : refused;
  const run = async () => {
    setAsking(false);
    setError(undefined);
    try {
      const { org, role: slug } = split(role.address);
      const {
        data,
        error: refused,
        response,
      } = await api.POST('/v1/roles/{org}/{role}/deactivate', { params: { path: { org, role: slug } }, body: { successor: successor.trim() } });
      if (!response.ok || refused !== undefined) await answer(Promise.resolve({ data, error: refused, response }));
      setDone(response.status === 202 ? { pending: data as Schemas['RoleLinkView'] } : { transfer: data as Schemas['TransferView'] });
      changed();
    } catch (failure) {
      setError(failure);
    }
  };
  const retired = role.status === 'retired';
  if (retired && !done) return null;
  return (
    <Form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const failed: Problems = successor.trim() ? {} : { successor: t('check.successor') };
        setOwn(failed);
        if (!Object.keys(failed).length) setAsking(true);
      }}
      noValidate
      aria-labelledby="retire-title"
    >
      <Title headingLevel="h3" id="retire-title">
        {t('retire.title')}
      </Title>
      {!retired && (
        <>
          <Content component="p">{t('retire.intro')}</Content>
          <ErrorSummary problems={problems} ids={{ successor: 'retire-successor' }} />
          <Refusal error={error} />
          <Field
            id="retire-successor"
            label={t('retire.successor')}
            value={successor}
            onChange={setSuccessor}
            problem={problems.successor}
            hint={t('retire.successorHint')}
            required
          />
          <ActionGroup>
            <Button type="submit" variant="danger">
              {t('retire.submit')}
            </Button>
          </ActionGroup>
        </>
      )}
      {asking && (
        <ConfirmDialog
          title={t('retire.confirmTitle')}
          body={t('retire.confirmBody', { role: role.address, successor: successor.trim() })}
          confirm={t('retire.submit')}
          onConfirm={() => void run()}
          onCancel={() => setAsking(false)}
        />
      )}
      {done?.transfer && <Inherited transfer={done.transfer} heading={t('retire.done', { successor: done.transfer.successor ?? '' })} />}
      {done?.pending && (
        <Alert variant="info" isInline title={t('retire.pending', { target: done.pending.target })}>
          {t('retire.pendingBody')}
        </Alert>
      )}
    </Form>
  );
}

/** A holder vouches that the entry is right (an administrator does so on a holder's behalf). */
function ConfirmEntry({ role, changed }: { role: Role; changed: () => void }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const [person, setPerson] = useState(role.holders?.[0]?.person.id ?? '');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const problems = useRefusedProblems()(error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const { org, role: slug } = split(role.address);
      await answer(api.POST('/v1/roles/{org}/{role}/confirm', { params: { path: { org, role: slug } }, body: person ? { person } : {} }));
      setDone(true);
      changed();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <Form onSubmit={(e) => void submit(e)} aria-labelledby="confirm-title">
      <Title headingLevel="h3" id="confirm-title">
        {t('confirm.title')}
      </Title>
      <Content component="p">{t('confirm.intro', { at: format.dateTime(role.confirmedAt) })}</Content>
      <Refusal error={error} />
      {role.holders?.length ? (
        <FormGroup label={t('confirm.onBehalf')} fieldId="confirm-person">
          <FormSelect id="confirm-person" value={person} onChange={(_e, v) => setPerson(v)} validated={problems.person ? 'error' : 'default'}>
            {role.holders.map((h) => (
              <FormSelectOption key={h.assignment} value={h.person.id} label={h.person.name} />
            ))}
          </FormSelect>
        </FormGroup>
      ) : null}
      {problems.person && <Alert variant="danger" isInline isPlain title={problems.person} />}
      <ActionGroup>
        <Button type="submit" variant="secondary">
          {t('confirm.submit')}
        </Button>
      </ActionGroup>
      {done && <Alert variant="success" isInline isPlain title={t('confirm.done')} />}
    </Form>
  );
}

/** Who holds the role now — only when the API names them (its organisation's administrators); else how many. */
function Holders({ role, changed, extra }: { role: Role; changed: () => void; extra: string[] }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const [error, setError] = useState<unknown>();
  const end = async (assignment: string) => {
    setError(undefined);
    try {
      await answer(api.POST('/v1/assignments/{id}/end', { params: { path: { id: assignment } }, body: {} }));
      changed();
    } catch (failure) {
      setError(failure);
    }
  };
  const known = new Set(role.holders?.map((h) => h.assignment));
  return (
    <>
      <Title headingLevel="h3">{t('holders.title')}</Title>
      <Refusal error={error} />
      {role.holders === undefined ? (
        <Content component="p">{t('holders.count', { count: role.holderCount })}</Content>
      ) : !role.holders.length ? (
        <Content component="p">{t('holders.none')}</Content>
      ) : (
        <Table aria-label={t('holders.table')} variant="compact">
          <Thead>
            <Tr>
              <Th modifier="wrap">{t('holders.person')}</Th>
              <Th modifier="wrap">{t('deputy')}</Th>
              <Th modifier="wrap">{t('holders.since')}</Th>
              <Th modifier="wrap">{t('holders.until')}</Th>
              <Th screenReaderText={t('holders.actions')} />
            </Tr>
          </Thead>
          <Tbody>
            {role.holders.map((h) => (
              <Tr key={h.assignment}>
                <Td dataLabel={t('holders.person')}>{h.person.name}</Td>
                <Td dataLabel={t('deputy')}>{h.deputy?.name ?? t('none')}</Td>
                <Td dataLabel={t('holders.since')}>{format.dateTime(h.startsAt)}</Td>
                <Td dataLabel={t('holders.until')}>{h.endsAt ? format.dateTime(h.endsAt) : t('holders.open')}</Td>
                <Td>
                  <Button variant="secondary" size="sm" onClick={() => void end(h.assignment)} aria-label={t('holders.endLabel', { name: h.person.name })}>
                    {t('holders.end')}
                  </Button>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {extra
        .filter((a) => !known.has(a))
        .map((a) => (
          <Content component="p" key={a}>
            {t('holders.assigned', { id: a })}{' '}
            <Button variant="link" isInline onClick={() => void end(a)}>
              {t('holders.end')}
            </Button>
          </Content>
        ))}
    </>
  );
}

/** One role's work for its administrator: holders, assigning, handing over, confirming, retiring. */
export function RoleWork({ role, changed }: { role: Role; changed: () => void }) {
  const { t } = useTranslation('admin');
  const [assigned, setAssigned] = useState<string[]>([]);
  const retired = role.status === 'retired';
  return (
    <Card>
      <CardTitle>
        <Title headingLevel="h2">{t('role.heading', { title: role.title, address: role.address })}</Title>
        <CodeLabel list="roleStatus" value={role.status} />
        {role.unconfirmed && <> · {t('role.unconfirmed')}</>}
        {role.successor && <> · {t('role.successor', { role: role.successor })}</>}
        {role.pendingSuccessor && <> · {t('role.pendingSuccessor', { role: role.pendingSuccessor.target })}</>}
      </CardTitle>
      <CardBody>
        <Holders role={role} changed={changed} extra={assigned} />
        {!retired && (
          <>
            <HandoverForm key={`h ${role.address}`} role={role} changed={changed} />
            <AssignForm key={`a ${role.address}`} role={role} changed={changed} assigned={(id) => setAssigned((a) => [...a, id])} />
            <ConfirmEntry key={`c ${role.address}`} role={role} changed={changed} />
          </>
        )}
        {/* Stays once the role is retired, to show what passed to the successor. */}
        <RetireForm key={`r ${role.address}`} role={role} changed={changed} />
      </CardBody>
    </Card>
  );
}
