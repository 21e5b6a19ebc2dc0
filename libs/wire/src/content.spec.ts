import { checkContent } from './content';
import { Envelope, createEnvelope } from './envelope';
import { generateNodeKeys, importKey } from './keys';
import { EncryptionKey, SealedPersonalData, seal } from './sealed';

// RS receives from AT. RS's encryption key opens sealed parts; AT seals to RS's public key.
const rsKeys = generateNodeKeys('RS');
const rsEnc = rsKeys.privateJwks.keys.find((k) => k.use === 'enc')!;
const RS_DECRYPT: EncryptionKey[] = [{ kid: rsEnc.kid, key: importKey(rsEnc) }];
const TO_RS: EncryptionKey = { kid: rsEnc.kid, key: importKey(rsKeys.publicJwks.keys.find((k) => k.use === 'enc')!) };

const exampleBody = () => ({
  purpose: 'return',
  person: { ageGroup: 'adult', sex: 'f', nationality: 'RS', languages: ['sr'] },
  exploitation: ['sexual'],
  risk: { level: 'medium', assessedAt: '2026-11-20' },
  needs: ['shelter', 'psychosocial', 'legal'],
  consent: { given: true, by: 'person', recordedAt: '2026-11-19T09:00:00Z', scope: ['share-coded', 'share-sealed'] },
  plannedReturn: { date: '2026-12-03', escort: true },
});

/** The example envelope of section 4 with the example body of section 7; `changes` are applied to a plain copy. */
const message = (changes: Record<string, unknown> = {}): Envelope => ({
  ...createEnvelope({
    id: '0b5c7a2e-8f5e-4f7e-9a51-2f1d3c4b5a69',
    type: 'handover.request',
    from: 'AT',
    to: 'RS',
    sender: 'AT/bmi-thb/coordination',
    recipient: 'RS/cptv/intake',
    caseRef: 'AT-2026-7F3K9Q',
    createdAt: '2026-11-22T10:15:00Z',
    body: exampleBody(),
  }),
  ...changes,
});

const PERSON: SealedPersonalData = {
  givenName: 'Jovana',
  familyName: 'Petrović',
  dateOfBirth: '1994-03-17',
  travelDocument: { type: 'passport', number: 'SR1234567', issuer: 'RS', expires: '2030-01-31' },
};
const SECRETS = ['Jovana', 'Petrović', '1994-03-17', 'SR1234567'];

const fieldsOf = async (envelope: Envelope) => [...new Set((await checkContent(envelope, RS_DECRYPT)).map((p) => p.field))].sort();

describe('checkContent (rule 8)', () => {
  it('accepts the example message of sections 4 and 7', async () => {
    expect(await checkContent(message(), RS_DECRYPT)).toEqual([]);
  });

  it('accepts the example message with a sealed part that opens', async () => {
    expect(await checkContent(message({ sealed: await seal(PERSON, TO_RS) }), RS_DECRYPT)).toEqual([]);
  });

  it('accepts optional envelope fields left out instead of null', async () => {
    const { inReplyTo: _i, expiresAt: _e, sealed: _s, ...rest } = message();
    expect(await checkContent(rest as Envelope, RS_DECRYPT)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an unknown envelope field', { priority: 'high' }, ['priority']],
    ['a sender of another node than from', { sender: 'HU/ngo/intake' }, ['sender']],
    ['a sender of a node whose id extends from', { sender: 'AT-NGO/ngo/intake' }, ['sender']],
    ['a sender that is not an address', { sender: 'coordination@bmi.gv.at' }, ['sender']],
    ['no sender', { sender: undefined }, ['sender']],
    ['a recipient of another node than to', { recipient: 'HU/ngo/intake' }, ['recipient']],
    ['a recipient that is not an address', { recipient: 'RS/CPTV/Intake' }, ['recipient']],
    ['a lowercase caseRef', { caseRef: 'at-2026-7f3k9q' }, ['caseRef']],
    ['a too short caseRef', { caseRef: 'AT-1' }, ['caseRef']],
    ['a caseRef with a space', { caseRef: 'AT 2026 7F3K9Q' }, ['caseRef']],
    ['no caseRef', { caseRef: undefined }, ['caseRef']],
    ['an inReplyTo that is not a UUID', { inReplyTo: 'msg-1' }, ['inReplyTo']],
    ['an expiresAt that is not a timestamp', { expiresAt: '2026-12-01' }, ['expiresAt']],
    ['a sealed part that is not a string', { sealed: { givenName: 'x' } }, ['sealed']],
    ['no body', { body: undefined }, ['body']],
  ])('refuses %s', async (_label, changes, fields) => {
    const envelope = message();
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete (envelope as unknown as Record<string, unknown>)[key];
      else (envelope as unknown as Record<string, unknown>)[key] = value;
    }
    expect(await fieldsOf(envelope)).toEqual(fields);
  });

  it.each(['handover.maybe', 'case.reopened'])('refuses type %s as a type it does not handle', async (type) => {
    expect(await fieldsOf(message({ type }))).toEqual(['type']);
  });

  it('reports body problems with their body path, next to envelope problems', async () => {
    const body = exampleBody();
    (body.person as Record<string, unknown>).name = 'x';
    body.consent.given = false;
    expect(await fieldsOf(message({ body, caseRef: 'x' }))).toEqual(['body.consent.given', 'body.person.name', 'caseRef']);
  });

  it('refuses a sealed part without share-sealed in the consent scope', async () => {
    const body = exampleBody();
    body.consent.scope = ['share-coded'];
    expect(await fieldsOf(message({ body, sealed: await seal(PERSON, TO_RS) }))).toEqual(['body.consent.scope']);
  });

  it('refuses a sealed part this node cannot open', async () => {
    const other = generateNodeKeys('RS').publicJwks.keys.find((k) => k.use === 'enc')!;
    const sealed = await seal(PERSON, { kid: other.kid, key: importKey(other) });
    expect(await fieldsOf(message({ sealed }))).toEqual(['sealed']);
  });

  it('refuses a sealed part with fields the profile does not allow, naming the field', async () => {
    const sealed = await seal({ ...PERSON, address: 'Bulevar oslobođenja 1' } as SealedPersonalData, TO_RS);
    expect(await fieldsOf(message({ sealed }))).toEqual(['sealed.address']);
  });

  it('never quotes submitted values, envelope or sealed', async () => {
    const body = exampleBody();
    (body.person as Record<string, unknown>).name = 'Jovana Petrović';
    const problems = [
      ...(await checkContent(message({ body, sender: 'Jovana Petrović', caseRef: '1994-03-17', note: 'SR1234567' }), RS_DECRYPT)),
      ...(await checkContent(message({ sealed: await seal({ ...PERSON, address: 'Jovana' } as SealedPersonalData, TO_RS) }), RS_DECRYPT)),
    ];
    expect(problems.map((p) => p.field).sort()).toEqual(['body.person.name', 'caseRef', 'note', 'sealed.address', 'sender']);
    const text = JSON.stringify(problems);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});
