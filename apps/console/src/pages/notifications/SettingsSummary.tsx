import { DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, List, ListItem, Title } from '@patternfly/react-core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { LoadFailed, Loading } from '../../components/Loading';
import { Url, useEventLabel } from './parts';

const HOUR_MS = 3_600_000;

const Item = ({ term, children }: { term: string; children: ReactNode }) => (
  <DescriptionListGroup>
    <DescriptionListTerm>{term}</DescriptionListTerm>
    <DescriptionListDescription>{children}</DescriptionListDescription>
  </DescriptionListGroup>
);

/** "4 hours", or minutes when it is not a whole number of hours. */
function useDuration(): (ms: number) => string {
  const { t } = useTranslation('notifications');
  return (ms) => (ms % HOUR_MS === 0 ? t('duration.hours', { count: ms / HOUR_MS }) : t('duration.minutes', { count: Math.max(1, Math.round(ms / 60_000)) }));
}

/** How this node sends notices: its mail server (or that there is none), digests, deadline warning, webhook endpoints; live counts. */
export function SettingsSummary() {
  const { t } = useTranslation('notifications');
  const duration = useDuration();
  const eventLabel = useEventLabel();
  const settings = usePolling(() => answer(api.GET('/v1/notifications')), 'notification-settings');
  const s = settings.data;
  return (
    <section aria-labelledby="notifications-settings">
      <Title headingLevel="h2" id="notifications-settings">
        {t('settings.title')}
      </Title>
      {settings.error !== undefined && <LoadFailed error={settings.error} />}
      {!s ? (
        settings.loading && <Loading />
      ) : (
        <DescriptionList isHorizontal isCompact data-testid="notification-settings">
          <Item term={t('settings.mail')}>
            {s.smtp ? (
              <>
                <div>{t('settings.mailOn', { server: `${s.smtp.host}:${s.smtp.port}`, from: s.smtp.from })}</div>
                <div>
                  {t(`settings.security.${s.smtp.security}`)} {s.smtp.authenticated ? t('settings.signsIn') : t('settings.noSignIn')}
                </div>
                <div>{t('settings.limit', { count: s.smtp.maxPerMailboxPerHour })}</div>
              </>
            ) : (
              t('settings.mailOff')
            )}
          </Item>
          <Item term={t('settings.mailCounts')}>{t('settings.noticeCounts', s.mail)}</Item>
          <Item term={t('settings.digests')}>
            {s.digests.length ? (
              <List isPlain>
                {s.digests.map((d) => (
                  <ListItem key={d.role}>{t('settings.digest', { role: d.role, every: duration(d.everyMs) })}</ListItem>
                ))}
              </List>
            ) : (
              t('settings.noDigests')
            )}
          </Item>
          <Item term={t('settings.deadlineWarning')}>
            {s.deadlineWarningMs ? t('settings.warningBefore', { before: duration(s.deadlineWarningMs) }) : t('settings.noWarning')}
          </Item>
          <Item term={t('settings.webhooks')}>
            {s.webhooks.length ? (
              <List isPlain>
                {s.webhooks.map((w) => (
                  <ListItem key={w.url}>
                    <Url url={w.url} />
                    <div>{t('settings.events', { events: w.events.map(eventLabel).join(', ') })}</div>
                    <div>{t('settings.deliveryCounts', w.deliveries)}</div>
                  </ListItem>
                ))}
              </List>
            ) : (
              t('settings.noWebhooks')
            )}
          </Item>
        </DescriptionList>
      )}
    </section>
  );
}
