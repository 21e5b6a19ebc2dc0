import { MessageType } from '@trm/wire';
import { EntityManager } from 'typeorm';
import { InboundMessage } from '../message-log/inbound-message.entity';
import { DeliveredEffect, InboundEffect, InboundEffects } from './inbound-effects';
import { ReceiptSettlement } from './receipt-settlement';

const NOW = new Date('2026-11-22T10:15:30Z');
const TX = {} as EntityManager;
const message = (id: string, type: MessageType) => ({ id, type }) as InboundMessage;

describe('InboundEffects', () => {
  let log: string[];
  /** Receipt settlement that confirms delivered what the receipts' ids name after `delivered-`. */
  const settlement = {
    settle: (receipts: InboundMessage[], tx: EntityManager, now: Date) => {
      expect([tx, now]).toEqual([TX, NOW]);
      log.push(`settle ${receipts.map((r) => r.id).join(',')}`);
      return Promise.resolve(receipts.filter((r) => r.id.startsWith('delivered-')).map((r) => r.id.slice('delivered-'.length)));
    },
  } as unknown as ReceiptSettlement;
  const onDelivered = (name: string): DeliveredEffect => ({
    delivered: (ids, tx) => {
      expect(tx).toBe(TX);
      log.push(`${name} delivered ${ids.join(',')}`);
      return Promise.resolve();
    },
  });
  const effect = (name: string, types: MessageType[], committed = true): InboundEffect => ({
    types,
    apply: (messages, tx, now) => {
      expect([tx, now]).toEqual([TX, NOW]);
      log.push(`${name} ${messages.map((m) => m.id).join(',')}`);
      return Promise.resolve();
    },
    ...(committed ? { committed: () => Promise.resolve(void log.push(`${name} committed`)) } : {}),
  });

  beforeEach(() => (log = []));

  it('settles the receipts, runs the delivered effects in order, then each effect once on its types in the given order', async () => {
    const effects = new InboundEffects(
      [effect('cases', ['handover.request', 'case.closed']), effect('audit', ['receipt', 'case.closed'], false), effect('directory', ['registry.update'])],
      [onDelivered('cases'), onDelivered('directory')],
      settlement,
    );
    const after = await effects.apply(
      [message('m1', 'case.closed'), message('delivered-o1', 'receipt'), message('m2', 'handover.request'), message('other-o2', 'receipt')],
      TX,
      NOW,
    );
    expect(log).toEqual(['settle delivered-o1,other-o2', 'cases delivered o1', 'directory delivered o1', 'cases m1,m2', 'audit m1,delivered-o1,other-o2']);

    log = [];
    await after();
    expect(log).toEqual(['cases committed']);
  });

  it('settles nothing without receipts, and runs no delivered effect when the receipts settled nothing delivered', async () => {
    const effects = new InboundEffects([effect('directory', ['registry.update'])], [onDelivered('cases')], settlement);
    await effects.apply([message('u1', 'registry.update')], TX, NOW);
    expect(log).toEqual(['directory u1']);

    log = [];
    await effects.apply([message('rejected-o1', 'receipt')], TX, NOW);
    expect(log).toEqual(['settle rejected-o1']);
  });

  it('runs after commit only what applied to the batch', async () => {
    const effects = new InboundEffects([effect('cases', ['handover.request']), effect('directory', ['registry.update'])], [], settlement);
    const after = await effects.apply([message('u1', 'registry.update')], TX, NOW);
    log = [];
    await after();
    expect(log).toEqual(['directory committed']);
  });
});
