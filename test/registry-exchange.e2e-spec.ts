import {
  Envelope,
  RegistryUpdateBody,
  SigningKey,
  TrmJwk,
  createEnvelope,
  currentKey,
  generateNodeKeys,
  importKey,
  publicJwks,
  registryAddress,
  registryCaseRef,
  rotateNodeKeys,
} from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { ManualClock } from './support/clock';
import { directoryApi, heldVersion, holds, ok, publishedVersion, republished, rolePath, settled } from './support/directory';
import { call, eventually } from './support/http';
import { TestNetwork } from './support/network';
import { HandPartner } from './support/partner';

/** Registry updates between nodes (section 8): who holds which version of whose directory, and which updates count. */

const publication = async (net: TestNetwork, node: string, version: number) =>
  (await net.sql<{ body: RegistryUpdateBody }>(node, 'SELECT body FROM registry_publication WHERE version = $1', [version]))[0].body;

const partnerDirectory = async (net: TestNetwork, holder: string, of: string) =>
  (
    await net.sql<{ version: number; message_id: string; body: RegistryUpdateBody }>(
      holder,
      'SELECT version, message_id, body FROM partner_directory WHERE node = $1',
      [of],
    )
  )[0];

describe("two nodes converge on each other's directories", () => {
  let net: TestNetwork;

  beforeAll(async () => {
    net = await TestNetwork.started(['AT', 'RS']);
  });
  afterAll(() => net?.close());

  it("holds the other node's current version, exactly as published, after start", async () => {
    for (const [holder, of] of [
      ['AT', 'RS'],
      ['RS', 'AT'],
    ]) {
      const latest = await publishedVersion(net, of);
      await holds(net, holder, of, latest);
      const held = await partnerDirectory(net, holder, of);
      expect({ holder, of, version: held.version }).toEqual({ holder, of, version: latest });
      expect(held.body).toEqual(await publication(net, of, latest));
    }
  });

  it("passes a new role on RS to AT as the next version, and AT's lookup offers it", async () => {
    const role = 'RS/astra/mobile-team';
    const at = directoryApi(net.node('AT').url);
    const offered = async () => (await at.lookup({ country: 'RS', language: 'hu' })).matches.map((m: { address: string }) => m.address);
    expect(await offered()).not.toContain(role);
    const before = await heldVersion(net, 'AT', 'RS');

    const version = await republished(net, 'RS', () =>
      directoryApi(net.node('RS').url).createRole(role, { languages: ['sr', 'hu'], region: 'Vojvodina', fallback: 'RS/astra/return-support' }),
    );
    expect(version).toBe(before! + 1);
    await holds(net, 'AT', 'RS', version);

    expect(await heldVersion(net, 'AT', 'RS')).toBe(before! + 1);
    expect(await offered()).toContain(role);
    const found = await at.lookup({ country: 'RS', language: 'hu' });
    expect(found.matches.find((m: { address: string }) => m.address === role)).toMatchObject({
      node: 'RS',
      status: 'vacant',
      fallback: 'RS/astra/return-support',
    });
    expect(found.sources).toContainEqual(expect.objectContaining({ node: 'RS', version: before! + 1 }));
  });

  it('never tells AT who holds an RS role', async () => {
    const rs = directoryApi(net.node('RS').url);
    const name = 'Dragana Testović-Registry';
    const person = await rs.person(name);
    const version = await republished(net, 'RS', () => rs.assign('RS/astra/mobile-team', person));
    await holds(net, 'AT', 'RS', version);

    const at = directoryApi(net.node('AT').url);
    const found = (await at.lookup({ country: 'RS', language: 'hu' })).matches.find((m: { address: string }) => m.address === 'RS/astra/mobile-team');
    expect(found.status).toBe('active');
    const everythingAtKnows = JSON.stringify([
      await net.sql('AT', 'SELECT body FROM partner_directory'),
      await net.sql('AT', 'SELECT envelope FROM inbound_message'),
    ]);
    expect(everythingAtKnows).toContain('RS/astra/mobile-team');
    expect(everythingAtKnows).not.toContain('Dragana');
    expect(everythingAtKnows).not.toContain(person);
  });

  it('refuses a handover to an RS address that is unknown, or deactivated (naming its successor), and sends nothing', async () => {
    const submit = (recipient: string) => call(net.node('AT').url, 'POST', '/v1/handovers', { ...sampleReturnHandover(), recipient });
    const outbox = async () => (await net.sql<{ n: number }>('AT', 'SELECT count(*)::int AS n FROM outbound_message'))[0].n;
    const before = await outbox();

    const unknown = await submit('RS/astra/night-desk');
    expect({ status: unknown.status, problems: unknown.body.problems }).toEqual({
      status: 400,
      problems: [{ field: 'recipient', problem: expect.stringMatching(/^is not in the directory RS published \(version \d+\)$/) }],
    });

    const version = await republished(net, 'RS', () =>
      ok(net.node('RS').url, 'POST', rolePath('RS/astra/mobile-team', '/deactivate'), { successor: 'RS/astra/return-support' }),
    );
    await holds(net, 'AT', 'RS', version);
    const retired = await submit('RS/astra/mobile-team');
    expect({ status: retired.status, problems: retired.body.problems }).toEqual({
      status: 400,
      problems: [{ field: 'recipient', problem: 'was deactivated by RS; its successor is RS/astra/return-support' }],
    });
    expect(await outbox()).toBe(before);
  });
});

