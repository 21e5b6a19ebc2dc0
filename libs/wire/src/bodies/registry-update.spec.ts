import { validateBody } from '.';
import { checkContent } from '../content';
import { Envelope, createEnvelope } from '../envelope';
import { generateNodeKeys } from '../keys';
import { registryAddress, registryCaseRef, registryUpdateProblems } from './registry-update';

const RS_KEYS = generateNodeKeys('RS', { now: new Date('2026-11-22T00:00:00.000Z') }).publicJwks;

/** The shape this project decided for `registry.update` (decision `registry-update-body`). */
const example = () => ({
  node: 'RS',
  version: 7,
  issuedAt: '2026-11-22T10:00:00Z',
  endpoint: { amqp: 'amqps://broker.rs.example:5671/trm-rs' },
  keys: structuredClone(RS_KEYS) as unknown as { keys: Array<Record<string, unknown>> } & Record<string, unknown>,
  organisations: [
    {
      slug: 'cptv',
      name: 'Centre for Protection of Trafficking Victims',
      kind: 'government',
      roles: [
        {
          address: 'RS/cptv/intake',
          title: 'Intake and identification',
          purposes: ['return'],
          ageGroups: ['adult', 'child'],
          exploitation: ['sexual'],
          languages: ['sr', 'en'],
          region: 'national',
          status: 'active',
          unconfirmed: false,
          fallback: 'RS/cptv/duty',
          channels: { phone: '+381 11 000 0001 (sample)', mailbox: 'intake@cptv.example' },
        },
        {
          address: 'RS/cptv/duty',
          title: 'Duty officer',
          purposes: ['return', 'referral', 'assistance'],
          ageGroups: ['adult', 'child', 'unknown'],
          languages: ['sr'],
          status: 'active',
        },
      ],
    } as Record<string, unknown> & { roles: Array<Record<string, unknown>> },
    {
      slug: 'astra',
      name: 'ASTRA',
      kind: 'ngo',
      roles: [
        {
          address: 'RS/astra/helpline',
          title: 'Helpline',
          purposes: ['assistance'],
          ageGroups: ['adult'],
          languages: ['sr', 'en'],
          status: 'vacant',
          fallback: 'RS/cptv/duty',
        },
      ],
    } as Record<string, unknown> & { roles: Array<Record<string, unknown>> },
  ],
  retired: [{ address: 'RS/cptv/old-intake', successor: 'RS/cptv/intake', retiredAt: '2026-11-01T00:00:00Z' }] as Array<Record<string, unknown>>,
});
type Body = ReturnType<typeof example> & Record<string, unknown>;

const validate = (change: (b: Body) => void = () => {}) => {
  const body = example() as Body;
  change(body);
  return validateBody('registry.update', body);
};
/** The distinct fields that have problems. */
const fieldsOf = (change: (b: Body) => void) => [...new Set(validate(change).map((p) => p.field))].sort();

const role = (b: Body, org = 0, r = 0) => b.organisations[org].roles[r];
const key = (b: Body, i = 0) => b.keys.keys[i];

