import { Logger } from '@nestjs/common';
import { Envelope, createEnvelope, digestOf, generateNodeKeys, rotateNodeKeys } from '@trm/wire';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ManualClock } from '../../../../test/support/clock';
import { NodeConfig } from '../config/node-config';
import { EnvelopeService } from '../message-log/envelope.service';
import { OutboundMessage } from '../message-log/outbound-message.entity';
import { AttemptResult, OutboxRepository } from '../message-log/outbox.repository';
import { OutboxSignal } from '../message-log/outbox-signal';
import { NewTimelineEvent, TimelineRepository } from '../message-log/timeline.repository';
import { RegistryService } from '../registry/registry.service';
import { Outgoing } from './delivery';
import { PartnerLinks } from './partner-links';
import { PublishOutcome } from './partner-link';
import { NodeEvents } from '../telemetry/node-events';
import { OutboxRelay } from './outbox-relay';

const START = new Date('2026-11-22T10:00:00Z');
const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const TX = {} as EntityManager;
const TIMERS = { receiptTimeoutMs: 5 * MINUTE_MS, resendMaxIntervalMs: 60 * MINUTE_MS, publishRetryMaxMs: 30 * SECOND_MS, giveUpAfterMs: 24 * 60 * MINUTE_MS };
/** RS's keys, rotated a minute after START: a message signed again on a resend would be signed with the new key. */
const RS_KEYS = rotateNodeKeys(
  'RS',
  generateNodeKeys('RS', { now: new Date('2026-01-01T00:00:00Z') }).privateJwks,
  new Date(START.getTime() + MINUTE_MS),
  new Date('2027-01-01T00:00:00Z'),
);

/** The outbox as a list, recording attempts the way the repository's SQL does. */
class Outbox {
  readonly messages: OutboundMessage[] = [];
  readonly givenUp: string[] = [];
  readonly madeDue: string[] = [];
  passes = 0;
  /** Resolves when the relay started its pass number `n`. */
  private readonly waiting: Array<{ n: number; resolve: () => void }> = [];

  withDue<T>(now: Date, limit: number, work: (due: OutboundMessage[], tx: EntityManager) => Promise<T>): Promise<T | null> {
    this.passes += 1;
    for (const w of this.waiting.filter((w) => w.n <= this.passes)) w.resolve();
    const due = this.messages
      .filter((m) => (m.state === 'queued' || m.state === 'sent') && m.nextAttemptAt! <= now)
      .sort((a, b) => a.nextAttemptAt!.getTime() - b.nextAttemptAt!.getTime())
      .slice(0, limit);
    return due.length ? work(due, TX) : Promise.resolve(null);
  }

  pass(n: number): Promise<void> {
    return n <= this.passes ? Promise.resolve() : new Promise((resolve) => this.waiting.push({ n, resolve }));
  }

  recordAttempts(results: AttemptResult[], now: Date, tx: EntityManager): Promise<void> {
    expect(tx).toBe(TX);
    for (const r of results) {
      const m = this.messages.find((m) => m.id === r.id)!;
      Object.assign(m, { jws: r.jws, digest: r.digest, attempts: m.attempts + 1, nextAttemptAt: r.nextAttemptAt, lastError: r.error });
      if (r.confirmed && m.state === 'queued') Object.assign(m, { state: 'sent', sentAt: now });
    }
    return Promise.resolve();
  }

  giveUp(ids: string[], _now: Date, tx: EntityManager): Promise<void> {
    expect(tx).toBe(TX);
    this.givenUp.push(...ids);
    for (const m of this.messages.filter((m) => ids.includes(m.id))) Object.assign(m, { state: 'undeliverable', nextAttemptAt: null });
    return Promise.resolve();
  }

  dueNow(partner: string): Promise<number> {
    this.madeDue.push(partner);
    return Promise.resolve(1);
  }
}

/** Partner links that confirm what goes to a partner while it is `up`, and remember what was published. */
class Links {
  readonly published: Array<{ partner: string; messages: Outgoing[] }> = [];
  readonly up = new Set(['AT', 'HU']);
  private readonly reachable: Array<(partner: string) => void> = [];

  publish(partner: string, messages: Outgoing[]): Promise<PublishOutcome[]> {
    this.published.push({ partner, messages });
    const confirmed = this.up.has(partner);
    return Promise.resolve(messages.map((m) => ({ id: m.envelope.id, confirmed, error: confirmed ? null : 'partner broker unreachable' })));
  }

  onReachable(listener: (partner: string) => void): void {
    this.reachable.push(listener);
  }

  back(partner: string): void {
    this.reachable.forEach((listener) => listener(partner));
  }
}

const envelopeTo = (to: string, caseRef = `RS-2026-${randomUUID().slice(0, 6).toUpperCase()}`): Envelope =>
  createEnvelope({
    id: randomUUID(),
    type: 'case.closed',
    from: 'RS',
    to,
    sender: 'RS/cptv/intake',
    recipient: `${to}/ngo/intake`,
    caseRef,
    createdAt: START.toISOString(),
    body: { reason: 'reintegrated' },
  });

