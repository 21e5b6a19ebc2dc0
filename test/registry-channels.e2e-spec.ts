import { directoryApi, holds, ok, republished, rolePath } from './support/directory';
import { call, eventually, problemFields } from './support/http';
import { TestNetwork } from './support/network';

/**
 * Functional channels stay functional: a role's mailbox and phone go to every partner, which keeps them, so they are
 * never a member of staff's own — with real nodes AT and RS (whose registry changes).
 */

describe("a role's published channels are functional, never a member of staff's", () => {
  let net: TestNetwork;
  let rsUrl: string;
  let rs: ReturnType<typeof directoryApi>;

  const attention = async () =>
    (await ok(rsUrl, 'GET', '/v1/directory/attention')).personalChannels as Array<{ role: string; channel: string; reason: string }>;

  beforeAll(async () => {
    net = await TestNetwork.started(['AT', 'RS']);
    rsUrl = net.node('RS').url;
    rs = directoryApi(rsUrl);
  });
  afterAll(() => net?.close());

  it("refuses a role whose mailbox or phone is a member of staff's own, naming the field and never the value", async () => {
    const [email, phone] = ['mira.kovac@home.example', '+381 64 000 1234'];
    await ok(rsUrl, 'POST', '/v1/people', { name: 'Mira Kovač', email, phone });
    const attempts: Array<[Record<string, string>, string[]]> = [
      [{ mailbox: ' Mira.Kovac@HOME.example ', phone: '+381 11 000 0042' }, ['channels.mailbox']],
      [{ mailbox: 'legal-desk@cptv.example', phone: '381 (64) 000-12-34' }, ['channels.phone']],
      [{ mailbox: email, phone: '381640001234' }, ['channels.mailbox', 'channels.phone']],
    ];
    for (const [channels, refused] of attempts) {
      const r = await call(rsUrl, 'POST', '/v1/organisations/cptv/roles', {
        slug: 'legal-desk',
        title: 'Legal desk',
        purposes: ['assistance'],
        ageGroups: ['adult'],
        languages: ['sr'],
        channels,
      });
      expect({ channels, status: r.status, fields: problemFields(r.body) }).toEqual({ channels, status: 400, fields: refused });
      expect(JSON.stringify(r.body)).not.toMatch(/kovac|000.?1234|0001234/i);
    }
    expect((await call(rsUrl, 'GET', rolePath('RS/cptv/legal-desk'))).status).toBe(404);

    const patched = await call(rsUrl, 'PATCH', rolePath('RS/cptv/duty'), { channels: { mailbox: email } });
    expect({ status: patched.status, fields: problemFields(patched.body) }).toEqual({ status: 400, fields: ['channels.mailbox'] });
    expect((await rs.role('RS/cptv/duty')).channels).toEqual({ phone: '+381 11 000 0002 (sample)', mailbox: 'duty@cptv.example' });

    // Functional channels of the same role are taken.
    await rs.createRole('RS/cptv/legal-desk', { channels: { mailbox: 'legal-desk@cptv.example', phone: '+381 11 000 0042' } });
  });

  it("refuses a person whose e-mail or phone is a role's published channel", async () => {
    const attempts: Array<[Record<string, string>, string[]]> = [
      [{ email: 'INTAKE@cptv.example' }, ['email']],
      [{ phone: '+381 11 000 0001' }, ['phone']],
      [{ email: 'duty@cptv.example', phone: '381110000002' }, ['email', 'phone']],
    ];
    for (const [contacts, refused] of attempts) {
      const name = `Refused person ${refused.join(' ')}`;
      const r = await call(rsUrl, 'POST', '/v1/people', { name, ...contacts });
      expect({ contacts, status: r.status, fields: problemFields(r.body) }).toEqual({ contacts, status: 400, fields: refused });
      expect(JSON.stringify(r.body)).not.toMatch(/intake@|duty@|000 000/i);
      expect(await net.sql('RS', 'SELECT 1 FROM person WHERE name = $1', [name])).toEqual([]);
    }
  });

  it('warns in the attention list about channels that look personal, by role and kind of channel only', async () => {
    await ok(rsUrl, 'POST', '/v1/people', { name: 'Jelena Marković' });
    const named = 'RS/astra/named-desk';
    const shaped = 'RS/astra/shaped-desk';
    const copied = 'RS/atina/copied-desk';
    await rs.createRole(named, { channels: { mailbox: 'markovic-desk@astra.example' } });
    await rs.createRole(shaped, { channels: { mailbox: 'ivana.nikolic@astra.example' } });
    await rs.createRole(copied);
    // As a registry filled before these checks (or a directory file) can have it: a staff member's own contacts published.
    await ok(rsUrl, 'POST', '/v1/people', { name: 'Petar Ilić', email: 'p.ilic@home.example', phone: '+381 65 000 7777' });
    await net.sql('RS', `UPDATE role SET channels = $2 WHERE address = $1`, [
      copied,
      JSON.stringify({ mailbox: 'P.Ilic@home.example', phone: '381650007777' }),
    ]);

    const flagged = await attention();
    expect(flagged).toEqual([
      { role: named, channel: 'mailbox', reason: 'staff-name' },
      { role: shaped, channel: 'mailbox', reason: 'name-like' },
      { role: copied, channel: 'mailbox', reason: 'staff-contact' },
      { role: copied, channel: 'phone', reason: 'staff-contact' },
    ]);
    expect(JSON.stringify(flagged)).not.toMatch(/@|ilic|7777/i);
    const auditor = await net.token('RS', { subject: 'channels-auditor', roles: ['auditor'] });
    expect((await call(rsUrl, 'GET', '/v1/directory/attention', undefined, auditor)).body.personalChannels).toEqual(flagged);
  });

  it("replaces a corrected mailbox on every partner: AT's current directory of RS holds the new one and no trace of the old", async () => {
    const role = 'RS/cptv/return-desk';
    const [old, corrected] = ['dragana.jovic@cptv.example', 'return-desk@cptv.example'];
    await holds(net, 'AT', 'RS', await republished(net, 'RS', () => rs.createRole(role, { channels: { mailbox: old, phone: '+381 11 000 0043' } })));
    type View = { matches: Array<{ address: string; channels?: { mailbox?: string } }> };
    // AT's API answers from the registry it reloads once the update is stored (held): wait for the reload.
    const atView = (mailbox: string) =>
      eventually(async () => {
        const view = (await directoryApi(net.node('AT').url).lookup({ country: 'RS' })) as View;
        return view.matches.find((m) => m.address === role)?.channels?.mailbox === mailbox ? view : undefined;
      });
    expect((await atView(old)).matches.find((m) => m.address === role)?.channels).toEqual({ mailbox: old, phone: '+381 11 000 0043' });
    expect((await attention()).filter((c) => c.role === role)).toEqual([{ role, channel: 'mailbox', reason: 'name-like' }]);

    const version = await republished(net, 'RS', () => ok(rsUrl, 'PATCH', rolePath(role), { channels: { mailbox: corrected, phone: '+381 11 000 0043' } }));
    await holds(net, 'AT', 'RS', version);

    const seen = await atView(corrected);
    expect(seen.matches.find((m) => m.address === role)?.channels).toEqual({ mailbox: corrected, phone: '+381 11 000 0043' });
    expect(JSON.stringify(seen)).not.toContain(old);
    const [stored] = await net.sql<{ version: number; body: string }>('AT', `SELECT version, body::text AS body FROM partner_directory WHERE node = 'RS'`);
    expect({ version: stored.version, corrected: stored.body.includes(corrected), old: stored.body.includes(old) }).toEqual({
      version,
      corrected: true,
      old: false,
    });
    expect((await attention()).filter((c) => c.role === role)).toEqual([]);
  });
});
