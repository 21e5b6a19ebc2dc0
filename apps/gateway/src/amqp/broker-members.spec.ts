import { ChannelModel } from 'amqplib';
import { BrokerConnectError } from './broker-connection';
import { connectToMember, memberName } from './broker-members';

const MEMBERS = ['amqp://gw:secret@b1:5672/trm-at', 'amqp://gw:secret@b2:5672/trm-at', 'amqps://gw:secret@b3/trm-at'];

/** Opens a member's connection if `up` names its host; otherwise refuses, as a stopped broker does. */
const members = (up: string[], tried: string[]) => (url: string) => {
  tried.push(memberName(url));
  if (up.includes(new URL(url).hostname)) return Promise.resolve({ url } as unknown as ChannelModel);
  return Promise.reject(new Error('connect ECONNREFUSED'));
};

describe('connectToMember', () => {
  it('takes the first member that answers, from the one after the member last used, wrapping round', async () => {
    const tried: string[] = [];
    expect((await connectToMember(MEMBERS, 2, members(['b2'], tried))).member).toBe(1);
    expect(tried).toEqual(['b3:5671', 'b1:5672', 'b2:5672']);
  });

  it('starts at the first member on the first connect, and stays there while it answers', async () => {
    const tried: string[] = [];
    expect((await connectToMember(MEMBERS, 0, members(['b1', 'b2', 'b3'], tried))).member).toBe(0);
    expect(tried).toEqual(['b1:5672']);
  });

  it('tells of the members passed over for a TLS or login problem, not of those that are down', async () => {
    const expired = new BrokerConnectError({ reason: 'tls-certificate-expired', text: "TLS: the broker's certificate has expired [CERT_HAS_EXPIRED]" });
    const down = new BrokerConnectError({ reason: 'unreachable', text: 'Error: connect ECONNREFUSED' });
    const open = (url: string) =>
      new URL(url).hostname === 'b3' ? Promise.resolve({ url } as unknown as ChannelModel) : Promise.reject(new URL(url).hostname === 'b1' ? expired : down);
    expect((await connectToMember(MEMBERS, 0, open)).misconfigured).toEqual(["b1:5672: TLS: the broker's certificate has expired [CERT_HAS_EXPIRED]"]);
  });

  it('fails when no member answers, naming each by host and port, never by its credentials', async () => {
    const failure = connectToMember(MEMBERS, 0, members([], []));
    await expect(failure).rejects.toThrow(
      'no broker member answers (b1:5672: Error: connect ECONNREFUSED; b2:5672: Error: connect ECONNREFUSED; b3:5671: Error: connect ECONNREFUSED)',
    );
    await expect(failure).rejects.not.toThrow(/secret/);
  });

  it('says what the one broker of a single-URL configuration said', async () => {
    await expect(connectToMember(MEMBERS.slice(0, 1), 1, members([], []))).rejects.toThrow('b1:5672: Error: connect ECONNREFUSED');
  });
});
