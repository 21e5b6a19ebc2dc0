import { Webhook } from 'standardwebhooks';
import { webhookSecret } from './webhook-secret';

describe('trmctl webhook-secret', () => {
  it('makes a fresh Standard Webhooks secret of 32 bytes each time, which signs and verifies a call', () => {
    const [a, b] = [webhookSecret(), webhookSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
    const at = new Date();
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(a).sign('msg_1', at, '{}'),
    };
    expect(new Webhook(a).verify('{}', headers)).toEqual({});
    expect(() => new Webhook(b).verify('{}', headers)).toThrow();
  });
});
