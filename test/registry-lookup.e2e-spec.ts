import { DAY_MS, ManualClock } from './support/clock';
import { directoryApi, holds, ok, publishedVersion, republished, rolePath } from './support/directory';
import { call, problemFields } from './support/http';
import { TestNetwork } from './support/network';

/** "Who do I send this to?" — GET /v1/directory across the nodes' published directories, and entries nobody vouched for lately. */

interface Match {
  address: string;
  node: string;
  status: 'active' | 'vacant';
  unconfirmed: boolean;
  score: number;
  reasons: string[];
  because: Array<Record<string, unknown>>;
}

const addressesOf = (matches: Match[]) => matches.map((m) => m.address);

describe('AT looks up contact points', () => {
  let net: TestNetwork;
  let lookup: (query: Record<string, string>) => Promise<{ matches: Match[]; sources: Array<{ node: string; version: number | null }> }>;

  beforeAll(async () => {
    net = await TestNetwork.started(['AT', 'RS']);
    await holds(net, 'AT', 'RS', await publishedVersion(net, 'RS'));
    lookup = directoryApi(net.node('AT').url).lookup;
  });
  afterAll(() => net?.close());

  it('ranks a staffed RS role that works in sr above a vacant one, and says why', async () => {
    const { matches, sources } = await lookup({ country: 'RS', purpose: 'return', ageGroup: 'adult', language: 'sr' });
    const staffed = matches.find((m) => m.address === 'RS/cptv/intake')!;
    const vacant = matches.find((m) => m.address === 'RS/cptv/urgent-shelter')!;

    expect(staffed).toMatchObject({ node: 'RS', status: 'active', reasons: ['handles return', 'handles age group adult', 'works in sr', 'staffed'] });
    expect(vacant).toMatchObject({
      node: 'RS',
      status: 'vacant',
      reasons: ['handles return', 'handles age group adult', 'works in sr', 'vacant: messages go to RS/atina/transition-house'],
    });
    // The same grounds coded, for the console to word in the reader's language.
    expect(vacant.because).toEqual([
      { code: 'purpose', value: 'return' },
      { code: 'ageGroup', value: 'adult' },
      { code: 'language', value: 'sr' },
      { code: 'vacantFallback', fallback: 'RS/atina/transition-house' },
    ]);
    expect(staffed.score).toBeGreaterThan(vacant.score);
    expect(addressesOf(matches).indexOf(staffed.address)).toBeLessThan(addressesOf(matches).indexOf(vacant.address));
    expect(matches.map((m) => m.score)).toEqual([...matches.map((m) => m.score)].sort((a, b) => b - a));

    // The SOS hotline does not handle returns.
    expect(addressesOf(matches)).not.toContain('RS/astra/sos-hotline');
    expect(sources).toContainEqual(expect.objectContaining({ node: 'RS', version: await publishedVersion(net, 'RS') }));
  });

  it('leaves out roles that do not handle the age group asked for', async () => {
    const children = addressesOf((await lookup({ purpose: 'return', ageGroup: 'child' })).matches);
    expect(children).toEqual(expect.arrayContaining(['RS/csw/child-protection', 'AT/youth-welfare/child-protection', 'RS/cptv/intake']));
    expect(children).not.toContain('AT/lefoe-ibf/return-support');
    expect(children).not.toContain('AT/lefoe-ibf/court-support');

    const adults = addressesOf((await lookup({ purpose: 'return', ageGroup: 'adult' })).matches);
    expect(adults).toEqual(expect.arrayContaining(['AT/lefoe-ibf/return-support', 'RS/cptv/intake']));
    expect(adults).not.toContain('RS/csw/child-protection');
    expect(adults).not.toContain('AT/youth-welfare/child-protection');
  });

  it('filters by country', async () => {
    const everywhere = (await lookup({ purpose: 'return' })).matches;
    expect(new Set(everywhere.map((m) => m.node))).toEqual(new Set(['AT', 'RS']));
    for (const country of ['AT', 'RS']) {
      const matches = (await lookup({ country, purpose: 'return' })).matches;
      expect(matches.length).toBeGreaterThan(0);
      expect(matches.every((m) => m.node === country)).toBe(true);
      expect(addressesOf(matches).sort()).toEqual(addressesOf(everywhere.filter((m) => m.node === country)).sort());
    }
    expect((await lookup({ country: 'AL', purpose: 'return' })).matches).toEqual([]);
  });

  it.each([
    ['ageGroup=teen', ['ageGroup']],
    ['country=rs', ['country']],
    ['purpose=holiday&language=serbian', ['language', 'purpose']],
  ])('answers 400 naming the bad field for %s', async (query, fields) => {
    const r = await call(net.node('AT').url, 'GET', `/v1/directory?${query}`);
    expect(r.status).toBe(400);
    expect(problemFields(r.body)?.sort()).toEqual(fields);
  });
});