describe('AT refuses an older or badly signed registry.update and keeps what it has', () => {
  let net: TestNetwork;
  let rs: HandPartner;
  let v: number;
  let base: RegistryUpdateBody;

  /** A registry.update from RS to AT: RS's last real publication with `version`, plus a role named after `marker`. */
  const update = (version: number, marker: string, change: (body: RegistryUpdateBody) => void = () => undefined): Envelope<RegistryUpdateBody> => {
    const body: RegistryUpdateBody = structuredClone(base);
    body.version = version;
    body.issuedAt = new Date().toISOString();
    body.organisations
      .find((o) => o.slug === 'astra')!
      .roles.push({
        address: `RS/astra/${marker}`,
        title: `Marker ${marker}`,
        purposes: ['return'],
        ageGroups: ['adult'],
        languages: ['sr'],
        status: 'active',
      });
    change(body);
    return createEnvelope({
      id: randomUUID(),
      type: 'registry.update',
      from: 'RS',
      to: 'AT',
      sender: registryAddress('RS'),
      recipient: registryAddress('AT'),
      caseRef: registryCaseRef('RS'),
      createdAt: new Date().toISOString(),
      body,
    });
  };

  const held = () => net.sql('AT', `SELECT version, message_id, body FROM partner_directory WHERE node = 'RS'`);
  const heldKeys = () => net.sql('AT', `SELECT kid, jwk, version FROM partner_key WHERE node = 'RS' ORDER BY kid`);
  const events = (id: string) => net.sql<{ kind: string; detail: unknown }>('AT', 'SELECT kind, detail FROM timeline_event WHERE message_id = $1', [id]);
  const offered = async (marker: string) =>
    (await directoryApi(net.node('AT').url).lookup({ country: 'RS' })).matches.some((m: { address: string }) => m.address === `RS/astra/${marker}`);

  /** Runs `send` and checks that AT's copy of RS's directory and keys did not change. */
  async function unchanged(send: () => Promise<void>): Promise<void> {
    const [directory, keys] = [await held(), await heldKeys()];
    await send();
    expect(await held()).toEqual(directory);
    expect(await heldKeys()).toEqual(keys);
  }

  beforeAll(async () => {
    net = await TestNetwork.started(['AT', 'RS']);
    // A second version, so that AT holds one with an older one before it.
    v = await republished(net, 'RS', () => ok(net.node('RS').url, 'PATCH', '/v1/roles/cptv/duty', { title: 'Duty officer (24 h line, renamed)' }));
    await holds(net, 'AT', 'RS', v);
    await settled(net, 'RS');
    await settled(net, 'AT');
    base = await publication(net, 'RS', v);
    // From here on RS is played by hand, with its real keys and broker account.
    await net.stop('RS');
    rs = await new HandPartner(net, 'RS', 'AT').open();
  });
  afterAll(async () => {
    await rs?.close();
    await net?.close();
  });

  it.each([
    ['an older version', -1],
    ['the version AT holds already', 0],
  ])('receipts %s as delivered, records registry-refused and leaves the directory as it was', async (_what, offset) => {
    expect(v).toBeGreaterThanOrEqual(2);
    const envelope = update(v + offset, `refused${v + offset}`);
    await unchanged(async () => {
      await rs.send(envelope);
      const receipt = await rs.nextReceipt();
      expect(receipt.envelope.body).toMatchObject({ ref: envelope.id, status: 'delivered' });
    });
    expect(await events(envelope.id)).toEqual([{ kind: 'registry-refused', detail: { version: v + offset, current: v } }]);
    expect(await offered(`refused${v + offset}`)).toBe(false);
  });

  it('rejects a newer version whose signature was tampered with (bad-signature) and leaves the directory as it was', async () => {
    const envelope = update(v + 1, 'tampered');
    await unchanged(async () => {
      const [header, payload, signature] = (await rs.sign(envelope)).split('.');
      const bytes = Buffer.from(signature, 'base64url');
      bytes[10] ^= 0x01;
      await rs.publish([header, payload, bytes.toString('base64url')].join('.'), envelope);
      const receipt = await rs.nextReceipt();
      expect(receipt.envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'bad-signature' });
    });
    expect(await events(envelope.id)).toEqual([]);
    expect(await offered('tampered')).toBe(false);
  });

  it('dead-letters a newer version signed with a key AT does not know, even when the update lists that key', async () => {
    const rogue = generateNodeKeys('RS', { now: new Date(Date.now() - 86_400_000) }).privateJwks;
    const envelope = update(v + 1, 'rogue', (body) => body.keys.keys.push(...publicJwks(rogue).keys));
    const rogueSigner: SigningKey = { kid: currentKey(rogue, 'sig', new Date())!.kid, key: importKey(currentKey(rogue, 'sig', new Date())!) };
    const jws = await rs.sign(envelope, rogueSigner);
    await unchanged(async () => {
      await rs.publish(jws, envelope);
      expect((await rs.nextDeadLetter()).toString('ascii')).toBe(jws);
    });
    const [stored] = await net.sql<{ n: number }>('AT', 'SELECT count(*)::int AS n FROM inbound_message WHERE id = $1', [envelope.id]);
    expect(stored.n).toBe(0);
    expect(await offered('rogue')).toBe(false);
  });

  it("rejects an update that announces another node's directory (invalid-body)", async () => {
    const envelope = update(v + 1, 'impostor', (body) => (body.node = 'AL'));
    await unchanged(async () => {
      await rs.send(envelope);
      expect((await rs.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'rejected', reason: 'invalid-body' });
    });
    expect(await net.sql('AT', `SELECT node FROM partner_directory WHERE node = 'AL'`)).toEqual([]);
  });

  it('applies a valid newer version', async () => {
    const envelope = update(v + 1, 'accepted');
    await rs.send(envelope);
    expect((await rs.nextReceipt()).envelope.body).toMatchObject({ ref: envelope.id, status: 'delivered' });

    expect(await partnerDirectory(net, 'AT', 'RS')).toEqual({ version: v + 1, message_id: envelope.id, body: envelope.body });
    expect(await events(envelope.id)).toEqual([{ kind: 'registry-applied', detail: { version: v + 1, previous: v } }]);
    expect(await eventually(async () => ((await offered('accepted')) ? true : undefined), 5_000, 'AT to offer the new role')).toBe(true);
  });
});