describe('validateBody("registry.update")', () => {
  it('accepts the example body of decision registry-update-body', () => {
    expect(validate()).toEqual([]);
  });

  it('is the same check as registryUpdateProblems', () => {
    const body = example() as Body;
    role(body).fallback = 'AT/bmi/duty';
    expect(validateBody('registry.update', body)).toEqual(registryUpdateProblems(body));
    expect(registryUpdateProblems(body)).toHaveLength(1);
  });

  it.each<[string, (b: Body) => void]>([
    ['no organisations', (b) => void (b.organisations = [])],
    ['an organisation without roles', (b) => void (b.organisations[1].roles = [])],
    ['no retired entries', (b) => void delete (b as Partial<Body>).retired],
    ['an empty retired list', (b) => void (b.retired = [])],
    [
      'a role with only the required fields',
      (b) => {
        for (const f of ['exploitation', 'region', 'unconfirmed', 'fallback', 'channels']) delete role(b)[f];
      },
    ],
    ['an unconfirmed role', (b) => void (role(b).unconfirmed = true)],
    ['a role with no languages', (b) => void (role(b).languages = [])],
    ['a role with an empty exploitation list', (b) => void (role(b).exploitation = [])],
    ['a fallback in another organisation of the node', (b) => void (role(b).fallback = 'RS/astra/helpline')],
    ['channels with only a phone', (b) => void (role(b).channels = { phone: '+381 11 000 0001' })],
    ['empty channels', (b) => void (role(b).channels = {})],
    ['an international organisation', (b) => void (b.organisations[1].kind = 'international')],
    ['plain amqp with no port', (b) => void (b.endpoint.amqp = 'amqp://broker.rs.example/trm-rs')],
    ['an amqps URL with query parameters', (b) => void (b.endpoint.amqp = 'amqps://broker.rs.example:5671/trm-rs?heartbeat=30')],
    ['an issuedAt with an offset and fractions', (b) => void (b.issuedAt = '2026-11-22T11:00:00.123+01:00')],
    [
      'a key with validUntil and a revoked key',
      (b) => {
        key(b).validUntil = '2027-11-22T00:00:00.000Z';
        b.keys.keys.push({ ...key(b), kid: 'RS#sig-20251122-000000', revokedAt: '2026-11-22T00:00:00.000Z' });
      },
    ],
    ['only a signing key', (b) => void b.keys.keys.splice(1, 1)],
    ['version 1', (b) => void (b.version = 1)],
  ])('accepts %s', (_label, change) => {
    expect(validate(change)).toEqual([]);
  });

  it('accepts a node with a suffix, its keys and its addresses', () => {
    const body = {
      node: 'RS-ASTRA',
      version: 1,
      issuedAt: '2026-11-22T10:00:00Z',
      endpoint: { amqp: 'amqps://broker.astra.example/trm' },
      keys: generateNodeKeys('RS-ASTRA').publicJwks,
      organisations: [{ slug: 'astra', name: 'ASTRA', kind: 'ngo', roles: [] }],
      retired: [{ address: 'RS-ASTRA/astra/old', successor: 'RS-ASTRA/astra/new', retiredAt: '2026-11-01T00:00:00Z' }],
    };
    expect(validateBody('registry.update', body)).toEqual([]);
  });

  it.each<[string, (b: Body) => void, string[]]>([
    // unknown fields, at every level
    ['an unknown top-level field', (b) => void (b.note = 'x'), ['body.note']],
    ['an unknown field in endpoint', (b) => void ((b.endpoint as Record<string, unknown>).user = 'x'), ['body.endpoint.user']],
    ['an unknown field in an organisation', (b) => void (b.organisations[0].country = 'RS'), ['body.organisations.0.country']],
    ['a person in a role', (b) => void (role(b, 0, 1).staff = 'x'), ['body.organisations.0.roles.1.staff']],
    ['an email channel', (b) => void ((role(b).channels as Record<string, unknown>).email = 'x@y'), ['body.organisations.0.roles.0.channels.email']],
    ['an unknown field in a retired entry', (b) => void (b.retired[0].reason = 'x'), ['body.retired.0.reason']],
    // node, version, issuedAt
    ['no node', (b) => void delete (b as Partial<Body>).node, ['body.keys', 'body.node']],
    ['a lowercase node', (b) => void (b.node = 'rs'), ['body.keys', 'body.node']],
    ['version 0', (b) => void (b.version = 0), ['body.version']],
    ['a negative version', (b) => void (b.version = -3), ['body.version']],
    ['a fractional version', (b) => void (b.version = 7.5), ['body.version']],
    ['a version as a string', (b) => void ((b as Record<string, unknown>).version = '7'), ['body.version']],
    ['a version beyond the safe integers', (b) => void (b.version = 2 ** 53), ['body.version']],
    ['no version', (b) => void delete (b as Partial<Body>).version, ['body.version']],
    ['an issuedAt without time', (b) => void (b.issuedAt = '2026-11-22'), ['body.issuedAt']],
    ['an issuedAt without zone', (b) => void (b.issuedAt = '2026-11-22T10:00:00'), ['body.issuedAt']],
    // endpoint
    ['no endpoint', (b) => void delete (b as Partial<Body>).endpoint, ['body.endpoint']],
    ['an endpoint that is a string', (b) => void ((b as Record<string, unknown>).endpoint = 'amqps://broker.rs.example'), ['body.endpoint']],
    ['an endpoint that is an array', (b) => void ((b as Record<string, unknown>).endpoint = [{ amqp: 'https://x' }]), ['body.endpoint']],
    ['an endpoint without amqp', (b) => void (b.endpoint = {} as Body['endpoint']), ['body.endpoint.amqp']],
    ['an http endpoint', (b) => void (b.endpoint.amqp = 'https://broker.rs.example/'), ['body.endpoint.amqp']],
    ['an endpoint with credentials', (b) => void (b.endpoint.amqp = 'amqps://rs:secret@broker.rs.example:5671/trm-rs'), ['body.endpoint.amqp']],
    ['an endpoint with a user only', (b) => void (b.endpoint.amqp = 'amqps://rs@broker.rs.example/trm-rs'), ['body.endpoint.amqp']],
    ['an endpoint with empty user information', (b) => void (b.endpoint.amqp = 'amqps://@broker.rs.example/trm-rs'), ['body.endpoint.amqp']],
    ['an endpoint without host', (b) => void (b.endpoint.amqp = 'amqps:///trm-rs'), ['body.endpoint.amqp']],
    ['an endpoint with spaces', (b) => void (b.endpoint.amqp = ' amqps://broker.rs.example/trm-rs'), ['body.endpoint.amqp']],
    ['an endpoint that is not a URL', (b) => void (b.endpoint.amqp = 'broker.rs.example:5671'), ['body.endpoint.amqp']],
    // keys
    ['no keys', (b) => void delete (b as Partial<Body>).keys, ['body.keys']],
    ['keys as a bare array', (b) => void ((b as Record<string, unknown>).keys = RS_KEYS.keys), ['body.keys']],
    ['an empty JWKS', (b) => void (b.keys.keys = []), ['body.keys']],
    ['a JWKS with another member', (b) => void (b.keys.issuer = 'RS'), ['body.keys']],
    ['a private key (member d)', (b) => void (key(b).d = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), ['body.keys']],
    ['no signing key', (b) => void b.keys.keys.splice(0, 1), ['body.keys']],
    ['a key of another node', (b) => void (key(b).kid = 'AT#sig-20261122-ab12cd'), ['body.keys']],
    ['an RSA key', (b) => void (key(b).kty = 'RSA'), ['body.keys']],
    ['a signing key on X25519', (b) => void (key(b).crv = 'X25519'), ['body.keys']],
    ['a key without validFrom', (b) => void delete key(b).validFrom, ['body.keys']],
    ['a key with an unknown member', (b) => void (key(b).key_ops = ['verify']), ['body.keys']],
    ['a key whose x is not a 32-byte key', (b) => void (key(b).x = 'abc'), ['body.keys']],
    ['a key with an invalid revokedAt', (b) => void (key(b).revokedAt = 'yesterday'), ['body.keys']],
    ['two keys with one kid', (b) => void (b.keys.keys[1].kid = key(b).kid), ['body.keys']],
    ['a key that is not an object', (b) => void b.keys.keys.push('x' as unknown as Record<string, unknown>), ['body.keys']],
    // organisations
    ['organisations missing', (b) => void delete (b as Partial<Body>).organisations, ['body.organisations']],
    ['organisations as an object', (b) => void ((b as Record<string, unknown>).organisations = {}), ['body.organisations']],
    ['organisations as one organisation', (b) => void ((b as Record<string, unknown>).organisations = b.organisations[0]), ['body.organisations']],
    ['an organisation that is a string', (b) => void (b.organisations as unknown[]).push('cptv'), ['body.organisations.2']],
    ['an organisation that is an array', (b) => void ((b as Record<string, unknown>).organisations = [[{ slug: 'X' }]]), ['body.organisations.0']],
    ['organisations in an array', (b) => void ((b as Record<string, unknown>).organisations = [b.organisations]), ['body.organisations.0']],
    ['an uppercase slug', (b) => void (b.organisations[1].slug = 'ASTRA'), ['body.organisations.1.slug']],
    ['an empty name', (b) => void (b.organisations[0].name = ''), ['body.organisations.0.name']],
    ['a name over 200 characters', (b) => void (b.organisations[0].name = 'n'.repeat(201)), ['body.organisations.0.name']],
    ['an unknown kind', (b) => void (b.organisations[0].kind = 'company'), ['body.organisations.0.kind']],
    ['an organisation without roles', (b) => void delete (b.organisations[0] as Record<string, unknown>).roles, ['body.organisations.0.roles']],
    ['roles as an object', (b) => void (b.organisations[0].roles = role(b) as never), ['body.organisations.0.roles']],
    ['a role that is an array', (b) => void (b.organisations[0].roles[1] = [role(b, 0, 1)] as never), ['body.organisations.0.roles.1']],
    ['a retired entry that is an array', (b) => void (b.retired[0] = [b.retired[0]] as never), ['body.retired.0']],
    ['the same organisation twice', (b) => void (b.organisations[1].slug = 'cptv'), ['body.organisations.1.roles.0.address', 'body.organisations.1.slug']],
    // roles
    ['a role that is not an object', (b) => void b.organisations[0].roles.push(null as unknown as Record<string, unknown>), ['body.organisations.0.roles.2']],
    ['a role address that is not an address', (b) => void (role(b).address = 'intake@cptv'), ['body.organisations.0.roles.0.address']],
    ['a role of another node', (b) => void (role(b, 0, 1).address = 'AT/cptv/duty'), ['body.organisations.0.roles.1.address']],
    ['a role of a node whose id extends node', (b) => void (role(b, 0, 1).address = 'RS-ASTRA/cptv/duty'), ['body.organisations.0.roles.1.address']],
    ['a role in another organisation', (b) => void (role(b, 1, 0).address = 'RS/cptv/helpline'), ['body.organisations.1.roles.0.address']],
    ['an empty title', (b) => void (role(b).title = ''), ['body.organisations.0.roles.0.title']],
    ['a title over 200 characters', (b) => void (role(b).title = 't'.repeat(201)), ['body.organisations.0.roles.0.title']],
    ['no purposes', (b) => void (role(b).purposes = []), ['body.organisations.0.roles.0.purposes']],
    ['an unknown purpose', (b) => void (role(b).purposes = ['asylum']), ['body.organisations.0.roles.0.purposes']],
    ['a purpose twice', (b) => void (role(b).purposes = ['return', 'return']), ['body.organisations.0.roles.0.purposes']],
    ['no age groups', (b) => void (role(b).ageGroups = []), ['body.organisations.0.roles.0.ageGroups']],
    ['an unknown age group', (b) => void (role(b).ageGroups = ['elderly']), ['body.organisations.0.roles.0.ageGroups']],
    ['an age group twice', (b) => void (role(b).ageGroups = ['child', 'child']), ['body.organisations.0.roles.0.ageGroups']],
    ['an unknown form of exploitation', (b) => void (role(b).exploitation = ['fraud']), ['body.organisations.0.roles.0.exploitation']],
    ['a form of exploitation twice', (b) => void (role(b).exploitation = ['sexual', 'sexual']), ['body.organisations.0.roles.0.exploitation']],
    ['exploitation null', (b) => void (role(b).exploitation = null), ['body.organisations.0.roles.0.exploitation']],
    ['a language that is not ISO 639-1', (b) => void (role(b).languages = ['srp']), ['body.organisations.0.roles.0.languages']],
    ['a language twice', (b) => void (role(b).languages = ['sr', 'sr']), ['body.organisations.0.roles.0.languages']],
    ['no languages field', (b) => void delete role(b).languages, ['body.organisations.0.roles.0.languages']],
    ['an empty region', (b) => void (role(b).region = ''), ['body.organisations.0.roles.0.region']],
    ['a region over 60 characters', (b) => void (role(b).region = 'r'.repeat(61)), ['body.organisations.0.roles.0.region']],
    ['an unknown status', (b) => void (role(b).status = 'closed'), ['body.organisations.0.roles.0.status']],
    ['no status', (b) => void delete role(b).status, ['body.organisations.0.roles.0.status']],
    ['unconfirmed as a string', (b) => void (role(b).unconfirmed = 'no'), ['body.organisations.0.roles.0.unconfirmed']],
    ['a vacant role with a null fallback', (b) => void (role(b, 1, 0).fallback = null), ['body.organisations.1.roles.0.fallback']],
    ['a fallback that is not an address', (b) => void (role(b).fallback = 'duty'), ['body.organisations.0.roles.0.fallback']],
    ['a fallback of another node', (b) => void (role(b).fallback = 'AT/bmi-thb/coordination'), ['body.organisations.0.roles.0.fallback']],
    ['a role that is its own fallback', (b) => void (role(b).fallback = 'RS/cptv/intake'), ['body.organisations.0.roles.0.fallback']],
    ['channels that are a string', (b) => void (role(b).channels = '+381 11 000 0001'), ['body.organisations.0.roles.0.channels']],
    ['a phone under 3 characters', (b) => void (role(b).channels = { phone: '12' }), ['body.organisations.0.roles.0.channels.phone']],
    ['a phone over 40 characters', (b) => void (role(b).channels = { phone: '1'.repeat(41) }), ['body.organisations.0.roles.0.channels.phone']],
    ['a mailbox without @', (b) => void (role(b).channels = { mailbox: 'intake.cptv.example' }), ['body.organisations.0.roles.0.channels.mailbox']],
    [
      'a mailbox over 254 characters',
      (b) => void (role(b).channels = { mailbox: `${'m'.repeat(243)}@cptv.example` }),
      ['body.organisations.0.roles.0.channels.mailbox'],
    ],
    // retired
    ['retired as an object', (b) => void ((b as Record<string, unknown>).retired = {}), ['body.retired']],
    ['retired as one entry', (b) => void ((b as Record<string, unknown>).retired = b.retired[0]), ['body.retired']],
    ['retired null', (b) => void ((b as Record<string, unknown>).retired = null), ['body.retired']],
    ['a retired address that is not an address', (b) => void (b.retired[0].address = 'old-intake'), ['body.retired.0.address']],
    ['a retired address of another node', (b) => void (b.retired[0].address = 'AT/cptv/old-intake'), ['body.retired.0.address']],
    ['a successor of another node', (b) => void (b.retired[0].successor = 'AT/bmi-thb/coordination'), ['body.retired.0.successor']],
    ['a successor equal to the address', (b) => void (b.retired[0].successor = 'RS/cptv/old-intake'), ['body.retired.0.successor']],
    ['no successor', (b) => void delete b.retired[0].successor, ['body.retired.0.successor']],
    ['a retiredAt without zone', (b) => void (b.retired[0].retiredAt = '2026-11-01T00:00:00'), ['body.retired.0.retiredAt']],
    // unique addresses
    ['one address twice in an organisation', (b) => void (role(b, 0, 1).address = 'RS/cptv/intake'), ['body.organisations.0.roles.1.address']],
    ['an address both active and retired', (b) => void (b.retired[0].address = 'RS/astra/helpline'), ['body.retired.0.address']],
    ['an address retired twice', (b) => void b.retired.push({ ...b.retired[0] }), ['body.retired.1.address']],
  ])('refuses %s', (_label, change, fields) => {
    expect(fieldsOf(change)).toEqual(fields);
  });

  it('names each problem of the JWKS on its own under body.keys, by key index', () => {
    const problems = validate((b) => {
      key(b).d = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      b.keys.keys[1].kid = 'AT#enc-20261122-ab12cd';
    });
    expect(problems).toEqual([
      { field: 'body.keys', problem: 'keys[1].kid must be "<node>#<key-id>"' },
      { field: 'body.keys', problem: 'keys[0] must not contain the private member "d"' },
    ]);
  });

  it('accepts a vacant role without fallback: its messages wait with it', () => {
    expect(validate((b) => void (role(b, 0, 1).status = 'vacant'))).toEqual([]);
  });

  it('refuses control characters in names, titles, regions and channels (PostgreSQL refuses NUL in text)', () => {
    const fields = fieldsOf((b) => {
      b.organisations[0].name = 'Centre\u0000';
      Object.assign(role(b), { title: 'Intake\u0007', region: 'north\n', channels: { phone: '+381\u0085 11', mailbox: 'intake\u007f@example.org' } });
    });
    expect(fields).toEqual(
      [
        'organisations.0.name',
        'organisations.0.roles.0.channels.mailbox',
        'organisations.0.roles.0.channels.phone',
        'organisations.0.roles.0.region',
        'organisations.0.roles.0.title',
      ].map((f) => `body.${f}`),
    );
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'x', 7]) expect(validateBody('registry.update', body)).toEqual([{ field: 'body', problem: 'must be a JSON object' }]);
  });

  it('never quotes submitted values', () => {
    const SECRETS = ['Jovana', 'JOVANA', 'Petrović', 'SR1234567', '0641234567', 'hunter2'];
    const problems = [
      ...validate((b) => {
        b.node = 'Jovana Petrović';
        b.version = 1994031 + 0.5;
        b.issuedAt = 'Jovana 1994-03-17';
        b.endpoint.amqp = 'amqps://jovana:hunter2@broker.rs.example/trm-rs';
        key(b).kid = 'Jovana#sig';
        key(b).x = 'Petrović';
        key(b).d = 'SR1234567';
        b.keys.keys[1].validFrom = 'Jovana';
        b.organisations[0].slug = 'Jovana';
        b.organisations[0].name = `Jovana Petrović ${'x'.repeat(200)}`;
        b.organisations[0].kind = 'Jovana';
        role(b).address = 'RS/cptv/Jovana';
        role(b).title = '';
        role(b).purposes = ['Jovana'];
        role(b).languages = ['Petrović'];
        role(b).region = `Jovana Petrović ${'x'.repeat(60)}`;
        role(b).status = 'Jovana';
        role(b).unconfirmed = 'Jovana';
        role(b).fallback = 'Jovana Petrović';
        role(b).channels = { phone: 'Jovana Petrović 0641234567 private mobile', mailbox: 'Jovana Petrović' };
        b.retired[0].retiredAt = 'SR1234567';
      }),
      // A valid but distinctive node id: kid problems name it "<node>", never by its value.
      ...validate((b) => {
        b.node = 'RS-JOVANA';
        role(b).address = 'RS-JOVANA/cptv/intake';
      }),
    ];
    expect(problems.length).toBeGreaterThan(20);
    const text = JSON.stringify(problems);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});

