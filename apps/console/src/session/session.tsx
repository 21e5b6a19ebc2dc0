import { User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type Schemas, api, useAccessToken } from '../api/client';

export type AppRole = Schemas['Me']['roles'][number];

export type ConsoleSettings = Schemas['ConsoleSettings'];

export interface SignedIn {
  node: string;
  /** The person's display name from the identity provider (shown in the masthead only). */
  name: string;
  roles: AppRole[];
  /** The caller as the node sees them (GET /v1/me, loaded once after sign-in): the contact-point roles they hold and cover, their organisation. */
  me: Schemas['Me'];
  signOut: () => Promise<void>;
}

type Phase = { phase: 'starting' } | { phase: 'signed-out'; reason?: 'ended' | 'failed' } | { phase: 'signed-in'; user: User } | { phase: 'unavailable' };

interface SessionState {
  settings: ConsoleSettings | undefined;
  state: Phase;
  signIn: () => Promise<void>;
  session: SignedIn | undefined;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export const CALLBACK_PATH = '/signed-in';
const RETURN_KEY = 'trm.console.return';

/**
 * Sign-in with the node's identity provider: OpenID Connect authorization code flow with PKCE (oidc-client-ts). The
 * tokens live in session storage, which the tab forgets when it is closed; never in local storage. No silent renewal:
 * when the access token expires the session ends and the person signs in again.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  // The declarative router gives a new navigate at each location: kept in a ref so that a page change does not start over.
  const navigate = useRef(useNavigate());
  const [settings, setSettings] = useState<ConsoleSettings>();
  const [manager, setManager] = useState<UserManager>();
  const [state, setState] = useState<Phase>({ phase: 'starting' });

  const end = useCallback(
    (reason?: 'ended' | 'failed') => {
      useAccessToken(null, () => undefined);
      void manager?.removeUser();
      setState({ phase: 'signed-out', reason });
    },
    [manager],
  );

  useEffect(() => {
    let live = true;
    void (async () => {
      const found = (await api.GET('/v1/console/settings').catch(() => undefined))?.data;
      if (!found) return live && setState({ phase: 'unavailable' });
      const store = new WebStorageStateStore({ store: window.sessionStorage });
      const next = new UserManager({
        authority: found.authority,
        client_id: found.clientId,
        redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
        post_logout_redirect_uri: `${window.location.origin}/`,
        response_type: 'code',
        scope: found.scope,
        userStore: store,
        stateStore: store,
        automaticSilentRenew: false,
        monitorSession: false,
      });
      if (!live) return;
      setSettings(found);
      setManager(next);
    })();
    return () => void (live = false);
  }, []);

  useEffect(() => {
    if (!manager) return;
    let live = true;
    void (async () => {
      try {
        let user: User | null;
        if (window.location.pathname === CALLBACK_PATH) {
          user = await manager.signinRedirectCallback();
          const back = window.sessionStorage.getItem(RETURN_KEY) ?? '/';
          window.sessionStorage.removeItem(RETURN_KEY);
          // Through the router, which would otherwise still be at the callback's path.
          void navigate.current(back.startsWith('/') && back !== CALLBACK_PATH ? back : '/', { replace: true });
        } else {
          user = await manager.getUser();
        }
        if (!live) return;
        if (user && !user.expired) setState({ phase: 'signed-in', user });
        else setState({ phase: 'signed-out' });
      } catch {
        if (live) setState({ phase: 'signed-out', reason: 'failed' });
      }
    })();
    const expired = () => {
      if (live) end('ended');
    };
    manager.events.addAccessTokenExpired(expired);
    return () => {
      live = false;
      manager.events.removeAccessTokenExpired(expired);
    };
  }, [manager, end]);

  const user = state.phase === 'signed-in' ? state.user : undefined;
  useAccessToken(user?.access_token ?? null, () => end('ended'));

  // Once per sign-in, with the token set above: the pages need the roles the person holds and covers from the start.
  const [me, setMe] = useState<{ user: User; me: Schemas['Me'] }>();
  useEffect(() => {
    if (!user) return;
    let live = true;
    void (async () => {
      const { data, response } = await api.GET('/v1/me').catch(() => ({ data: undefined, response: undefined }));
      if (!live) return;
      if (data) setMe({ user, me: data });
      else if (!response || response.status >= 500) setState({ phase: 'unavailable' });
      // 401: the client's middleware ends the session already; any other refusal (403: no console role) is a failed sign-in.
      else if (response.status !== 401) end('failed');
    })();
    return () => void (live = false);
  }, [user, end]);

  const signIn = useCallback(async () => {
    if (!manager) return;
    window.sessionStorage.setItem(RETURN_KEY, window.location.pathname === CALLBACK_PATH ? '/' : window.location.pathname);
    await manager.signinRedirect({ extraQueryParams: { ui_locales: i18n.language } });
  }, [manager, i18n]);

  const session = useMemo<SignedIn | undefined>(() => {
    if (!user || !settings || !manager || me?.user !== user) return undefined;
    return {
      node: settings.node,
      name: user.profile.name ?? user.profile.sub,
      roles: me.me.roles,
      me: me.me,
      signOut: async () => {
        const idToken = user.id_token;
        useAccessToken(null, () => undefined);
        await manager.removeUser();
        await manager.signoutRedirect({ id_token_hint: idToken, extraQueryParams: { ui_locales: i18n.language } });
      },
    };
  }, [user, settings, manager, me, i18n]);

  return <SessionContext.Provider value={{ settings, state, signIn, session }}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSessionState outside SessionProvider');
  return state;
}

/** The signed-in person; only for pages behind the sign-in (the shell renders them only then). */
export function useSession(): SignedIn {
  const { session } = useSessionState();
  if (!session) throw new Error('useSession before sign-in');
  return session;
}

export const hasRole = (session: SignedIn, ...roles: AppRole[]): boolean => roles.some((r) => session.roles.includes(r));
