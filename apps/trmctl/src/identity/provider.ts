import { randomBytes } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { Directory } from '../../../gateway/src/config/directory';
import { audienceOf } from '../tokens';
import { Account, AccountsFile, ensureAccounts, samePassword } from './accounts';
import { MemoryAdapter } from './memory-adapter';
import { STYLESHEET, STYLESHEET_PATH, loginPage, messagePage, signOutPage } from './pages';
import { Language, STRINGS, chooseLanguage } from './strings';
import { LoginThrottle } from './throttle';

export interface IdentityProviderOptions {
  node: string;
  /** 0: any free port (the URL says which). */
  port: number;
  host?: string;
  /** The node's console (its gateway's URL): the one client's redirect URIs and the only origin CORS allows. */
  consoleUrl: string;
  directory: Directory;
  /** Where the sample accounts' passwords are kept (created once). */
  accountsFile: string;
  /** The private JWK (Ed25519) the tokens are signed with; the node's auth.jwks holds its public half. */
  signingKey: Record<string, unknown>;
  /** At most the node's auth.maxTokenLifetime (12 h by default). */
  accessTokenTtlSeconds?: number;
}

export interface RunningIdentityProvider {
  /** The issuer: what the node's auth.issuer must be. */
  url: string;
  clientId: string;
  accounts: AccountsFile;
  close(): Promise<void>;
}

export const consoleClientId = (node: string): string => `trm-console-${node}`;

const MAX_FORM_BYTES = 4096;

/**
 * The node's embedded default OpenID provider (oidc-provider): authorization code flow with PKCE for one public
 * client, the node's console; its own sign-in page; the sample accounts of the node's directory. Access tokens are
 * JWTs for the node's gateway (aud `trm-gateway-<node>`, `trm_roles`, `trm_org`), signed with the local issuer's key.
 * For development, the demo and tests; a production node points auth.issuer at the organisation's own provider.
 */
