import { Content, PageSection, Title } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { hasRole, useSession } from '../../session/session';
import { MailNotices } from './MailNotices';
import { SettingsSummary } from './SettingsSummary';
import { WebhookCalls } from './WebhookCalls';

/**
 * The roles the reader may filter the e-mail notices by: those of the node (an organisation's administrator: of their
 * organisation), or for a caseworker the roles they hold or cover. The organisations are read once.
 */
function useRoleChoices(fromDirectory: boolean, organisation: string | null, own: string[]): string[] {
  const orgs = usePolling(() => (fromDirectory ? answer(api.GET('/v1/organisations')) : Promise.resolve({ items: [] })), `notice-roles ${fromDirectory}`, 0);
  if (!fromDirectory) return [...new Set(own)].sort();
  const items = orgs.data?.items ?? [];
  return items
    .filter((o) => organisation === null || o.slug === organisation)
    .flatMap((o) => o.roles.map((r) => r.address))
    .sort();
}

/**
 * What this node told people and systems: how it sends notices, the e-mail notices to the roles' mailboxes and the
 * webhook calls, each waiting, sent or failed; live. Who sees what follows the API: a caseworker their roles' notices
 * only, the webhook calls the node's coordinators, auditors and administrators of the whole node, who alone send a
 * failed one again.
 */
export function NotificationsPage() {
  const { t } = useTranslation('notifications');
  const session = useSession();
  const { organisation, holds, covers } = session.me;
  const administrator = hasRole(session, 'administrator');
  const operator = administrator && organisation === null;
  const seesAll = hasRole(session, 'coordinator', 'auditor') || operator;
  const seesSettings = seesAll || administrator;
  const roles = useRoleChoices(seesSettings, seesAll ? null : organisation, [...holds, ...covers]);
  return (
    <PageSection className="trm-sections">
      <Title headingLevel="h1">{t('title')}</Title>
      <Content component="p">{t('intro')}</Content>
      {seesSettings && <SettingsSummary />}
      <MailNotices roles={roles} operator={operator} />
      {seesAll && <WebhookCalls operator={operator} />}
    </PageSection>
  );
}
