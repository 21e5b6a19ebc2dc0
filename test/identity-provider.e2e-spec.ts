import { call } from './support/http';
import { IdentityNetwork } from './support/identity';
import { OidcBrowser, claimsOfJwt } from './support/oidc-flow';

/** The text of the error paragraph next to a field of the sign-in page, if any. */
const errorOf = (page: string, field: 'login' | 'password') => new RegExp(`<p class="error" id="${field}-error">([^<]*)</p>`).exec(page)?.[1];

describe('the node identity provider (trmctl identity-provider)', () => {
  let net: IdentityNetwork;
  const browser = (id: string) => {
    const { node, provider } = net.node(id);
    return new OidcBrowser(provider.url, `trm-console-${id}`, `${node.url}/signed-in`);
  };

  beforeAll(async () => {
    net = await IdentityNetwork.start(['AT', 'RS']);
  });

  afterAll(async () => {
    await net?.close();
  });

  it('refuses a wrong password and an unknown login with the same words, next to the password field', async () => {
    const b = browser('AT');
    const { page } = await b.authorize();
    expect(page).toContain('<html lang="en">');
    const wrong = await b.submitLogin(page, 'bmi-thb.coordination', 'not-the-password');
    const wrongPage = await wrong.res.text();
    expect(wrong.res.status).toBe(401);
    expect(wrong.back).toBeUndefined();
    expect(errorOf(wrongPage, 'password')).toBe('The login name or the password is not right. Check both and try again.');
    expect(wrongPage).toContain('aria-describedby="password-error"');

    const unknown = await b.submitLogin(wrongPage, 'nobody.here', 'not-the-password');
    const unknownPage = await unknown.res.text();
    expect(unknown.res.status).toBe(401);
    expect(errorOf(unknownPage, 'password')).toBe(errorOf(wrongPage, 'password'));
  });

  it("signs a member of staff in with code and PKCE; the access token is the gateway's, for the person the registry seeded", async () => {
    const account = net.account('AT', 'bmi-thb.coordination');
    const tokens = await browser('AT').signIn(account.login, account.password);
    const access = claimsOfJwt(String(tokens.access_token));
    expect(access).toMatchObject({ iss: net.node('AT').provider.url, aud: 'trm-gateway-AT', sub: account.sub, trm_roles: ['caseworker', 'coordinator'] });
    expect(Number(access.exp) - Number(access.iat)).toBeLessThanOrEqual(12 * 3600);
    expect(claimsOfJwt(String(tokens.id_token))).toMatchObject({
      name: 'Sample staff, AT/bmi-thb/coordination (fictional)',
      trm_roles: ['caseworker', 'coordinator'],
    });

    const { url } = net.node('AT').node;
    expect((await call(url, 'GET', '/v1/cases', undefined, String(tokens.access_token))).status).toBe(200);
    // sub is the person the registry gave the role to: the same id, worked out from the role's address on both sides.
    const held = await net.network.sql<{ role: string }>('AT', 'SELECT role FROM assignment WHERE person = $1', [account.sub]);
    expect(held.map((r) => r.role)).toEqual(['AT/bmi-thb/coordination']);
  });

  it("gives an organisation's administrator trm_org, an auditor only auditor", async () => {
    const admin = net.account('RS', 'astra.admin');
    expect(claimsOfJwt(String((await browser('RS').signIn(admin.login, admin.password)).access_token))).toMatchObject({
      trm_roles: ['administrator'],
      trm_org: 'astra',
    });
    const auditor = net.account('RS', 'auditor');
    const access = claimsOfJwt(String((await browser('RS').signIn(auditor.login, auditor.password)).access_token));
    expect(access.trm_roles).toEqual(['auditor']);
    expect(access.trm_org).toBeUndefined();
  });

  it("refuses a token of the other node's provider (its audience and issuer), which its own node accepts", async () => {
    const account = net.account('RS', 'astra.return-support');
    const token = String((await browser('RS').signIn(account.login, account.password)).access_token);
    expect(claimsOfJwt(token).aud).toBe('trm-gateway-RS');
    expect((await call(net.node('RS').node.url, 'GET', '/v1/cases', undefined, token)).status).toBe(200);
    expect((await call(net.node('AT').node.url, 'GET', '/v1/cases', undefined, token)).status).toBe(401);
  });

  it('requires PKCE: no code challenge, no sign-in; a code without its verifier, no token', async () => {
    const b = browser('AT');
    const { pageUrl } = await b.authorize({ code_challenge: undefined, code_challenge_method: undefined });
    expect(new URL(pageUrl).searchParams.get('error')).toBe('invalid_request');

    const account = net.account('AT', 'bmi-thb.intake');
    const { page } = await b.authorize();
    const { back } = await b.submitLogin(page, account.login, account.password);
    const code = back!.searchParams.get('code')!;
    expect((await b.token(code, undefined)).body.error).toBe('invalid_grant');
  });

  it('after five failures refuses a login for a while, even with its right password', async () => {
    const account = net.account('AT', 'bmi-thb.duty');
    const b = browser('AT');
    let { page } = await b.authorize();
    for (let i = 0; i < 5; i++) page = await (await b.submitLogin(page, account.login, `wrong-${i}`)).res.text();
    const right = await b.submitLogin(page, account.login, account.password);
    expect(right.res.status).toBe(429);
    expect(right.back).toBeUndefined();
    expect(errorOf(await right.res.text(), 'login')).toMatch(/^Too many failed attempts/);
  });

  it('speaks the language the console asks for (ui_locales), with a strict CSP and no script', async () => {
    const { page } = await browser('RS').authorize({ ui_locales: 'sr-Cyrl' });
    expect(page).toContain('<html lang="sr-Cyrl">');
    expect(page).toContain('<label for="login">Корисничко име</label>');
    expect(page).not.toContain('<script');
    const res = await fetch(`${net.node('RS').provider.url}/.well-known/openid-configuration`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect((await browser('RS').authorize({ ui_locales: 'de-AT' })).page).toContain('<html lang="de">');
  });

  it("lets the token endpoint be called from the node's console only (CORS)", async () => {
    const { provider, node } = net.node('AT');
    const other = net.node('RS').node.url;
    const preflight = (origin: string) =>
      fetch(`${provider.url}/token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } }).then((r) =>
        r.headers.get('access-control-allow-origin'),
      );
    expect(await preflight(node.url)).toBe(node.url);
    expect(await preflight(other)).toBeNull();
    const exchange = (origin: string) =>
      fetch(`${provider.url}/token`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: 'trm-console-AT', code_verifier: 'x'.repeat(43) }).toString(),
      });
    const fromConsole = await exchange(node.url);
    expect(fromConsole.headers.get('access-control-allow-origin')).toBe(node.url);
    const fromElsewhere = await exchange(other);
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await fromElsewhere.json()) as { error_description: string }).error_description).toMatch(/origin .* not allowed/);
  });

  it('signs out with one button and returns to the console; the next sign-in asks for the password again', async () => {
    const account = net.account('AT', 'lefoe-ibf.return-support');
    const b = browser('AT');
    const tokens = await b.signIn(account.login, account.password);
    const { url } = net.node('AT').node;
    const query = new URLSearchParams({ id_token_hint: String(tokens.id_token), post_logout_redirect_uri: `${url}/`, ui_locales: 'sq' });
    const { res } = await b.follow(`/session/end?${query.toString()}`);
    const page = await res.text();
    expect(page).toContain('<html lang="sq">');
    expect(page.match(/<button/g)).toHaveLength(1);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)![1];
    const action = /<form[^>]*action="([^"]+)"/.exec(page)![1];
    const done = await b.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${url}/`);
    expect((await b.authorize()).page).toContain('<form method="post"');
  });
});
