import { DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm } from '@patternfly/react-core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import { useCodeLabel } from '../../components/CodeLabel';
import { useFormat } from '../../i18n/format';
import type { MessageLine } from './timeline';

type Row = [term: string, description: ReactNode];

/**
 * What a message of the case said, in the reader's language: its coded body with each code labelled, as a compact
 * description list. Nothing for a message without a body (an auditor reads metadata only; a refused or purged one) and
 * for the request, whose facts the case card shows.
 */
export function MessageSaid({ line }: { line: MessageLine }) {
  const { t } = useTranslation('cases');
  const code = useCodeLabel();
  const format = useFormat();
  if (!line.body) return null;
  const list = (name: string, values: readonly string[] | undefined) =>
    values?.length ? values.map((v) => code(name, v)).join(', ') : t('timeline.said.none');
  const risk = (r: Schemas['RiskAssessment'] | undefined): Row[] =>
    r ? [[t('timeline.said.risk'), t('timeline.said.riskValue', { level: code('risk', r.level), day: format.day(r.assessedAt) })]] : [];

  const rows = ((): Row[] => {
    switch (line.type) {
      case 'handover.accepted': {
        const b = line.body as Schemas['HandoverAcceptedBody'];
        return [[t('timeline.said.takenOnBy'), b.role], ...(b.services ? ([[t('timeline.said.servicesPlanned'), list('need', b.services)]] as Row[]) : [])];
      }
      case 'handover.declined': {
        const b = line.body as Schemas['HandoverDeclinedBody'];
        return [
          [t('timeline.said.reason'), code('declineReason', b.reason)],
          ...(b.redirectTo ? ([[t('timeline.said.redirectTo'), b.redirectTo]] as Row[]) : []),
        ];
      }
      case 'info.request': {
        const b = line.body as Schemas['InfoRequestBody'];
        return [
          [t('timeline.said.topicsAsked'), list('infoTopic', b.topics)],
          ...(b.dueBy ? ([[t('timeline.said.answerBy'), format.day(b.dueBy)]] as Row[]) : []),
        ];
      }
      case 'info.response': {
        const b = line.body as Schemas['InfoResponseBody'];
        return [
          [
            t('timeline.said.answers'),
            b.answers.map((a) => t('timeline.said.answer', { topic: code('infoTopic', a.topic), status: code('infoAnswerStatus', a.status) })).join('; '),
          ],
          ...(b.documents ? ([[t('timeline.said.documents'), code('documentStatus', b.documents)]] as Row[]) : []),
          ...(b.needs ? ([[t('timeline.said.needs'), list('need', b.needs)]] as Row[]) : []),
          ...risk(b.risk),
        ];
      }
      case 'return.scheduled': {
        const b = line.body as Schemas['ReturnScheduledBody'];
        return [
          [t('timeline.said.date'), b.time ? t('timeline.said.dayAndTime', { day: format.day(b.date), time: b.time }) : format.day(b.date)],
          [t('timeline.said.transport'), code('transportMode', b.transport)],
          [
            t('timeline.said.arrivalPoint'),
            t('timeline.said.arrivalPointValue', { kind: code('arrivalPointKind', b.arrivalPoint.kind), code: b.arrivalPoint.code }),
          ],
          [t('timeline.said.escort'), t(b.escort ? 'timeline.said.escorted' : 'timeline.said.notEscorted')],
          [t('timeline.said.metBy'), b.metBy],
        ];
      }
      case 'arrival.confirmed': {
        const b = line.body as Schemas['ArrivalConfirmedBody'];
        return [
          [t('timeline.said.arrivedAt'), format.dateTime(b.arrivedAt)],
          [t('timeline.said.metBy'), b.metBy],
          ...(b.immediateNeeds ? ([[t('timeline.said.immediateNeeds'), list('need', b.immediateNeeds)]] as Row[]) : []),
        ];
      }
      case 'arrival.missed':
        return [[t('timeline.said.reason'), code('missedArrivalReason', (line.body as Schemas['ArrivalMissedBody']).reason)]];
      case 'followup.report': {
        const b = line.body as Schemas['FollowupReportBody'];
        return [
          [t('timeline.said.report'), t('timeline.said.reportNumber', { period: b.period })],
          [t('timeline.said.reintegration'), code('reintegrationStatus', b.status)],
          [t('timeline.said.servicesDelivered'), list('need', b.services)],
          ...risk(b.risk),
          ...(b.nextReportDue ? ([[t('timeline.said.nextReportDue'), format.day(b.nextReportDue)]] as Row[]) : []),
        ];
      }
      case 'case.updated': {
        const changes = (line.body as Schemas['CaseUpdatedBody']).changes as Record<string, unknown>;
        return [
          [
            t('timeline.said.changed'),
            list(
              'caseChangeField',
              Object.keys(changes).filter((k) => changes[k] !== undefined),
            ),
          ],
        ];
      }
      case 'consent.withdrawn':
        return [[t('timeline.said.withdrawn'), list('consentScope', (line.body as Schemas['ConsentWithdrawnBody']).scope)]];
      case 'purge.confirmed':
        return [[t('timeline.said.purged'), list('consentScope', (line.body as Schemas['PurgeConfirmedBody']).scope)]];
      case 'case.closed':
        return [[t('timeline.said.reason'), code('closeReason', (line.body as Schemas['CaseClosedBody']).reason)]];
      default:
        return [];
    }
  })();
  if (!rows.length) return null;
  return (
    <DescriptionList isCompact isHorizontal className="trm-said">
      {rows.map(([term, description]) => (
        <DescriptionListGroup key={term}>
          <DescriptionListTerm>{term}</DescriptionListTerm>
          <DescriptionListDescription>{description}</DescriptionListDescription>
        </DescriptionListGroup>
      ))}
    </DescriptionList>
  );
}
