import { useEffect } from 'react';
import { Content, FormGroup, FormSelect, FormSelectOption, List, ListItem, Radio } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { type Schemas, api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { useCodeLabel } from '../../components/CodeLabel';
import { useRankingReason } from '../../components/RankingReason';
import { LoadFailed, Loading } from '../../components/Loading';
import { FieldHelp, stateOf } from './fields';
import { fieldId } from './form';
import { RoleMarks, type StepProps, useNames } from './steps';

type Match = Schemas['LookupMatch'];

/**
 * Step 4: the contact point, chosen from the directory lookup of the destination country with the facts given so far
 * (the first language and the first form of exploitation rank the roles; the lookup takes one of each).
 */
export function RecipientStep({ form, change, problems, node }: StepProps & { node: string }) {
  const { t } = useTranslation('handover');
  const names = useNames();
  const code = useCodeLabel();
  const reasonText = useRankingReason();
  const known = usePolling(() => answer(api.GET('/v1/directory', {})), 'directory-sources', 0);
  const countries = [
    ...new Set(
      (known.data?.sources ?? [])
        .map((s) => s.node)
        .filter((n) => n !== node)
        .map((n) => n.slice(0, 2)),
    ),
  ].sort();
  // Only the countries this node is linked to: a destination chosen before (from the nationality) that is none of them is dropped.
  const linked = known.data !== undefined;
  const unlinked = linked && form.destination !== '' && !countries.includes(form.destination);
  useEffect(() => {
    if (unlinked) change({ destination: '', recipient: '', recipientTitle: '' });
  }, [unlinked, change]);
  const purpose = form.purpose || undefined;
  const ageGroup = form.ageGroup || undefined;
  const query = {
    country: form.destination,
    purpose,
    ageGroup,
    language: form.languages[0],
    exploitation: form.exploitation[0],
  };
  const lookup = usePolling(
    () => (form.destination ? answer(api.GET('/v1/directory', { params: { query } })) : Promise.resolve(undefined)),
    `directory-${JSON.stringify(query)}`,
    0,
  );
  const matches: Match[] = (lookup.data?.matches ?? []).filter((m) => m.node !== node);

  return (
    <>
      <FormGroup fieldId={fieldId('destination')} label={t('recipient.destination')} isRequired>
        <FormSelect
          id={fieldId('destination')}
          value={form.destination}
          onChange={(_e, v) => change({ destination: v, recipient: '', recipientTitle: '' })}
          validated={stateOf(problems, 'destination')}
          aria-describedby={`${fieldId('destination')}-help`}
        >
          <FormSelectOption value="" label={t('choose')} isPlaceholder />
          {countries.map((c) => (
            <FormSelectOption key={c} value={c} label={names.country(c)} />
          ))}
        </FormSelect>
        <FieldHelp problems={problems} field="destination" hint={t('recipient.destinationHint')} />
      </FormGroup>
      {known.error !== undefined && <LoadFailed error={known.error} />}
      {form.destination && !unlinked && (
        <FormGroup role="radiogroup" fieldId={fieldId('recipient')} label={t('recipient.question')} isRequired isStack>
          <Content component="p">
            {t('recipient.rankedBy', {
              hasLanguage: form.languages[0] ? 'yes' : 'no',
              language: form.languages[0] ? names.language(form.languages[0]) : '',
              hasExploitation: form.exploitation[0] ? 'yes' : 'no',
              exploitation: code('exploitation', form.exploitation[0]),
            })}
          </Content>
          {lookup.error !== undefined && <LoadFailed error={lookup.error} />}
          {lookup.loading && !lookup.data ? (
            <Loading />
          ) : (
            <>
              <Content component="p" aria-live="polite">
                {t('recipient.found', { count: matches.length })}
              </Content>
              {matches.map((m) => (
                <Radio
                  key={m.address}
                  id={`${fieldId('recipient')}-${m.address}`}
                  name="recipient"
                  isChecked={form.recipient === m.address}
                  onChange={() => change({ recipient: m.address, recipientTitle: m.title })}
                  aria-describedby={`${fieldId('recipient')}-help`}
                  label={
                    <>
                      <strong>{m.title}</strong> — {m.organisation.name} ({m.address})
                      <RoleMarks status={m.status} unconfirmed={m.unconfirmed} />
                    </>
                  }
                  description={
                    <List aria-label={t('recipient.reasons', { role: m.title })}>
                      {m.because.map((r, i) => (
                        <ListItem key={i}>{reasonText(r)}</ListItem>
                      ))}
                    </List>
                  }
                />
              ))}
            </>
          )}
          <FieldHelp problems={problems} field="recipient" />
        </FormGroup>
      )}
    </>
  );
}
