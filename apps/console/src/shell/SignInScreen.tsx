import { Alert, Bullseye, Button, Card, CardBody, CardFooter, CardTitle, Content, Stack, StackItem } from '@patternfly/react-core';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageMenu } from '../components/LanguageMenu';
import { useSessionState } from '../session/session';

/** Before sign-in: the language first (the identity provider's page follows it), then one button. */
export function SignInScreen() {
  const { t } = useTranslation();
  const { settings, state, signIn } = useSessionState();
  const reason = state.phase === 'signed-out' ? state.reason : undefined;

  useEffect(() => {
    document.title = `${t('signIn.title')} · ${t('product')}`;
  }, [t]);

  return (
    <Bullseye className="trm-sign-in">
      <main id="main-content">
        <Card isLarge>
          <CardTitle>
            <h1 className="pf-v6-c-title pf-m-2xl">{settings ? t('signIn.heading', { node: settings.node }) : t('product')}</h1>
          </CardTitle>
          <CardBody>
            <Stack hasGutter>
              <StackItem>
                <Content component="p">{t('signIn.intro')}</Content>
              </StackItem>
              {reason === 'ended' && (
                <StackItem>
                  <Alert variant="info" isInline title={t('signIn.ended')} />
                </StackItem>
              )}
              {reason === 'failed' && (
                <StackItem>
                  <Alert variant="danger" isInline title={t('signIn.failed')} />
                </StackItem>
              )}
              {state.phase === 'unavailable' && (
                <StackItem>
                  <Alert variant="danger" isInline title={t('signIn.unavailable')} />
                </StackItem>
              )}
              <StackItem>
                <LanguageMenu />
              </StackItem>
            </Stack>
          </CardBody>
          <CardFooter>
            <Button variant="primary" size="lg" isDisabled={!settings} onClick={() => void signIn()}>
              {t('signIn.button')}
            </Button>
          </CardFooter>
        </Card>
      </main>
    </Bullseye>
  );
}
