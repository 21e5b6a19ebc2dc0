import { Envelope, digestOf } from '@trm/wire';
import { connect } from 'amqplib';
import { TestNetwork } from './support/network';
import { HandPartner, ReceivedReceipt } from './support/partner';

/**
 * A delivery RS cannot process — here valid handovers that a trigger in RS's schema refuses to store — is tried a few
 * times, then dead-lettered and answered `internal-error` (revision 2, end of section 5); the queue flows on. RS takes
 * at most two deliveries at once, so three failing ones would fill its window if they held it.
 */
describe('a delivery RS fails to process cannot stop its queue', () => {
  let net: TestNetwork;
  let at: HandPartner;

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS'], {
      tune: (config) => {
        if (config.node === 'RS') config.broker = { ...config.broker, prefetch: 2, maxDeliveryAttempts: 3 };
      },
    });
    await net.start('RS');
    at = await new HandPartner(net, 'AT', 'RS').open();
  });
  afterAll(async () => {
    await at?.close();
    await net?.close();
  });

  const failWhenStored = (ids: string[]) =>
    net.sql(
      'RS',
      `CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.id = ANY('{${ids.join(',')}}'::uuid[]) THEN RAISE EXCEPTION 'cannot store this one'; END IF; RETURN NEW; END $$;
       CREATE TRIGGER refuse_poison BEFORE INSERT ON inbound_message FOR EACH ROW EXECUTE FUNCTION refuse_poison()`,
    );
  const storeAgain = () => net.sql('RS', 'DROP TRIGGER refuse_poison ON inbound_message; DROP FUNCTION refuse_poison()');

  async function receipts(n: number): Promise<Map<string, ReceivedReceipt>> {
    const byRef = new Map<string, ReceivedReceipt>();
    while (byRef.size < n) {
      const r = await at.nextReceipt(30_000);
      byRef.set(r.envelope.body.ref, r);
    }
    return byRef;
  }

  it('dead-letters it after the configured attempts, answers internal-error, and delivers what came before and after', async () => {
    const before = at.handover();
    const poison = [at.handover(), at.handover(), at.handover()];
    const after = at.handover();
    const sent = new Map<string, string>();
    await failWhenStored(poison.map((p) => p.id));
    try {
      for (const e of [before, ...poison, after]) sent.set(e.id, await at.send(e));

      const answered = await receipts(5);
      const outcome = (e: Envelope) => {
        const r = answered.get(e.id)!;
        expect(r.verification.ok).toBe(true);
        expect(r.envelope.body.digest).toBe(digestOf(sent.get(e.id)!));
        return { status: r.envelope.body.status, reason: r.envelope.body.reason };
      };
      expect(outcome(before)).toEqual({ status: 'delivered', reason: undefined });
      expect(outcome(after)).toEqual({ status: 'delivered', reason: undefined });
      for (const p of poison) expect(outcome(p)).toEqual({ status: 'rejected', reason: 'internal-error' });

      const dead = new Set<string>();
      for (let i = 0; i < poison.length; i++) dead.add((await at.nextDeadLetter()).toString('ascii'));
      expect(dead).toEqual(new Set(poison.map((p) => sent.get(p.id))));

      const stored = await net.sql<{ id: string }>('RS', 'SELECT id FROM inbound_message WHERE id = ANY($1::uuid[]) ORDER BY id', [
        [before, ...poison, after].map((e) => e.id),
      ]);
      expect(stored.map((r) => r.id)).toEqual([before.id, after.id].sort());
    } finally {
      await storeAgain();
    }

    // internal-error is no verdict: the same bytes sent again, once RS can store them, are delivered.
    await at.publish(sent.get(poison[0].id)!, poison[0]);
    const again = await at.nextReceipt(30_000);
    expect(again.envelope.body).toMatchObject({ ref: poison[0].id, status: 'delivered' });
  });

  it('counts the attempts the queue made before, such as those of a gateway process that stopped since', async () => {
    await net.stop('RS');
    const poison = at.handover();
    // The trigger counts its refusals in a sequence (not rolled back with the transaction that fails).
    await net.sql('RS', 'CREATE SEQUENCE poison_tries');
    await net.sql(
      'RS',
      `CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.id = '${poison.id}' THEN PERFORM nextval('poison_tries'); RAISE EXCEPTION 'cannot store this one'; END IF;
       RETURN NEW; END $$;
       CREATE TRIGGER refuse_poison BEFORE INSERT ON inbound_message FOR EACH ROW EXECUTE FUNCTION refuse_poison()`,
    );
    try {
      const jws = await at.send(poison);
      // Two deliveries that failed before RS starts again: taken from the queue and given back, as a consumer that
      // failed them would (the quorum queue counts both).
      const model = await connect(net.node('RS').amqpUrl);
      try {
        const channel = await model.createChannel();
        for (let i = 0; i < 2; i++) {
          const m = await channel.get(net.node('RS').config.broker.queue, { noAck: false });
          if (!m) throw new Error('the poison handover is not in the queue');
          channel.nack(m, false, true);
        }
      } finally {
        await model.close();
      }

      await net.start('RS');
      const answer = await at.nextReceipt(30_000);
      expect(answer.envelope.body).toMatchObject({ ref: poison.id, status: 'rejected', reason: 'internal-error', digest: digestOf(jws) });
      expect((await at.nextDeadLetter()).toString('ascii')).toBe(jws);
      // RS had one attempt left of three: it did not start counting afresh.
      const [{ tries }] = await net.sql<{ tries: number }>('RS', 'SELECT last_value::int AS tries FROM poison_tries');
      expect(tries).toBeLessThan(3);
    } finally {
      await net.sql('RS', 'DROP TRIGGER refuse_poison ON inbound_message; DROP FUNCTION refuse_poison(); DROP SEQUENCE poison_tries');
    }
  });
});