describe('checkContent of registry.update', () => {
  const message = (body: unknown, changes: Record<string, unknown> = {}): Envelope => ({
    ...createEnvelope({
      id: '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
      type: 'registry.update',
      from: 'RS',
      to: 'AT',
      sender: registryAddress('RS'),
      recipient: registryAddress('AT'),
      caseRef: registryCaseRef('RS'),
      createdAt: '2026-11-22T10:00:00Z',
      body,
    }),
    ...changes,
  });

  it('uses the registry addresses and caseRef of decision registry-addresses', () => {
    expect([registryAddress('RS'), registryAddress('AT'), registryCaseRef('RS'), registryCaseRef('RS-ASTRA')]).toEqual([
      'RS/gateway/registry',
      'AT/gateway/registry',
      'RS-REGISTRY',
      'RS-ASTRA-REGISTRY',
    ]);
  });

  it('accepts the example from RS to AT', async () => {
    expect(await checkContent(message(example()), [])).toEqual([]);
  });

  it('refuses a body of another node than from', async () => {
    const body = example() as Body;
    body.node = 'HU';
    body.keys = structuredClone(generateNodeKeys('HU').publicJwks) as unknown as Body['keys'];
    for (const r of body.organisations.flatMap((o) => o.roles)) {
      r.address = (r.address as string).replace(/^RS\//, 'HU/');
      if (r.fallback) r.fallback = (r.fallback as string).replace(/^RS\//, 'HU/');
    }
    delete (body as Partial<Body>).retired;
    expect(validateBody('registry.update', body)).toEqual([]);
    expect(await checkContent(message(body), [])).toEqual([
      { field: 'body.node', problem: 'must be the node in "from": a node announces only its own registry' },
    ]);
  });

  it('reports body problems with their body path, next to envelope problems', async () => {
    const body = example() as Body;
    role(body, 0, 1).fallback = 'duty';
    expect((await checkContent(message(body, { caseRef: 'x' }), [])).map((p) => p.field).sort()).toEqual(['body.organisations.0.roles.1.fallback', 'caseRef']);
  });
});