describe('an entry nobody confirmed for 180 days', () => {
  const ROLE = 'RS/astra/return-support';
  /** Time passes for AT and RS alike, so their messages stay fresh for each other. */
  const clock = new ManualClock();
  let net: TestNetwork;
  let rs: ReturnType<typeof directoryApi>;

  const unconfirmedOnRs = async () =>
    (await ok<{ unconfirmed: Match[] }>(net.node('RS').url, 'GET', '/v1/directory/attention')).unconfirmed.map((r) => r.address);
  /** How AT sees the role, after RS published the version a change on RS led to. */
  async function seenByAt(change: () => Promise<unknown>): Promise<Match> {
    await holds(net, 'AT', 'RS', await republished(net, 'RS', change));
    const { matches } = await directoryApi(net.node('AT').url).lookup({ country: 'RS', purpose: 'return' });
    return (matches as Match[]).find((m) => m.address === ROLE)!;
  }
  let retitles = 0;
  /** A visible change elsewhere in RS's directory, which makes RS publish. */
  const touchAnotherRole = () => ok(net.node('RS').url, 'PATCH', rolePath('RS/cptv/duty'), { title: `Duty officer (${++retitles})` });

  beforeAll(async () => {
    net = await TestNetwork.create(['AT', 'RS'], { clocks: { AT: clock, RS: clock } });
    await net.start('AT');
    await net.start('RS');
    await net.converged();
    rs = directoryApi(net.node('RS').url);
  });
  afterAll(() => net?.close());

  it('is not flagged after 179 days', async () => {
    clock.advance(179 * DAY_MS);
    expect(await unconfirmedOnRs()).toEqual([]);
    expect(await rs.role(ROLE)).toMatchObject({ unconfirmed: false });
    expect(await seenByAt(touchAnotherRole)).toMatchObject({ unconfirmed: false });
  });

  it('is flagged after 181 days on RS, and at AT once RS republished', async () => {
    clock.advance(2 * DAY_MS);
    expect(await unconfirmedOnRs()).toContain(ROLE);
    expect(await rs.role(ROLE)).toMatchObject({ status: 'active', unconfirmed: true });

    const seen = await seenByAt(touchAnotherRole);
    expect(seen).toMatchObject({ unconfirmed: true });
    expect(seen.reasons).toContain('entry not confirmed recently');
  });

  it('refuses a confirmation by somebody who does not hold the role', async () => {
    const stranger = await rs.person('Not on this role');
    const r = await call(net.node('RS').url, 'POST', rolePath(ROLE, '/confirm'), { person: stranger });
    expect(r.status).toBe(400);
    expect(problemFields(r.body)).toEqual(['person']);
    expect(await unconfirmedOnRs()).toContain(ROLE);
  });

  it("is cleared by a current holder's confirmation, on RS and then at AT", async () => {
    const holder = (await rs.role(ROLE)).holders[0].person.id;
    let confirmed: any;
    const seen = await seenByAt(async () => (confirmed = await ok(net.node('RS').url, 'POST', rolePath(ROLE, '/confirm'), { person: holder })));

    expect(confirmed).toMatchObject({ address: ROLE, unconfirmed: false, confirmedAt: clock.now().toISOString() });
    const stillUnconfirmed = await unconfirmedOnRs();
    expect(stillUnconfirmed).not.toContain(ROLE);
    expect(stillUnconfirmed).toContain('RS/cptv/intake');
    expect(seen).toMatchObject({ unconfirmed: false });
    expect(seen.reasons).not.toContain('entry not confirmed recently');
  });

  it('can be confirmed by a deputy', async () => {
    const other = 'RS/atina/reintegration';
    expect(await unconfirmedOnRs()).toContain(other);
    const [holder, deputy] = [await rs.person('Reintegration lead'), await rs.person('Reintegration deputy')];
    await rs.assign(other, holder, { deputy });
    expect(await ok(net.node('RS').url, 'POST', rolePath(other, '/confirm'), { person: deputy })).toMatchObject({ unconfirmed: false });
    expect(await unconfirmedOnRs()).not.toContain(other);
  });
});
