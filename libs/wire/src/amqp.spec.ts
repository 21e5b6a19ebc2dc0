import { publishProperties, propertyMismatch } from './amqp';
import { Envelope, createEnvelope } from './envelope';

const envelope = (changes: Partial<Envelope> = {}): Envelope =>
  createEnvelope({
    id: '0b5c7a2e-8f5e-4f7e-9a51-2f1d3c4b5a69',
    type: 'handover.accepted',
    from: 'RS',
    to: 'AT-NGO',
    sender: 'RS/cptv/intake',
    recipient: 'AT-NGO/lefoe-ibf/return-support',
    caseRef: 'AT-2026-7F3K9Q',
    createdAt: '2026-11-22T10:15:00.999Z',
    body: {},
    ...changes,
  });

describe('publishProperties', () => {
  it('sets the properties of section 3, persistent and mandatory', () => {
    expect(publishProperties(envelope())).toEqual({
      contentType: 'application/jose',
      messageId: '0b5c7a2e-8f5e-4f7e-9a51-2f1d3c4b5a69',
      type: 'handover.accepted',
      timestamp: Date.UTC(2026, 10, 22, 10, 15, 0) / 1000,
      deliveryMode: 2,
      persistent: true,
      mandatory: true,
      headers: { 'trm-profile': 'trm-amqp/1', 'trm-from': 'RS', 'trm-to': 'AT-NGO' },
    });
  });

  it('sets correlation_id to inReplyTo when there is one', () => {
    const inReplyTo = 'f2b8a1c0-2d3e-4f50-8a6b-7c8d9e0f1a2b';
    expect(publishProperties(envelope({ inReplyTo })).correlationId).toBe(inReplyTo);
  });

  it('adds the W3C trace context as headers when given one', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(publishProperties(envelope(), { traceparent, tracestate: 'vendor=opaque' }).headers).toEqual({
      'trm-profile': 'trm-amqp/1',
      'trm-from': 'RS',
      'trm-to': 'AT-NGO',
      traceparent,
      tracestate: 'vendor=opaque',
    });
    expect(publishProperties(envelope(), { traceparent }).headers).not.toHaveProperty('tracestate');
  });
});

describe('propertyMismatch', () => {
  it.each([
    ['without inReplyTo', envelope()],
    ['with inReplyTo', envelope({ inReplyTo: 'f2b8a1c0-2d3e-4f50-8a6b-7c8d9e0f1a2b' })],
  ])('finds nothing to object to in the properties it publishes (%s)', (_label, env) => {
    expect(propertyMismatch(publishProperties(env), env.type, env)).toBeNull();
  });

  it('reads header strings delivered as Buffers, and compares their content', () => {
    const env = envelope();
    const props = publishProperties(env);
    const buffers = (to: string) => ({
      ...props,
      headers: { 'trm-profile': Buffer.from('trm-amqp/1'), 'trm-from': Buffer.from('RS'), 'trm-to': Buffer.from(to) },
    });
    expect(propertyMismatch(buffers('AT-NGO'), env.type, env)).toBeNull();
    expect(propertyMismatch(buffers('AT'), env.type, env)).toMatch(/trm-to/);
  });

  it('accepts trace context headers, well-formed or not, and does not require them (decision trace-context)', () => {
    const env = envelope();
    const props = publishProperties(env);
    for (const trace of [{ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'a=b' }, { traceparent: 'garbage' }]) {
      expect(propertyMismatch({ ...props, headers: { ...props.headers, ...trace } }, env.type, env)).toBeNull();
    }
    expect(propertyMismatch(props, env.type, env)).toBeNull();
  });
});
