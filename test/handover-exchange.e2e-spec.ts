import { digestOf } from '@trm/wire';
import { sampleReturnHandover } from '../apps/trmctl/src/local';
import { call, eventually, problemFields } from './support/http';
import { TestNetwork } from './support/network';

describe('AT sends a return handover to RS', () => {
  let net: TestNetwork;

  beforeAll(async () => {
    net = await TestNetwork.started(['AT', 'RS']);
  });
  afterAll(() => net?.close());

  it('is delivered, receipted and shown with its timeline on both sides', async () => {
    const at = net.node('AT');
    const rs = net.node('RS');
    const request = sampleReturnHandover();
    const submitted = await call(at.url, 'POST', '/v1/handovers', request);
    expect(submitted.status).toBe(202);
    expect(submitted.body.caseRef).toMatch(/^AT-\d{4}-[0-9A-Z]{8}$/);

    const view = await eventually(async () => {
      const r = await call(at.url, 'GET', `/v1/handovers/${submitted.body.id}`);
      return r.body.status === 'delivered' ? r.body : undefined;
    });
    expect(view.timeline.map((e: { event: string }) => e.event)).toEqual(['submitted', 'sent', 'delivered']);

    const inbox = await call(rs.url, 'GET', '/v1/inbox');
    expect(inbox.body.items).toHaveLength(1);
    expect(inbox.body.items[0]).toMatchObject({
      id: submitted.body.id,
      type: 'handover.request',
      from: 'AT',
      recipient: 'RS/cptv/intake',
      caseRef: submitted.body.caseRef,
      status: 'delivered',
      body: request.body,
    });

    // The receipt names the digest of exactly the bytes AT sent.
    const [sent] = await net.sql<{ jws: string; receipt_id: string }>('AT', 'SELECT jws, receipt_id FROM outbound_message WHERE id = $1', [submitted.body.id]);
    const [receipt] = await net.sql<{ envelope: { body: { digest: string; status: string } } }>('AT', 'SELECT envelope FROM inbound_message WHERE id = $1', [
      sent.receipt_id,
    ]);
    expect(receipt.envelope.body).toMatchObject({ status: 'delivered', digest: digestOf(sent.jws) });

    const incoming = await call(rs.url, 'GET', `/v1/handovers/${submitted.body.id}`);
    expect(incoming.body).toMatchObject({ direction: 'incoming', partner: 'AT', status: 'received', caseRef: submitted.body.caseRef });
  });

  it('answers 400 naming every bad field and stores nothing', async () => {
    const at = net.node('AT');
    const stored = async () =>
      (
        await net.sql<Record<string, number>>(
          'AT',
          'SELECT (SELECT count(*) FROM case_file)::int AS cases, (SELECT count(*) FROM outbound_message)::int AS messages',
        )
      )[0];
    const before = await stored();
    const bad = sampleReturnHandover();
    const body = { ...bad.body, person: { ...bad.body.person, ageGroup: 'teen', name: 'Jana' }, consent: { ...bad.body.consent, given: false } };
    const r = await call(at.url, 'POST', '/v1/handovers', { ...bad, recipient: 'AL/x/y', body });
    expect(r.status).toBe(400);
    const fields = problemFields(r.body)?.sort();
    expect(fields).toEqual(['body.consent.given', 'body.person.ageGroup', 'body.person.name']);
    expect(JSON.stringify(r.body)).not.toContain('Jana');

    const unknownPartner = await call(at.url, 'POST', '/v1/handovers', { ...bad, recipient: 'AL/mol/intake' });
    expect(unknownPartner.status).toBe(400);
    expect(unknownPartner.body.problems).toEqual([{ field: 'recipient', problem: expect.stringContaining('not a configured partner') }]);
    expect(await stored()).toEqual(before);
  });
});
