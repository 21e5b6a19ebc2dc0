import { createEnvelope, digestOf, generateNodeKeys, importKey, signEnvelope } from '@trm/wire';
import { checkReceipt } from './receipt-check';

const handoverId = '0b5c7a2e-8f5e-4f7e-9a51-2f1d3c4b5a69';
const digest = digestOf('the request as sent');
const rs = generateNodeKeys('RS');
const other = generateNodeKeys('RS');

async function receipt(body: Record<string, unknown>, keys = rs, from = 'RS'): Promise<string> {
  const sig = keys.privateJwks.keys.find((k) => k.use === 'sig')!;
  const envelope = createEnvelope({
    id: '5c1e0d4a-1b2c-4d3e-8f4a-5b6c7d8e9f00',
    type: 'receipt',
    from,
    to: 'AT',
    sender: 'RS/cptv/intake',
    recipient: 'AT/bmi-thb/coordination',
    caseRef: 'AT-2026-7F3K9Q',
    inReplyTo: handoverId,
    createdAt: new Date().toISOString(),
    body,
  });
  return signEnvelope(envelope, { kid: sig.kid, key: importKey(sig) });
}

const claim = (jws: string) => ({ jws, handoverId, digest, partner: 'RS', trustAnchor: rs.publicJwks });

describe('checkReceipt', () => {
  it("accepts RS's signed receipt naming this handover and the digest sent", async () => {
    const result = await checkReceipt(claim(await receipt({ ref: handoverId, status: 'delivered', digest })));
    expect(result).toEqual({ ok: true, kid: expect.stringMatching(/^RS#sig-/), status: 'delivered', digest });
  });

  it('refuses a receipt signed with a key outside the trust anchor', async () => {
    const result = await checkReceipt(claim(await receipt({ ref: handoverId, status: 'delivered', digest }, other)));
    expect(result).toEqual({ ok: false, problem: expect.stringContaining("not in RS's trust anchor") });
  });

  it('refuses a tampered receipt', async () => {
    const [header, , signature] = (await receipt({ ref: handoverId, status: 'delivered', digest })).split('.');
    const forged = Buffer.from(JSON.stringify({ type: 'receipt', from: 'RS', body: { ref: handoverId, status: 'delivered', digest } })).toString('base64url');
    const result = await checkReceipt(claim(`${header}.${forged}.${signature}`));
    expect(result).toEqual({ ok: false, problem: expect.stringContaining('signature does not verify') });
  });

  it.each([
    [{ ref: '11111111-1111-4111-8111-111111111111', status: 'delivered', digest }, 'not handover'],
    [{ ref: handoverId, status: 'delivered', digest: digestOf('other bytes') }, 'but the request was'],
  ])('refuses a receipt for something else: %j', async (body, problem) => {
    const result = await checkReceipt(claim(await receipt(body)));
    expect(result).toEqual({ ok: false, problem: expect.stringContaining(problem) });
  });
});
