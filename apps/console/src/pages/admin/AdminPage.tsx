import { Button, Checkbox, Content, EmptyState, Label, PageSection, Tab, TabTitleText, Tabs, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { CodeLabel } from '../../components/CodeLabel';
import { LoadFailed, Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';
import { useSession } from '../../session/session';
import { RoleWork } from './RoleWork';

function Roles() {
  const { t } = useTranslation('admin');
  const orgs = usePolling(() => answer(api.GET('/v1/organisations')), 'organisations');
  const [selected, setSelected] = useState<string>();
  const [all, setAll] = useState(false);
  // The organisation this administrator looks after first (null: the whole node's, all of them).
  const { organisation } = useSession().me;
  const items = orgs.data?.items ?? [];
  const mine = items.filter((o) => organisation === null || o.slug === organisation);
  const shown = all || !mine.length ? items : mine;
  const role = items.flatMap((o) => o.roles).find((r) => r.address === selected);
  return (
    <>
      {orgs.error !== undefined && <LoadFailed error={orgs.error} />}
      {orgs.loading && !orgs.data ? (
        <Loading />
      ) : (
        <>
          {organisation !== null && <Checkbox id="admin-all-organisations" label={t('roles.all')} isChecked={all} onChange={(_e, v) => setAll(v)} />}
          {shown.map((o) => (
            <section key={o.slug}>
              <Title headingLevel="h2">
                {o.name} <CodeLabel list="organisationKind" value={o.kind} />
              </Title>
              <Table aria-label={t('roles.table', { organisation: o.name })} variant="compact">
                <Thead>
                  <Tr>
                    <Th modifier="wrap">{t('roles.role')}</Th>
                    <Th modifier="wrap">{t('roles.status')}</Th>
                    <Th modifier="wrap">{t('roles.holders')}</Th>
                    <Th modifier="wrap">{t('roles.fallback')}</Th>
                    <Th screenReaderText={t('roles.actions')} />
                  </Tr>
                </Thead>
                <Tbody>
                  {o.roles.map((r) => (
                    <Tr key={r.address} isRowSelected={r.address === selected}>
                      <Td dataLabel={t('roles.role')}>
                        <div>{r.title}</div>
                        <code>{r.address}</code>
                      </Td>
                      <Td dataLabel={t('roles.status')}>
                        <Label isCompact color={r.status === 'active' ? 'green' : r.status === 'vacant' ? 'orange' : 'grey'}>
                          <CodeLabel list="roleStatus" value={r.status} />
                        </Label>
                        {r.unconfirmed && (
                          <>
                            {' '}
                            <Label isCompact color="yellow">
                              {t('role.unconfirmed')}
                            </Label>
                          </>
                        )}
                      </Td>
                      <Td dataLabel={t('roles.holders')}>
                        {r.holders
                          ? r.holders.length
                            ? r.holders.map((h) => h.person.name).join(', ')
                            : t('holders.none')
                          : t('holders.count', { count: r.holderCount })}
                      </Td>
                      <Td dataLabel={t('roles.fallback')}>{r.fallback ?? t('none')}</Td>
                      <Td>
                        <Button variant="secondary" size="sm" onClick={() => setSelected(r.address)} aria-label={t('roles.manageLabel', { role: r.address })}>
                          {t('roles.manage')}
                        </Button>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            </section>
          ))}
          {role && <RoleWork key={role.address} role={role} changed={orgs.reload} />}
        </>
      )}
    </>
  );
}

function Links() {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const links = usePolling(() => answer(api.GET('/v1/role-links', { params: { query: { status: 'pending' } } })), 'links');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const decide = async (id: string, how: 'accept' | 'decline') => {
    setError(undefined);
    try {
      if (how === 'accept') await answer(api.POST('/v1/role-links/{id}/accept', { params: { path: { id } } }));
      else await answer(api.POST('/v1/role-links/{id}/decline', { params: { path: { id } } }));
      setDone(t(how === 'accept' ? 'links.accepted' : 'links.declined'));
      links.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const items = links.data?.items ?? [];
  return (
    <>
      <Content component="p">{t('links.intro')}</Content>
      {links.error !== undefined && <LoadFailed error={links.error} />}
      {error !== undefined && <LoadFailed error={error} />}
      {done && (
        <Content component="p" aria-live="polite">
          {done}
        </Content>
      )}
      {links.loading && !links.data ? (
        <Loading />
      ) : !items.length ? (
        <EmptyState headingLevel="h2" titleText={t('links.empty')} />
      ) : (
        <Table aria-label={t('links.table')} variant="compact">
          <Thead>
            <Tr>
              <Th modifier="wrap">{t('links.kind')}</Th>
              <Th modifier="wrap">{t('links.role')}</Th>
              <Th modifier="wrap">{t('links.target')}</Th>
              <Th modifier="wrap">{t('links.requestedAt')}</Th>
              <Th screenReaderText={t('roles.actions')} />
            </Tr>
          </Thead>
          <Tbody>
            {items.map((l) => (
              <Tr key={l.id}>
                <Td dataLabel={t('links.kind')}>{t(`links.kinds.${l.kind}`)}</Td>
                <Td dataLabel={t('links.role')}>{l.role}</Td>
                <Td dataLabel={t('links.target')}>{l.target}</Td>
                <Td dataLabel={t('links.requestedAt')}>{format.dateTime(l.requestedAt)}</Td>
                <Td>
                  <Button size="sm" onClick={() => void decide(l.id, 'accept')} aria-label={t('links.acceptLabel', { role: l.role, target: l.target })}>
                    {t('links.accept')}
                  </Button>{' '}
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => void decide(l.id, 'decline')}
                    aria-label={t('links.declineLabel', { role: l.role, target: l.target })}
                  >
                    {t('links.decline')}
                  </Button>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </>
  );
}

function Attention() {
  const { t } = useTranslation('admin');
  const attention = usePolling(() => answer(api.GET('/v1/directory/attention')), 'attention');
  if (attention.error !== undefined) return <LoadFailed error={attention.error} />;
  if (!attention.data) return <Loading />;
  const a = attention.data;
  const list = (title: string, rows: Array<{ key: string; text: string }>) => (
    <section>
      <Title headingLevel="h2">{t('attention.heading', { title, count: rows.length })}</Title>
      {rows.length ? (
        <ul>
          {rows.map((r) => (
            <li key={r.key}>{r.text}</li>
          ))}
        </ul>
      ) : (
        <Content component="p">{t('attention.nothing')}</Content>
      )}
    </section>
  );
  return (
    <>
      {list(
        t('attention.vacant'),
        a.vacant.map((r) => ({ key: r.address, text: t('attention.role', { title: r.title, address: r.address }) })),
      )}
      {list(
        t('attention.unconfirmed'),
        a.unconfirmed.map((r) => ({ key: r.address, text: t('attention.role', { title: r.title, address: r.address }) })),
      )}
      {list(
        t('attention.pendingLinks'),
        a.pendingLinks.map((l) => ({ key: l.id, text: t('attention.link', { kind: t(`links.kinds.${l.kind}`), role: l.role, target: l.target }) })),
      )}
      {list(
        t('attention.personalChannels'),
        a.personalChannels.map((c) => ({
          key: `${c.role} ${c.channel}`,
          text: t('attention.channel', { role: c.role, channel: t(`attention.channelKind.${c.channel}`), reason: t(`attention.reason.${c.reason}`) }),
        })),
      )}
    </>
  );
}

/** For administrators: the registry of the organisations they look after. */
export function AdminPage() {
  const { t } = useTranslation('admin');
  const [tab, setTab] = useState<string | number>('roles');
  return (
    <PageSection>
      <Title headingLevel="h1">{t('title')}</Title>
      <Content component="p">{t('intro')}</Content>
      <Tabs activeKey={tab} onSelect={(_e, key) => setTab(key)} aria-label={t('tabs')} mountOnEnter unmountOnExit>
        <Tab eventKey="roles" title={<TabTitleText>{t('tab.roles')}</TabTitleText>}>
          <Roles />
        </Tab>
        <Tab eventKey="links" title={<TabTitleText>{t('tab.links')}</TabTitleText>}>
          <Links />
        </Tab>
        <Tab eventKey="attention" title={<TabTitleText>{t('tab.attention')}</TabTitleText>}>
          <Attention />
        </Tab>
      </Tabs>
    </PageSection>
  );
}
