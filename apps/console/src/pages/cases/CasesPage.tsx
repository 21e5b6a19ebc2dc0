import {
  Button,
  Checkbox,
  EmptyState,
  EmptyStateBody,
  FormSelect,
  FormSelectOption,
  PageSection,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { type Schemas, api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { CodeLabel, useCodeLabel } from '../../components/CodeLabel';
import { LoadFailed, Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';
import { useSession } from '../../session/session';
import type { operations } from '../../api/schema';

type CaseQuery = NonNullable<operations['CasesController_list']['parameters']['query']>;

/** The states in the filter, in the order a case goes through them. */
export const CASE_STATES = [
  'referred',
  'accepted',
  'declined',
  'return-scheduled',
  'arrived',
  'arrival-missed',
  'in-follow-up',
  'withdrawn',
  'closed',
] as const satisfies Schemas['CaseSummary']['state'][];

/** Cases this person may see, newest first, filtered by state, role, partner and overdue (codes in the URL, nothing personal). */
export function CasesPage() {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const code = useCodeLabel();
  const [params, setParams] = useSearchParams();
  const [cursors, setCursors] = useState<string[]>([]);
  const filter = {
    state: params.get('state') ?? '',
    role: params.get('role') ?? '',
    partner: params.get('partner') ?? '',
    overdue: params.get('overdue') === 'true',
  };
  const cursor = cursors[cursors.length - 1];
  const state = CASE_STATES.find((s) => s === filter.state);
  const query: CaseQuery = {
    limit: 50,
    ...(cursor ? { cursor } : {}),
    ...(state ? { state } : {}),
    ...(filter.role ? { role: filter.role } : {}),
    ...(filter.partner ? { partner: filter.partner } : {}),
    ...(filter.overdue ? { overdue: true } : {}),
  };
  const key = JSON.stringify(query);
  const page = usePolling(() => answer(api.GET('/v1/cases', { params: { query } })), `cases-${key}`);
  const items = page.data?.items ?? [];
  const { me } = useSession();
  // The roles the person holds or covers; someone who holds none (a coordinator, for the whole node) the roles seen here.
  const mine = [...me.holds, ...me.covers];
  const roles = [...new Set(mine.length ? mine : items.flatMap((c) => [c.ourRole, ...c.participants]))].sort();
  const partners = [...new Set([...items.map((c) => c.partner), ...(filter.partner ? [filter.partner] : [])])].sort();
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setCursors([]);
    setParams(next);
  };
  const ids = { state: useId(), role: useId(), partner: useId(), overdue: useId() };

  return (
    <PageSection>
      <Title headingLevel="h1">{t('list.title')}</Title>
      <Toolbar aria-label={t('list.filters')} clearAllFilters={() => setParams(new URLSearchParams())}>
        <ToolbarContent>
          <ToolbarItem>
            <label htmlFor={ids.state}>{t('filter.state')}</label>
            <FormSelect id={ids.state} value={filter.state} onChange={(_e, v) => set('state', v)}>
              <FormSelectOption value="" label={t('filter.any')} />
              {CASE_STATES.map((s) => (
                <FormSelectOption key={s} value={s} label={code('state', s)} />
              ))}
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem>
            <label htmlFor={ids.role}>{t('filter.role')}</label>
            <FormSelect id={ids.role} value={filter.role} onChange={(_e, v) => set('role', v)}>
              <FormSelectOption value="" label={t('filter.anyRole')} />
              {[...new Set([...roles, ...(filter.role ? [filter.role] : [])])].map((r) => (
                <FormSelectOption key={r} value={r} label={r} />
              ))}
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem>
            <label htmlFor={ids.partner}>{t('filter.partner')}</label>
            <FormSelect id={ids.partner} value={filter.partner} onChange={(_e, v) => set('partner', v)}>
              <FormSelectOption value="" label={t('filter.anyPartner')} />
              {partners.map((p) => (
                <FormSelectOption key={p} value={p} label={p} />
              ))}
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem alignSelf="center">
            <Checkbox id={ids.overdue} label={t('filter.overdue')} isChecked={filter.overdue} onChange={(_e, v) => set('overdue', v ? 'true' : '')} />
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {page.error !== undefined && <LoadFailed error={page.error} />}
      {page.loading && !page.data ? (
        <Loading />
      ) : !items.length ? (
        <EmptyState headingLevel="h2" titleText={t('list.empty')}>
          <EmptyStateBody>{t('list.emptyBody')}</EmptyStateBody>
        </EmptyState>
      ) : (
        <Table aria-label={t('list.table')} variant="compact">
          <Thead>
            <Tr>
              <Th modifier="wrap">{t('column.caseRef')}</Th>
              <Th modifier="wrap">{t('column.purpose')}</Th>
              <Th modifier="wrap">{t('column.state')}</Th>
              <Th modifier="wrap">{t('column.ourRole')}</Th>
              <Th modifier="wrap">{t('column.partnerRole')}</Th>
              <Th modifier="wrap">{t('column.partner')}</Th>
              <Th modifier="wrap">{t('column.stateChanged')}</Th>
            </Tr>
          </Thead>
          <Tbody>
            {items.map((c) => (
              <Tr key={c.id}>
                <Td dataLabel={t('column.caseRef')}>
                  <Link to={`/cases/${encodeURIComponent(c.caseRef)}`}>{c.caseRef}</Link>
                </Td>
                <Td dataLabel={t('column.purpose')}>{c.purpose ? <CodeLabel list="purpose" value={c.purpose} /> : '—'}</Td>
                <Td dataLabel={t('column.state')}>
                  <CodeLabel list="state" value={c.state} />
                </Td>
                <Td dataLabel={t('column.ourRole')}>{c.ourRole}</Td>
                <Td dataLabel={t('column.partnerRole')}>{c.partnerRole}</Td>
                <Td dataLabel={t('column.partner')}>{c.partner}</Td>
                <Td dataLabel={t('column.stateChanged')}>{format.dateTime(c.stateChangedAt)}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      <Toolbar aria-label={t('list.paging')}>
        <ToolbarContent>
          <ToolbarItem>
            <Button variant="secondary" isDisabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
              {t('list.previous')}
            </Button>
          </ToolbarItem>
          <ToolbarItem>
            <Button variant="secondary" isDisabled={!page.data?.next} onClick={() => page.data?.next && setCursors([...cursors, page.data.next])}>
              {t('list.next')}
            </Button>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
    </PageSection>
  );
}
