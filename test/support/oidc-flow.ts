import { createHash, randomBytes } from 'node:crypto';

/** A browser's part of the authorization code flow, with fetch: cookies kept, redirects followed by hand. */
export class OidcBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(
    readonly issuer: string,
    readonly clientId: string,
    readonly redirectUri: string,
  ) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(url, this.issuer), { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
    return res;
  }

  /** Follows redirects on the provider until a page answers or the provider sends the browser back to the client. */
  async follow(url: string, init: RequestInit = {}): Promise<{ res: Response; url: string; back?: URL }> {
    let res = await this.request(url, init);
    for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops++) {
      url = new URL(res.headers.get('location')!, url.startsWith('http') ? url : this.issuer).toString();
      await res.arrayBuffer();
      if (url.startsWith(this.redirectUri)) return { res, url, back: new URL(url) };
      res = await this.request(url);
    }
    return { res, url };
  }

  /** Starts a sign-in; returns the sign-in page the provider shows and what the token request will need. */
  async authorize(
    params: Record<string, string | undefined> = {},
  ): Promise<{ page: string; pageUrl: string; status: number; verifier: string; state: string }> {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(8).toString('hex');
    const query = new URLSearchParams({
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: 'openid profile',
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined) query.delete(k);
      else query.set(k, v);
    }
    const { res, url, back } = await this.follow(`/auth?${query.toString()}`);
    return { page: back ? '' : await res.text(), pageUrl: url, status: res.status, verifier, state };
  }

  /** Submits the sign-in form of `page`. */
  submitLogin(page: string, login: string, password: string): Promise<{ res: Response; url: string; back?: URL }> {
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
    if (!action) throw new Error(`no sign-in form in: ${page.slice(0, 300)}`);
    return this.follow(action.replace(/&amp;/g, '&'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, password }).toString(),
    });
  }

  async token(code: string, verifier: string | undefined): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(new URL('/token', this.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.redirectUri,
        client_id: this.clientId,
        ...(verifier ? { code_verifier: verifier } : {}),
      }).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** The whole flow for a login that works: the token endpoint's answer. */
  async signIn(login: string, password: string): Promise<Record<string, unknown>> {
    const { page, verifier } = await this.authorize();
    const { back } = await this.submitLogin(page, login, password);
    const code = back?.searchParams.get('code');
    if (!code) throw new Error(`no code for ${login}`);
    const { status, body } = await this.token(code, verifier);
    if (status !== 200) throw new Error(`token endpoint answered ${status}: ${JSON.stringify(body)}`);
    return body;
  }
}

export const claimsOfJwt = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
