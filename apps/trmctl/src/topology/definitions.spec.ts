import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TopologyConfig, brokerTarget, buildDefinitions, hashPassword, parseTopology } from './definitions';

const topology = parseTopology(readFileSync(join(__dirname, '../../../../deploy/rabbitmq/topology.yaml'), 'utf8'));
const config: TopologyConfig = {
  node: 'RS',
  broker: { urls: ['amqp://gw:pw@broker:5672/rs%2Fnode'], managementUrl: 'http://admin:x@broker:15672', queue: 'rs.inbound' },
  partners: [{ inbound: { username: 'at-gateway', password: 'päss' } }],
};
const salt = Buffer.from([1, 2, 3, 4]);

describe('brokerTarget', () => {
  it.each([
    ['amqp://u:p@h:5672', '/'],
    ['amqp://u:p@h:5672/', '/'],
    ['amqp://u:p@h:5672/%2F', '/'],
    ['amqps://u:p@h/t-1-rs', 't-1-rs'],
  ])('%s is vhost %s', (url, vhost) => expect(brokerTarget(url)).toEqual({ vhost, user: 'u' }));
});

describe('hashPassword', () => {
  it('is base64(salt + sha256(salt + utf8 password))', () => {
    const raw = Buffer.from(hashPassword('päss', salt), 'base64');
    expect(raw.subarray(0, 4)).toEqual(salt);
    expect(raw.subarray(4)).toEqual(
      createHash('sha256')
        .update(Buffer.concat([salt, Buffer.from('päss', 'utf8')]))
        .digest(),
    );
  });
});

describe('buildDefinitions', () => {
  const { vhost, definitions, gatewayAccess } = buildDefinitions(topology, config, () => salt);

  it('puts the node queue, bound to trm.inbound with #, into the vhost', () => {
    expect(vhost).toBe('rs/node');
    expect(definitions.vhosts).toEqual([{ name: 'rs/node' }]);
    expect(definitions.queues.map((q) => [q.name, q.vhost, q.arguments['x-queue-type']])).toEqual([
      ['rs.inbound', 'rs/node', 'quorum'],
      ['trm.dead', 'rs/node', 'quorum'],
    ]);
    expect(definitions.bindings).toContainEqual(expect.objectContaining({ source: 'trm.inbound', destination: 'rs.inbound', routing_key: '#' }));
  });

  it('gives each partner a user without tags and the write-only permission', () => {
    expect(definitions.users).toEqual([
      { name: 'at-gateway', password_hash: hashPassword('päss', salt), hashing_algorithm: 'rabbit_password_hashing_sha256', tags: [] },
    ]);
    expect(definitions.permissions).toEqual([{ user: 'at-gateway', vhost: 'rs/node', configure: '^$', write: '^trm\\.inbound$', read: '^$' }]);
    expect(gatewayAccess).toEqual({ user: 'gw', vhost: 'rs/node', configure: '.*', write: '.*', read: '.*' });
  });

  it('gives a partner that logs in with its client certificate (EXTERNAL) a user no password opens', () => {
    const external = { ...config, partners: [{ inbound: { username: 'AT', password: '', externalAuth: true } }] };
    expect(buildDefinitions(topology, external).definitions.users).toEqual([
      { name: 'AT', password_hash: '', hashing_algorithm: 'rabbit_password_hashing_sha256', tags: [] },
    ]);
  });

  it('refuses a partner user that is the gateway account', () => {
    const clash = { ...config, partners: [{ inbound: { username: 'gw', password: 'x' } }] };
    expect(() => buildDefinitions(topology, clash)).toThrow('gateway');
  });
});

describe('parseTopology', () => {
  it('rejects unknown fields', () => {
    expect(() => parseTopology('exchanges: []\nqueues: []\nbindings: []\npolicies: []')).toThrow('unknown field(s) policies');
  });
});
