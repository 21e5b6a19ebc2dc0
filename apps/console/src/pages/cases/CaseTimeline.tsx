import { Label } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { CodeLabel, useCodeLabel } from '../../components/CodeLabel';
import { useFormat } from '../../i18n/format';
import { MessageSaid } from './MessageSaid';
import { type MessageLine, type TimelineLine, answered } from './timeline';

const STATUS_COLOR: Record<string, 'green' | 'red' | 'orange' | 'blue' | 'grey'> = {
  delivered: 'green',
  received: 'green',
  rejected: 'red',
  undeliverable: 'red',
  sent: 'blue',
  submitted: 'grey',
};

/** Every message both ways with its receipt, deadlines set, met and missed, escalations and participants: in order. */
export function CaseTimeline({ lines }: { lines: TimelineLine[] }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const code = useCodeLabel();

  const what = (l: TimelineLine) => {
    if (l.kind === 'message') {
      const replied = answered(lines, l.inReplyTo);
      return (
        <>
          <strong>
            <CodeLabel list="messageType" value={l.type} />
          </strong>
          <div>{t(l.direction === 'out' ? 'timeline.sentBy' : 'timeline.receivedFrom', { role: l.from ?? '—' })}</div>
          {l.to && <div>{t('timeline.to', { role: l.to })}</div>}
          {l.routedTo && <div>{t('timeline.routedTo', { role: l.routedTo })}</div>}
          {l.inReplyTo && (
            <div>
              {replied ? t('timeline.answers', { type: code('messageType', replied.type), time: format.dateTime(replied.at) }) : t('timeline.answersUnknown')}
            </div>
          )}
          <MessageSaid line={l} />
        </>
      );
    }
    if (l.kind === 'deadline')
      return (
        <>
          <strong>{t(`timeline.deadline.${l.what}`, { kind: code('deadlineKind', l.deadlineKind) })}</strong>
          {l.dueAt && <div>{t('timeline.dueAt', { time: format.dateTime(l.dueAt) })}</div>}
          {l.owedBy && <div>{t(`timeline.owedBy.${l.owedBy}`)}</div>}
        </>
      );
    if (l.kind === 'escalation')
      return (
        <>
          <strong>{t(`timeline.escalation.${l.what}`, { kind: code('deadlineKind', l.deadlineKind) })}</strong>
          {l.target && <div>{t('timeline.target', { role: l.target })}</div>}
        </>
      );
    if (l.kind === 'participant') return <strong>{t('timeline.participantAdded', { role: l.role ?? '' })}</strong>;
    return <span>{l.event}</span>;
  };

  const status = (l: TimelineLine) => {
    if (l.kind !== 'message') {
      if (l.kind === 'deadline' && (l.what === 'missed' || l.what === 'met-late'))
        return <Label color={l.what === 'missed' ? 'red' : 'orange'}>{t(`timeline.deadlineStatus.${l.what}`)}</Label>;
      return null;
    }
    return <MessageStatus line={l} />;
  };

  return (
    <Table aria-label={t('timeline.table')} variant="compact">
      <Thead>
        <Tr>
          <Th modifier="wrap">{t('timeline.column.at')}</Th>
          <Th modifier="wrap">{t('timeline.column.direction')}</Th>
          <Th modifier="wrap">{t('timeline.column.what')}</Th>
          <Th modifier="wrap">{t('timeline.column.status')}</Th>
        </Tr>
      </Thead>
      <Tbody>
        {lines.map((l, i) => (
          <Tr key={l.kind === 'message' ? l.id : `${l.at}-${l.kind}-${i}`}>
            <Td dataLabel={t('timeline.column.at')}>{format.dateTime(l.at)}</Td>
            <Td dataLabel={t('timeline.column.direction')}>{l.kind === 'message' ? t(`timeline.direction.${l.direction}`) : t(`timeline.node.${l.kind}`)}</Td>
            <Td dataLabel={t('timeline.column.what')}>{what(l)}</Td>
            <Td dataLabel={t('timeline.column.status')}>{status(l)}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

/** A message's delivery: delivered or rejected and why (the reason code labelled), still on its way, or given up. */
export function MessageStatus({ line }: { line: MessageLine }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  return (
    <>
      <Label color={STATUS_COLOR[line.status] ?? 'grey'} isCompact>
        <CodeLabel list="messageStatus" value={line.status} />
      </Label>
      {line.reason && (
        <div>
          {t('timeline.reason')} <CodeLabel list="rejectReason" value={line.reason} />
        </div>
      )}
      {line.settledAt && line.direction === 'out' && <div>{t('timeline.settledAt', { time: format.dateTime(line.settledAt) })}</div>}
      {line.resent > 0 && <div>{t('timeline.resent', { count: line.resent })}</div>}
    </>
  );
}
