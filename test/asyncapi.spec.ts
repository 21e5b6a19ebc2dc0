import {
  AGE_GROUPS,
  EXPLOITATION_FORMS,
  Envelope,
  MESSAGE_TYPES,
  NEEDS,
  ORGANISATION_KINDS,
  PURPOSES,
  REJECT_REASONS,
  RISK_LEVELS,
  ROLE_STATUSES,
  SEXES,
  checkContent,
} from '@trm/wire';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The AsyncAPI document is what partners in other languages read: it must say what the code does. */
describe('docs/asyncapi.yaml', () => {
  const doc = parse(readFileSync(join(__dirname, '../docs/asyncapi.yaml'), 'utf8'));
  const schemas = doc.components.schemas;
  const body = schemas.HandoverRequestBody.properties;
  const role = schemas.DirectoryRole.properties;

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
  ])('lists the same %s as the wire library', (_what, documented, implemented) => {
    expect(documented).toEqual([...implemented]);
  });

  it.each([
    ['handover.request', doc.components.messages.handoverRequest.examples],
    ['receipt', doc.components.messages.receipt.examples],
    ['registry.update', doc.components.messages.registryUpdate.examples],
  ])('has %s examples the wire library accepts', async (_type, examples: Array<{ payload: Envelope }>) => {
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(await checkContent(example.payload, [])).toEqual([]);
  });
});
