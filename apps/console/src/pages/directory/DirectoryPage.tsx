import {
  ActionGroup,
  Button,
  Content,
  EmptyState,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  Grid,
  GridItem,
  HelperText,
  HelperTextItem,
  Label,
  LabelGroup,
  PageSection,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { AGE_GROUPS, EXPLOITATION_FORMS, PURPOSES } from '@trm/wire/codes';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api } from '../../api/client';
import type { operations } from '../../api/schema';
import { answer } from '../../api/polling';
import { fieldProblems } from '../../api/problems';
import { CodeLabel, useCodeLabel } from '../../components/CodeLabel';
import { LoadFailed, Loading } from '../../components/Loading';
import { against, useRankingReason } from '../../components/RankingReason';
import { useFormat } from '../../i18n/format';

type Query = NonNullable<operations['DirectoryController_find']['parameters']['query']>;

/** The nodes of the network and the languages of the region, for the selects. */
const COUNTRIES = ['AT', 'RS', 'AL', 'BA', 'ME', 'MK', 'XK'];
const LANGUAGES = ['sr', 'sq', 'mk', 'bs', 'hr', 'de', 'en', 'ro', 'tr', 'ar', 'fa', 'ps'];

/** Who to send a case to, across every known node, ranked with the reasons. */
export function DirectoryPage() {
  const { t } = useTranslation('directory');
  const code = useCodeLabel();
  const { language, country: region } = useFormat();
  const reasonText = useRankingReason();
  const [criteria, setCriteria] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Schemas['LookupAnswer']>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const problems = fieldProblems(error);

  const search = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const query = Object.fromEntries(Object.entries(criteria).filter(([, v]) => v)) as Query;
      setResult(await answer(api.GET('/v1/directory', { params: { query } })));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const select = (name: string, options: readonly string[], label: (v: string) => string) => (
    <GridItem md={4} lg={2}>
      <FormGroup label={t(`field.${name}`)} fieldId={`directory-${name}`}>
        <FormSelect
          id={`directory-${name}`}
          value={criteria[name] ?? ''}
          onChange={(_e, value) => setCriteria((c) => ({ ...c, [name]: value }))}
          validated={problems[name] ? 'error' : 'default'}
        >
          <FormSelectOption value="" label={t('any')} />
          {options.map((o) => (
            <FormSelectOption key={o} value={o} label={label(o)} />
          ))}
        </FormSelect>
        {problems[name] && (
          <FormHelperText>
            <HelperText>
              <HelperTextItem variant="error" screenReaderText="">
                {problems[name]}
              </HelperTextItem>
            </HelperText>
          </FormHelperText>
        )}
      </FormGroup>
    </GridItem>
  );

  return (
    <PageSection>
      <Title headingLevel="h1">{t('title')}</Title>
      <Content component="p">{t('intro')}</Content>
      <Form onSubmit={(e) => void search(e)} aria-label={t('form')}>
        <Grid hasGutter>
          {select('country', COUNTRIES, (c) => t('country', { country: region(c) }))}
          {select('purpose', PURPOSES, (v) => code('purpose', v))}
          {select('ageGroup', AGE_GROUPS, (v) => code('ageGroup', v))}
          {select('language', LANGUAGES, language)}
          {select('exploitation', EXPLOITATION_FORMS, (v) => code('exploitation', v))}
        </Grid>
        <ActionGroup>
          <Button type="submit" isLoading={busy} isDisabled={busy}>
            {t('search')}
          </Button>
        </ActionGroup>
      </Form>
      {error !== undefined && !Object.keys(problems).length && <LoadFailed error={error} />}
      {busy && !result ? (
        <Loading />
      ) : result && !result.matches.length ? (
        <EmptyState headingLevel="h2" titleText={t('empty')} />
      ) : result ? (
        <>
          <Content component="p" aria-live="polite">
            {t('summary', { count: result.matches.length })}
          </Content>
          <Table aria-label={t('table')} variant="compact">
            <Thead>
              <Tr>
                <Th modifier="wrap">{t('column.role')}</Th>
                <Th modifier="wrap">{t('column.status')}</Th>
                <Th modifier="wrap">{t('column.languages')}</Th>
                <Th modifier="wrap">{t('column.channels')}</Th>
                <Th modifier="wrap">{t('column.reasons')}</Th>
              </Tr>
            </Thead>
            <Tbody>
              {result.matches.map((m) => (
                <Tr key={m.address}>
                  <Td dataLabel={t('column.role')}>
                    <div>
                      <strong>{m.title}</strong>
                    </div>
                    <div>{m.organisation.name}</div>
                    <code>{m.address}</code>
                  </Td>
                  <Td dataLabel={t('column.status')}>
                    <Label color={m.status === 'active' ? 'green' : 'orange'} isCompact>
                      <CodeLabel list="roleStatus" value={m.status} />
                    </Label>
                    {m.unconfirmed && (
                      <div>
                        <Label color="grey" isCompact>
                          {t('unconfirmed')}
                        </Label>
                      </div>
                    )}
                    {m.fallback && <div>{t('fallback', { role: m.fallback })}</div>}
                  </Td>
                  <Td dataLabel={t('column.languages')}>{m.languages.length ? m.languages.map(language).join(', ') : t('none')}</Td>
                  <Td dataLabel={t('column.channels')}>
                    {m.channels?.mailbox && <div>{t('mailbox', { mailbox: m.channels.mailbox })}</div>}
                    {m.channels?.phone && <div>{t('phone', { phone: m.channels.phone })}</div>}
                    {!m.channels?.mailbox && !m.channels?.phone && t('none')}
                  </Td>
                  <Td dataLabel={t('column.reasons')}>
                    <LabelGroup numLabels={10} aria-label={t('column.reasons')}>
                      {m.because.map((r, i) => (
                        <Label key={i} isCompact color={against(r) ? 'orange' : 'blue'}>
                          {reasonText(r)}
                        </Label>
                      ))}
                    </LabelGroup>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
          <Content component="small">
            {t('sources', {
              sources: result.sources
                .map((s) => (s.version === null ? t('sourceMissing', { node: s.node }) : t('source', { node: s.node, version: s.version })))
                .join('; '),
            })}
          </Content>
        </>
      ) : null}
    </PageSection>
  );
}
