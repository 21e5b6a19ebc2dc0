import {
  AGE_GROUPS,
  ARRIVAL_POINT_KINDS,
  CLOSE_REASONS,
  CONSENT_SCOPES,
  DECLINE_REASONS,
  DOCUMENT_STATUSES,
  EXPLOITATION_FORMS,
  Envelope,
  INFO_ANSWER_STATUSES,
  INFO_TOPICS,
  MESSAGE_TYPES,
  MISSED_ARRIVAL_REASONS,
  NEEDS,
  ORGANISATION_KINDS,
  PURPOSES,
  REINTEGRATION_STATUSES,
  REJECT_REASONS,
  RISK_LEVELS,
  ROLE_STATUSES,
  SEXES,
  TRANSPORT_MODES,
  checkContent,
} from '@trm/wire';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface Message {
  name: string;
  examples?: Array<{ name: string; payload: Envelope }>;
}

/** The AsyncAPI document is what partners in other languages read: it must say what the code does. */
describe('docs/asyncapi.yaml', () => {
  const doc = parse(readFileSync(join(__dirname, '../docs/asyncapi.yaml'), 'utf8'));
  const schemas = doc.components.schemas;
  const body = schemas.HandoverRequestBody.properties;
  const role = schemas.DirectoryRole.properties;
  const messages = Object.entries(doc.components.messages as Record<string, Message>);

  it.each([
    ['message types', schemas.Envelope.properties.type.enum, MESSAGE_TYPES],
    ['purposes', body.purpose.enum, PURPOSES],
    ['age groups', body.person.properties.ageGroup.enum, AGE_GROUPS],
    ['sexes', body.person.properties.sex.enum, SEXES],
    ['exploitation forms', body.exploitation.items.enum, EXPLOITATION_FORMS],
    ['risk levels', body.risk.properties.level.enum, RISK_LEVELS],
    ['needs', body.needs.items.enum, NEEDS],
    ['reject reasons', schemas.ReceiptBody.properties.reason.enum, REJECT_REASONS],
    ['organisation kinds', schemas.DirectoryOrganisation.properties.kind.enum, ORGANISATION_KINDS],
    ['role statuses', role.status.enum, ROLE_STATUSES],
    ['role purposes', role.purposes.items.enum, PURPOSES],
    ['role age groups', role.ageGroups.items.enum, AGE_GROUPS],
    ['role exploitation forms', role.exploitation.items.enum, EXPLOITATION_FORMS],
    ['decline reasons', schemas.HandoverDeclinedBody.properties.reason.enum, DECLINE_REASONS],
    ['info.request topics', schemas.InfoRequestBody.properties.topics.items.enum, INFO_TOPICS],
    ['info.response topics', schemas.InfoResponseBody.properties.answers.items.properties.topic.enum, INFO_TOPICS],
    ['info answer statuses', schemas.InfoResponseBody.properties.answers.items.properties.status.enum, INFO_ANSWER_STATUSES],
    ['document statuses', schemas.InfoResponseBody.properties.documents.enum, DOCUMENT_STATUSES],
    ['transport modes', schemas.ReturnScheduledBody.properties.transport.enum, TRANSPORT_MODES],
    ['arrival point kinds', schemas.ReturnScheduledBody.properties.arrivalPoint.properties.kind.enum, ARRIVAL_POINT_KINDS],
    ['missed arrival reasons', schemas.ArrivalMissedBody.properties.reason.enum, MISSED_ARRIVAL_REASONS],
    ['reintegration statuses', schemas.FollowupReportBody.properties.status.enum, REINTEGRATION_STATUSES],
    ['consent.withdrawn scopes', schemas.ConsentWithdrawnBody.properties.scope.items.enum, CONSENT_SCOPES],
    ['purge.confirmed scopes', schemas.PurgeConfirmedBody.properties.scope.items.enum, CONSENT_SCOPES],
    ['close reasons', schemas.CaseClosedBody.properties.reason.enum, CLOSE_REASONS],
  ])('lists the same %s as the wire library', (_what, documented, implemented) => {
    expect(documented).toEqual([...implemented]);
  });

  it.each(MESSAGE_TYPES)('describes %s as a message of the inbound channel, with an example', (type) => {
    const found = messages.filter(([, m]) => m.name === type);
    expect(found).toHaveLength(1);
    const [key, message] = found[0];
    expect(doc.channels.inbound.messages[key]).toEqual({ $ref: `#/components/messages/${key}` });
    expect(message.examples?.length).toBeGreaterThan(0);
    for (const example of message.examples ?? []) expect(example.payload.type).toBe(type);
  });

  it.each(messages.flatMap(([key, m]) => (m.examples ?? []).map((e): [string, string, Envelope] => [key, e.name, e.payload])))(
    'has a %s example (%s) the wire library accepts',
    async (_key, _name, payload) => {
      expect(await checkContent(payload, [])).toEqual([]);
    },
  );

  it('resolves every $ref inside the document', () => {
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.startsWith('#/')).toBe(true);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
    }
  });
});
