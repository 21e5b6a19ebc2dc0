import {
  Button,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  Nav,
  NavItem,
  NavList,
  Page,
  PageSidebar,
  PageSidebarBody,
  PageToggleButton,
  SkipToContent,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import BarsIcon from '@patternfly/react-icons/dist/esm/icons/bars-icon';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, useLocation } from 'react-router';
import { LanguageMenu } from '../components/LanguageMenu';
import { useSession } from '../session/session';
import { PAGES } from './navigation';

const MAIN_ID = 'main-content';

/** Masthead (node, language, who is signed in, sign-out), the navigation the person's roles allow, and the page. */
export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  const pages = PAGES.filter((p) => p.roles.some((r) => session.roles.includes(r)));
  const current = pages.find((p) => location.pathname === p.path || location.pathname.startsWith(`${p.path}/`));

  // The title names the page and the node, never a case or a person.
  useEffect(() => {
    document.title = `${current ? t(current.label) : t('product')} · ${t('nodeName', { node: session.node })}`;
  }, [current, session.node, t]);

  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton variant="plain" aria-label={t('nav.toggle')}>
            <BarsIcon />
          </PageToggleButton>
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo component="span" className="trm-brand">
            {t('product')} · {t('nodeName', { node: session.node })}
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight>
          <ToolbarContent>
            <ToolbarGroup align={{ default: 'alignEnd' }}>
              <ToolbarItem>
                <LanguageMenu />
              </ToolbarItem>
              <ToolbarItem>
                <span className="trm-user" data-testid="signed-in-as">
                  {session.name}
                </span>
              </ToolbarItem>
              <ToolbarItem>
                <Button variant="secondary" onClick={() => void session.signOut()}>
                  {t('signOut')}
                </Button>
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );

  const sidebar = (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label={t('nav.label')}>
          <NavList>
            {pages.map((p) => (
              <NavItem key={p.path} isActive={p === current}>
                <NavLink to={p.path}>{t(p.label)}</NavLink>
              </NavItem>
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );

  return (
    <Page
      masthead={masthead}
      sidebar={sidebar}
      isManagedSidebar
      skipToContent={<SkipToContent href={`#${MAIN_ID}`}>{t('skipToContent')}</SkipToContent>}
      mainContainerId={MAIN_ID}
      // The main content scrolls on its own: keyboard users must be able to focus it to scroll a page with nothing else focusable (the audit log).
      mainTabIndex={0}
    >
      {children}
    </Page>
  );
}