describe('OutboxRelay', () => {
  beforeAll(() => Logger.overrideLogger(false));

  const setUp = (relay: Partial<NodeConfig['relay']> = {}) => {
    const clock = new ManualClock(START);
    const config = {
      node: 'RS',
      privateJwks: RS_KEYS,
      timers: TIMERS,
      relay: { batchSize: 10, pollIntervalMs: 60 * MINUTE_MS, concurrency: 1, ...relay },
    } as NodeConfig;
    const envelopes = new EnvelopeService(config, {} as RegistryService, clock);
    const outbox = new Outbox();
    const links = new Links();
    const events: NewTimelineEvent[] = [];
    const timeline = {
      record: (recorded: NewTimelineEvent[], tx: EntityManager) => {
        expect(tx).toBe(TX);
        events.push(...recorded);
        return Promise.resolve();
      },
    } as unknown as TimelineRepository;
    const signal = new OutboxSignal();
    const relayer = new OutboxRelay(
      config,
      outbox as unknown as OutboxRepository,
      envelopes,
      links as unknown as PartnerLinks,
      timeline,
      clock,
      signal,
      new NodeEvents(),
    );
    const queue = (...envelopes: Envelope[]) => {
      const messages = envelopes.map((e) => OutboundMessage.queued(e, clock.now()));
      outbox.messages.push(...messages);
      return messages;
    };
    return { relay: relayer, outbox, links, events, clock, signal, queue, envelopes };
  };

  it('signs a new message, publishes it to its partner in the order due, and waits receiptTimeout for the receipt', async () => {
    const { relay, outbox, links, events, clock, queue, envelopes } = setUp();
    const [first, second, third] = queue(envelopeTo('AT'), envelopeTo('HU'), envelopeTo('AT'));
    expect(await relay.relayOnce()).toBe(3);
    expect(links.published.map((p) => [p.partner, ...p.messages.map((m) => m.envelope.id)])).toEqual([
      ['AT', first.id, third.id],
      ['HU', second.id],
    ]);
    const sent = links.published.flatMap((p) => p.messages);
    for (const { envelope, jws } of sent) {
      const message = outbox.messages.find((m) => m.id === envelope.id)!;
      expect(jws).toBe(await envelopes.sign(message.envelope));
      expect(message).toMatchObject({ jws, digest: digestOf(jws), state: 'sent', attempts: 1, lastError: null });
      expect(message.nextAttemptAt).toEqual(new Date(clock.now().getTime() + TIMERS.receiptTimeoutMs));
    }
    expect(events).toEqual([]);
    expect(await relay.relayOnce()).toBe(0);
  });

  it('resends the same bytes while no receipt comes, waiting twice as long each time up to resendMaxInterval', async () => {
    const { relay, outbox, links, events, clock, queue } = setUp();
    const [message] = queue(envelopeTo('AT'));
    await relay.relayOnce();
    const bytes = message.jws;
    const waits: number[] = [];
    for (let resend = 0; resend < 6; resend++) {
      clock.set(message.nextAttemptAt!);
      const at = clock.now();
      expect(await relay.relayOnce()).toBe(1);
      waits.push((message.nextAttemptAt!.getTime() - at.getTime()) / MINUTE_MS);
    }
    expect(waits).toEqual([10, 20, 40, 60, 60, 60]);
    expect(new Set(links.published.map((p) => p.messages[0].jws))).toEqual(new Set([bytes]));
    expect(events.map((e) => [e.kind, e.detail])).toEqual([2, 3, 4, 5, 6, 7].map((attempt) => ['resent', { attempt }]));
    expect(outbox.messages).toHaveLength(1);
  });

  it('backs off while the partner broker does not confirm: 1 s doubling up to publishRetryMax, the first failure in the timeline', async () => {
    const { relay, links, events, clock, queue } = setUp();
    links.up.delete('AT');
    const [message] = queue(envelopeTo('AT'));
    const waits: number[] = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      const at = clock.now();
      expect(await relay.relayOnce()).toBe(1);
      expect(message).toMatchObject({ state: 'queued', lastError: 'partner broker unreachable' });
      waits.push((message.nextAttemptAt!.getTime() - at.getTime()) / SECOND_MS);
      clock.set(message.nextAttemptAt!);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 30, 30]);
    expect(events).toEqual([
      { caseRef: message.caseRef, messageId: message.id, at: START, kind: 'publish-failed', detail: { attempt: 1, error: 'partner broker unreachable' } },
    ]);

    links.up.add('AT');
    await relay.relayOnce();
    expect(message).toMatchObject({ state: 'sent', lastError: null, attempts: 8 });
  });

  it('marks undeliverable, without publishing, what got no receipt within giveUpAfter', async () => {
    const { relay, outbox, links, events, clock, queue } = setUp();
    const [old] = queue(envelopeTo('AT'));
    await relay.relayOnce();
    clock.advance(TIMERS.giveUpAfterMs);
    const [fresh] = queue(envelopeTo('AT'));
    links.published.length = 0;
    expect(await relay.relayOnce()).toBe(2);
    expect(outbox.givenUp).toEqual([old.id]);
    expect(links.published.flatMap((p) => p.messages.map((m) => m.envelope.id))).toEqual([fresh.id]);
    expect(events).toEqual([{ caseRef: old.caseRef, messageId: old.id, at: clock.now(), kind: 'undeliverable', detail: { attempts: 1 } }]);
  });

  it('runs a pass when signalled or when a partner is reachable again (its waiting messages made due), not only at each poll', async () => {
    const { relay, outbox, links, signal } = setUp();
    relay.onApplicationBootstrap();
    await outbox.pass(1);
    signal.notify();
    await outbox.pass(2);
    links.back('HU');
    await outbox.pass(3);
    expect(outbox.madeDue).toEqual(['HU']);
    await relay.onModuleDestroy();
  }, 5_000);
});