describe('RS rotates its signing key', () => {
  /** AT and RS share one clock, so that the switch-over can be reached without waiting. */
  const clock = new ManualClock();
  let net: TestNetwork;
  let oldKey: TrmJwk;
  let newKey: TrmJwk;
  let activateAt: Date;
  let retireAt: Date;

  const atStored = async (id: string) =>
    (await net.sql<{ status: string; kid: string }>('AT', 'SELECT status, kid FROM inbound_message WHERE id = $1', [id]))[0];

  /** A handover.request from RS to AT, played by hand and signed with `key`. */
  async function handPlayed(key: TrmJwk, createdAt: Date): Promise<{ envelope: Envelope; jws: string }> {
    const rs = await new HandPartner(net, 'RS', 'AT').open();
    try {
      const envelope = rs.handover({ sender: 'RS/cptv/intake', recipient: 'AT/bmi-thb/coordination', createdAt: createdAt.toISOString() });
      const jws = await rs.sign(envelope, { kid: key.kid, key: importKey(key) });
      await rs.publish(jws, envelope);
      return { envelope, jws };
    } finally {
      await rs.close();
    }
  }

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS'], { clocks: { AT: clock, RS: clock } });
    await net.start('AT');
    await net.start('RS');
    await net.converged();
    await settled(net, 'RS');
    await settled(net, 'AT');
  });
  afterAll(() => net?.close());

  it('announces the new key in a registry.update signed with the old one, and AT learns it', async () => {
    const config = net.node('RS').config;
    oldKey = currentKey(config.privateJwks, 'sig', clock.now())!;
    activateAt = new Date(clock.now().getTime() + 10 * 60_000);
    retireAt = new Date(activateAt.getTime() + 10 * 60_000);
    const version = await republished(net, 'RS', async () => {
      await net.stop('RS');
      config.privateJwks = rotateNodeKeys('RS', config.privateJwks, activateAt, retireAt);
      newKey = config.privateJwks.keys.find((k) => k.use === 'sig' && k.kid !== oldKey.kid)!;
      expect(newKey.validFrom).toBe(activateAt.toISOString());
      await net.start('RS');
    });
    await holds(net, 'AT', 'RS', version);

    const keys = await net.sql<{ kid: string; jwk: TrmJwk }>('AT', `SELECT kid, jwk FROM partner_key WHERE node = 'RS'`);
    const learned = new Map(keys.map((k) => [k.kid, k.jwk]));
    expect(learned.get(newKey.kid)).toEqual(publicJwks({ keys: [newKey] }).keys[0]);
    expect(learned.get(oldKey.kid)?.validUntil).toBe(retireAt.toISOString());
    const [announcement] = await net.sql<{ kid: string }>('AT', 'SELECT m.kid FROM inbound_message m JOIN partner_directory d ON d.message_id = m.id');
    expect(announcement.kid).toBe(oldKey.kid);
  });

  it('accepts a handover RS signs with the new key once it is valid', async () => {
    clock.set(new Date(activateAt.getTime() + 60_000));
    const rsUrl = net.node('RS').url;
    const submitted = await ok(rsUrl, 'POST', '/v1/handovers', {
      ...sampleReturnHandover(clock.now()),
      sender: 'RS/cptv/intake',
      recipient: 'AT/bmi-thb/coordination',
    });
    await eventually(
      async () => ((await ok(rsUrl, 'GET', `/v1/handovers/${submitted.id}`)).status === 'delivered' ? true : undefined),
      20_000,
      'the handover to be delivered',
    );
    expect(await atStored(submitted.id)).toEqual({ status: 'delivered', kid: newKey.kid });
  });

  it("still accepts a message signed with the old key and created before the old key's validUntil", async () => {
    clock.set(new Date(retireAt.getTime() - 60_000));
    const { envelope } = await handPlayed(oldKey, clock.now());
    expect(await eventually(async () => atStored(envelope.id), 15_000, 'AT to store the message')).toEqual({ status: 'delivered', kid: oldKey.kid });
  });

  it('dead-letters a message signed with the old key and created after its validUntil (unknown-key)', async () => {
    clock.set(new Date(retireAt.getTime() + 60_000));
    const expired = await handPlayed(oldKey, clock.now());
    const rs = await new HandPartner(net, 'RS', 'AT').open();
    try {
      expect((await rs.nextDeadLetter()).toString('ascii')).toBe(expired.jws);
    } finally {
      await rs.close();
    }
    // The same message signed with the new key passes, so it was the key that failed.
    const fresh = await handPlayed(newKey, clock.now());
    expect(await eventually(async () => atStored(fresh.envelope.id), 15_000, 'AT to store the message')).toEqual({ status: 'delivered', kid: newKey.kid });
    expect(await atStored(expired.envelope.id)).toBeUndefined();
  });
});
