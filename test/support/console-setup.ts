import type { Locator, Page } from 'playwright-core';
import { mintToken } from '../../apps/trmctl/src/tokens';
import type { ConsoleHarness } from './console';
import { useToken } from './http';

/**
 * The setup calls of the browser tests (cases.ts, directory.ts, `call`) as each node's operator (coordinator and
 * administrator), in a token of the node's own identity provider: the network's default tokens name another issuer,
 * which the harness's gateways do not trust.
 */
export async function operatorTokens(h: ConsoleHarness, nodes = ['AT', 'RS']): Promise<void> {
  const { issuer } = h.identity.network;
  for (const node of nodes)
    useToken(
      h.url(node),
      await mintToken({ ...issuer, issuer: h.providerUrl(node) }, { subject: 'svc-console-test', roles: ['coordinator', 'administrator'], node }),
    );
}

/** The access token the console keeps in the tab's session storage (oidc-client-ts's user): to ask the API what this person may do. */
export const tokenOf = (page: Page): Promise<string> =>
  page.evaluate<string>(
    `(() => { const k = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:')); return JSON.parse(sessionStorage.getItem(k)).access_token; })()`,
  );

/** The texts a control's aria-describedby points at: its error next to it. */
export const describedBy = async (control: Locator): Promise<string> => {
  const ids = (await control.getAttribute('aria-describedby'))?.split(/\s+/).filter(Boolean) ?? [];
  const texts = await Promise.all(ids.map((id) => control.page().locator(`[id="${id}"]`).innerText()));
  return texts.join(' ');
};
