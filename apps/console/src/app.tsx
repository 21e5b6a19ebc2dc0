import { Bullseye, Spinner } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { NotFound } from './components/NotFound';
import { ROUTES } from './routes';
import { SessionProvider, useSession, useSessionState } from './session/session';
import { AppShell } from './shell/AppShell';
import { SignInScreen } from './shell/SignInScreen';
import { homeFor } from './shell/navigation';

function SignedInRoutes() {
  const session = useSession();
  return (
    <AppShell>
      <Routes>
        <Route path="/" element={<Navigate to={homeFor(session.roles)} replace />} />
        {ROUTES.map((r) => (
          <Route key={r.path} path={r.path} element={r.page} />
        ))}
        <Route path="*" element={<NotFound />} />
      </Routes>
    </AppShell>
  );
}

function Gate() {
  const { t } = useTranslation();
  const { state, session } = useSessionState();
  if (state.phase === 'starting' || (state.phase === 'signed-in' && !session))
    return (
      <Bullseye>
        <Spinner aria-label={t('loading')} />
      </Bullseye>
    );
  return session ? <SignedInRoutes /> : <SignInScreen />;
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </BrowserRouter>
  );
}