export async function startIdentityProvider(options: IdentityProviderOptions): Promise<RunningIdentityProvider> {
  // oidc-provider is published as ESM only; Node 20.19+ loads it with require().
  const { Provider, errors } = await import('oidc-provider');
  const { node } = options;
  const consoleUrl = options.consoleUrl.replace(/\/+$/, '');
  const consoleOrigin = new URL(consoleUrl).origin;
  const clientId = consoleClientId(node);
  const audience = audienceOf(node);
  const resource = `urn:trm:${audience}`;
  const accounts = ensureAccounts(options.directory, options.accountsFile);
  const byLogin = new Map(accounts.accounts.map((a) => [a.login.toLowerCase(), a]));
  const bySub = new Map(accounts.accounts.map((a) => [a.sub, a]));
  const throttle = new LoginThrottle();

  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  const languageOf = (ctx: KoaContextWithOIDC): Language => chooseLanguage(ctx.oidc?.params?.ui_locales, ctx.get('accept-language'));
  const tokenClaims = (account: Account) => ({ trm_roles: account.roles, ...(account.organisation ? { trm_org: account.organisation } : {}) });

  const configuration: Configuration = {
    adapter: MemoryAdapter,
    clients: [
      {
        client_id: clientId,
        client_name: `TRM console ${node}`,
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${consoleUrl}/signed-in`],
        post_logout_redirect_uris: [`${consoleUrl}/`],
        id_token_signed_response_alg: 'EdDSA',
      },
    ],
    responseTypes: ['code'],
    scopes: ['openid', 'profile'],
    pkce: { required: () => true },
    jwks: { keys: [options.signingKey] },
    claims: { openid: ['sub', 'trm_roles', 'trm_org'], profile: ['name'] },
    // The console's masthead reads name and trm_roles from the id_token.
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const account = bySub.get(sub);
      return account ? { accountId: sub, claims: () => ({ sub, name: account.name, ...tokenClaims(account) }) } : undefined;
    },
    extraTokenClaims: (_ctx, token) => {
      const account = token.kind === 'AccessToken' && token.accountId ? bySub.get(token.accountId) : undefined;
      return account ? tokenClaims(account) : undefined;
    },
    clientBasedCORS: (_ctx, origin) => origin === consoleOrigin,
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      // Both nodes' providers live on 127.0.0.1 in the demo: cookies are per host, not per port.
      names: { session: `_trm_${node}_session`, interaction: `_trm_${node}_interaction`, resume: `_trm_${node}_resume` },
    },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 15 * 60,
      Session: 10 * 3600,
      Grant: 10 * 3600,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return {
            scope: 'trm',
            audience,
            accessTokenTTL: options.accessTokenTtlSeconds ?? 3600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'EdDSA' } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = signOutPage(languageOf(ctx), node, form);
        },
        postLogoutSuccessSource: (ctx) => {
          const lang = languageOf(ctx);
          ctx.type = 'html';
          ctx.body = messagePage(lang, STRINGS[lang].signOutTitle, STRINGS[lang].signedOut);
        },
      },
    },
    renderError: (ctx, out) => {
      const lang = languageOf(ctx);
      ctx.type = 'html';
      ctx.body = messagePage(lang, STRINGS[lang].errorTitle, STRINGS[lang].errorText, String(out.error));
    },
  };
  const provider = new Provider(url, configuration);
  provider.on('server_error', (_ctx, err) => process.stderr.write(`identity provider ${node}: ${err.stack ?? err.message}\n`));
  const callback = provider.callback();

  const csp = [
    "default-src 'none'",
    "script-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action 'self' ${consoleOrigin}`,
    `frame-ancestors ${consoleOrigin}`,
    "base-uri 'none'",
  ].join('; ');

  const html = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(body);
  };

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, submitted: boolean): Promise<void> {
    const acceptLanguage = req.headers['accept-language'];
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      const lang = chooseLanguage(undefined, acceptLanguage);
      return html(res, 400, messagePage(lang, STRINGS[lang].errorTitle, STRINGS[lang].expired));
    }
    if (details.uid !== uid) return html(res, 400, messagePage('en', STRINGS.en.errorTitle, STRINGS.en.expired));
    const lang = chooseLanguage(details.params.ui_locales, acceptLanguage);
    const action = `/interaction/${details.uid}/login`;

    if (details.prompt.name === 'consent') {
      // The node's own console: first party, so what it asks for is granted without a consent screen.
      const grant = details.grantId
        ? ((await provider.Grant.find(details.grantId)) ??
          new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) }))
        : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    if (details.prompt.name !== 'login') return html(res, 400, messagePage(lang, STRINGS[lang].errorTitle, STRINGS[lang].errorText, details.prompt.name));
    if (!submitted) return html(res, 200, loginPage({ node, lang, action }));

    const form = await readForm(req);
    if (!form) return html(res, 413, loginPage({ node, lang, action, problem: 'empty', emptyLogin: true, emptyPassword: true }));
    const login = (form.get('login') ?? '').trim();
    const password = form.get('password') ?? '';
    if (!login || !password) return html(res, 400, loginPage({ node, lang, action, login, problem: 'empty', emptyLogin: !login, emptyPassword: !password }));
    const key = login.toLowerCase();
    if (throttle.blocked(key)) return html(res, 429, loginPage({ node, lang, action, login, problem: 'throttled' }));
    const account = byLogin.get(key);
    // An unknown login is compared against a password too: it takes as long and answers the same as a wrong one.
    const right = samePassword(password, account?.password ?? UNKNOWN_LOGIN_PASSWORD) && account !== undefined;
    if (!right) {
      throttle.failed(key);
      return html(res, 401, loginPage({ node, lang, action, login, problem: 'wrong' }));
    }
    throttle.succeeded(key);
    return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('content-security-policy', csp);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    const path = (req.url ?? '/').split('?')[0];
    if (path === STYLESHEET_PATH && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' });
      return void res.end(STYLESHEET);
    }
    // Discovery and keys are public; every other endpoint a browser may call cross-origin (token, revocation,
    // userinfo) is for the console only. oidc-provider checks the origin of the call itself, not of its preflight.
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && origin && origin !== consoleOrigin && !path.startsWith('/.well-known/') && path !== '/jwks') {
      res.writeHead(204, { vary: 'Origin' });
      return void res.end();
    }
    if (path === '/favicon.ico') {
      res.writeHead(204);
      return void res.end();
    }
    const match = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/.exec(path);
    if (match && (req.method === 'GET' ? !match[2] : req.method === 'POST' && match[2])) {
      return void interaction(req, res, match[1], req.method === 'POST').catch((err: Error) => {
        process.stderr.write(`identity provider ${node}: ${err.stack ?? err.message}\n`);
        if (!res.headersSent) html(res, 500, messagePage('en', STRINGS.en.errorTitle, STRINGS.en.errorText));
        else res.end();
      });
    }
    void callback(req, res);
  });

  return {
    url,
    clientId,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Compared against when the login is unknown; never anyone's password (it has characters they never get). */
const UNKNOWN_LOGIN_PASSWORD = `unknown login ${randomBytes(12).toString('hex')}`;

/** An application/x-www-form-urlencoded body of at most MAX_FORM_BYTES, or null. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return new URLSearchParams();
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
