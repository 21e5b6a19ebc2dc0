import { Alert, Checkbox, Content, FormGroup, FormSelect, FormSelectOption, Label, Radio, TextInput } from '@patternfly/react-core';
import { AGE_GROUPS, COUNTRIES, EXPLOITATION_FORMS, LANGUAGES, NEEDS, PURPOSES, RISK_LEVELS, SEXES } from '@trm/wire/codes';
import { useMemo } from 'react';
import { useFormat } from '../../i18n/format';
import { useTranslation } from 'react-i18next';
import { useCodeLabel } from '../../components/CodeLabel';
import { DayInput, FieldHelp, stateOf } from './fields';
import { type HandoverForm, type Problems, type SealedForm, fieldId } from './form';

export interface StepProps {
  form: HandoverForm;
  change: (patch: Partial<HandoverForm>) => void;
  problems: Problems;
}

/** Names of countries and languages in the reader's language; a nationality may also be `unknown`. */
export function useNames() {
  const { t } = useTranslation('handover');
  const { country, language } = useFormat();
  return useMemo(() => ({ country: (code: string) => (code === 'unknown' ? t('facts.nationalityUnknown') : country(code)), language }), [country, language, t]);
}

const toggle = <T,>(list: T[], value: T, on: boolean): T[] => (on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value));

/** Languages people in this region most often speak; any other ISO 639-1 language can be added. */
const COMMON_LANGUAGES = ['sq', 'sr', 'mk', 'bs', 'hr', 'bg', 'ro', 'en', 'de', 'tr', 'ar', 'fa', 'ps', 'uk', 'ru'];

const describedBy = (field: string) => `${fieldId(field)}-help`;

/** Step 1: what the handover is for, and which of the sender's roles it goes out from. */
export function PurposeStep({ form, change, problems, senders }: StepProps & { senders: Array<{ address: string; title?: string }> }) {
  const { t } = useTranslation('handover');
  const code = useCodeLabel();
  return (
    <>
      <FormGroup role="radiogroup" fieldId={fieldId('body.purpose')} label={t('purpose.question')} isRequired isStack>
        {PURPOSES.map((p) => (
          <Radio
            key={p}
            id={`${fieldId('body.purpose')}-${p}`}
            name="purpose"
            label={code('purpose', p)}
            description={t(`purpose.hint.${p}`)}
            isChecked={form.purpose === p}
            onChange={() => change({ purpose: p })}
            aria-describedby={describedBy('body.purpose')}
          />
        ))}
        <FieldHelp problems={problems} field="body.purpose" />
      </FormGroup>
      <FormGroup role="radiogroup" fieldId={fieldId('sender')} label={t('purpose.sender')} isRequired isStack>
        {senders.length === 0 && <Alert variant="warning" isInline isPlain title={t('purpose.noSender')} />}
        {senders.map((s) => (
          <Radio
            key={s.address}
            id={`${fieldId('sender')}-${s.address}`}
            name="sender"
            label={s.title ? `${s.title} (${s.address})` : s.address}
            isChecked={form.sender === s.address}
            onChange={() => change({ sender: s.address })}
            aria-describedby={describedBy('sender')}
          />
        ))}
        <FieldHelp problems={problems} field="sender" hint={t('purpose.senderHint')} />
      </FormGroup>
    </>
  );
}

/** Step 2: the person's coded facts, exactly the body's fields. */
export function FactsStep({ form, change, problems }: StepProps) {
  const { t } = useTranslation('handover');
  const code = useCodeLabel();
  const names = useNames();
  const countries = useMemo(() => [...COUNTRIES].sort((a, b) => names.country(a).localeCompare(names.country(b))), [names]);
  const otherLanguages = useMemo(
    () => [...LANGUAGES].filter((l) => !COMMON_LANGUAGES.includes(l)).sort((a, b) => names.language(a).localeCompare(names.language(b))),
    [names],
  );
  const shownLanguages = [...COMMON_LANGUAGES, ...form.languages.filter((l) => !COMMON_LANGUAGES.includes(l))];

  return (
    <>
      <FormGroup role="radiogroup" fieldId={fieldId('body.person.ageGroup')} label={t('facts.ageGroup')} isRequired isStack>
        {AGE_GROUPS.map((a) => (
          <Radio
            key={a}
            id={`${fieldId('body.person.ageGroup')}-${a}`}
            name="ageGroup"
            label={code('ageGroup', a)}
            isChecked={form.ageGroup === a}
            onChange={() => change({ ageGroup: a })}
            aria-describedby={describedBy('body.person.ageGroup')}
          />
        ))}
        <FieldHelp problems={problems} field="body.person.ageGroup" hint={t('facts.ageGroupHint')} />
      </FormGroup>
      <FormGroup role="radiogroup" fieldId={fieldId('body.person.sex')} label={t('facts.sex')} isRequired isStack>
        {SEXES.map((s) => (
          <Radio
            key={s}
            id={`${fieldId('body.person.sex')}-${s}`}
            name="sex"
            label={code('sex', s)}
            isChecked={form.sex === s}
            onChange={() => change({ sex: s })}
            aria-describedby={describedBy('body.person.sex')}
          />
        ))}
        <FieldHelp problems={problems} field="body.person.sex" />
      </FormGroup>
      <FormGroup fieldId={fieldId('body.person.nationality')} label={t('facts.nationality')} isRequired>
        <FormSelect
          id={fieldId('body.person.nationality')}
          value={form.nationality}
          onChange={(_e, v) => change({ nationality: v, destination: form.destination || (COUNTRIES.has(v) ? v : '') })}
          validated={stateOf(problems, 'body.person.nationality')}
          aria-describedby={describedBy('body.person.nationality')}
        >
          <FormSelectOption value="" label={t('choose')} isPlaceholder />
          <FormSelectOption value="unknown" label={t('facts.nationalityUnknown')} />
          {countries.map((c) => (
            <FormSelectOption key={c} value={c} label={names.country(c)} />
          ))}
        </FormSelect>
        <FieldHelp problems={problems} field="body.person.nationality" />
      </FormGroup>
      <FormGroup role="group" fieldId={fieldId('body.person.languages')} label={t('facts.languages')} isStack>
        <div className="trm-columns">
          {shownLanguages.map((l) => (
            <Checkbox
              key={l}
              id={`${fieldId('body.person.languages')}-${l}`}
              label={names.language(l)}
              isChecked={form.languages.includes(l)}
              onChange={(_e, on) => change({ languages: toggle(form.languages, l, on) })}
              aria-describedby={describedBy('body.person.languages')}
            />
          ))}
        </div>
        <FormSelect
          id={`${fieldId('body.person.languages')}-more`}
          aria-label={t('facts.moreLanguages')}
          value=""
          onChange={(_e, v) => v && change({ languages: toggle(form.languages, v, true) })}
        >
          <FormSelectOption value="" label={t('facts.moreLanguages')} isPlaceholder />
          {otherLanguages.map((l) => (
            <FormSelectOption key={l} value={l} label={names.language(l)} isDisabled={form.languages.includes(l)} />
          ))}
        </FormSelect>
        <FieldHelp problems={problems} field="body.person.languages" hint={t('facts.languagesHint')} />
      </FormGroup>
      <FormGroup role="group" fieldId={fieldId('body.exploitation')} label={t('facts.exploitation')} isRequired isStack>
        <div className="trm-columns">
          {EXPLOITATION_FORMS.map((x) => (
            <Checkbox
              key={x}
              id={`${fieldId('body.exploitation')}-${x}`}
              label={code('exploitation', x)}
              isChecked={form.exploitation.includes(x)}
              onChange={(_e, on) => change({ exploitation: toggle(form.exploitation, x, on) })}
              aria-describedby={describedBy('body.exploitation')}
            />
          ))}
        </div>
        <FieldHelp problems={problems} field="body.exploitation" hint={t('facts.exploitationHint')} />
      </FormGroup>
      <FormGroup role="radiogroup" fieldId={fieldId('body.risk.level')} label={t('facts.riskLevel')} isRequired isStack>
        {RISK_LEVELS.map((r) => (
          <Radio
            key={r}
            id={`${fieldId('body.risk.level')}-${r}`}
            name="riskLevel"
            label={code('risk', r)}
            isChecked={form.riskLevel === r}
            onChange={() => change({ riskLevel: r })}
            aria-describedby={describedBy('body.risk.level')}
          />
        ))}
        <FieldHelp problems={problems} field="body.risk.level" />
      </FormGroup>
      <FormGroup fieldId={fieldId('body.risk.assessedAt')} label={t('facts.riskAssessedAt')} isRequired>
        <DayInput
          field="body.risk.assessedAt"
          label={t('facts.riskAssessedAt')}
          value={form.riskAssessedAt}
          onChange={(v) => change({ riskAssessedAt: v })}
          problems={problems}
        />
        <FieldHelp problems={problems} field="body.risk.assessedAt" />
      </FormGroup>
      <FormGroup role="group" fieldId={fieldId('body.needs')} label={t('facts.needs')} isStack>
        <div className="trm-columns">
          {NEEDS.map((n) => (
            <Checkbox
              key={n}
              id={`${fieldId('body.needs')}-${n}`}
              label={code('need', n)}
              isChecked={form.needs.includes(n)}
              onChange={(_e, on) => change({ needs: toggle(form.needs, n, on) })}
              aria-describedby={describedBy('body.needs')}
            />
          ))}
        </div>
        <FieldHelp problems={problems} field="body.needs" hint={t('facts.needsHint')} />
      </FormGroup>
      {form.purpose === 'return' && (
        <>
          <FormGroup fieldId={fieldId('body.plannedReturn.date')} label={t('facts.returnDate')} isRequired>
            <DayInput
              field="body.plannedReturn.date"
              label={t('facts.returnDate')}
              value={form.returnDate}
              onChange={(v) => change({ returnDate: v })}
              problems={problems}
            />
            <FieldHelp problems={problems} field="body.plannedReturn.date" hint={t('facts.returnDateHint')} />
          </FormGroup>
          <FormGroup role="radiogroup" fieldId={fieldId('body.plannedReturn.escort')} label={t('facts.escort')} isRequired isStack>
            {(['yes', 'no'] as const).map((v) => (
              <Radio
                key={v}
                id={`${fieldId('body.plannedReturn.escort')}-${v}`}
                name="escort"
                label={t(v)}
                isChecked={form.escort === v}
                onChange={() => change({ escort: v })}
                aria-describedby={describedBy('body.plannedReturn.escort')}
              />
            ))}
            <FieldHelp problems={problems} field="body.plannedReturn.escort" />
          </FormGroup>
        </>
      )}
    </>
  );
}

/** Step 3: consent — by the person, or by a guardian for a child — and what it covers. */
export function ConsentStep({ form, change, problems }: StepProps) {
  const { t } = useTranslation('handover');
  const code = useCodeLabel();
  const child = form.ageGroup === 'child';
  return (
    <>
      {child && <Alert variant="info" isInline title={t('consent.childNote')} />}
      <FormGroup role="radiogroup" fieldId={fieldId('body.consent.by')} label={t('consent.by')} isRequired isStack>
        {(['person', 'guardian'] as const).map((by) => (
          <Radio
            key={by}
            id={`${fieldId('body.consent.by')}-${by}`}
            name="consentBy"
            label={code('consentGiver', by)}
            isChecked={form.consentBy === by}
            isDisabled={child && by === 'person'}
            onChange={() => change({ consentBy: by })}
            aria-describedby={describedBy('body.consent.by')}
          />
        ))}
        <FieldHelp problems={problems} field="body.consent.by" />
      </FormGroup>
      <FormGroup role="radiogroup" fieldId={fieldId('body.consent.scope')} label={t('consent.scope')} isRequired isStack>
        <Radio
          id={`${fieldId('body.consent.scope')}-coded`}
          name="scope"
          label={code('consentScope', 'share-coded')}
          description={t('consent.scopeCoded')}
          isChecked={form.shareSealed === false}
          onChange={() => change({ shareSealed: false })}
          aria-describedby={describedBy('body.consent.scope')}
        />
        <Radio
          id={`${fieldId('body.consent.scope')}-sealed`}
          name="scope"
          label={t('consent.scopeSealedLabel', { coded: code('consentScope', 'share-coded'), sealed: code('consentScope', 'share-sealed') })}
          description={t('consent.scopeSealed')}
          isChecked={form.shareSealed === true}
          onChange={() => change({ shareSealed: true })}
          aria-describedby={describedBy('body.consent.scope')}
        />
        <FieldHelp problems={problems} field="body.consent.scope" />
      </FormGroup>
      <FormGroup fieldId={fieldId('body.consent.recordedAt')} label={t('consent.recordedAt')} isRequired>
        <div className="trm-inline">
          <DayInput
            field="body.consent.recordedAt"
            label={t('consent.recordedDay')}
            value={form.consentDate}
            onChange={(v) => change({ consentDate: v })}
            problems={problems}
          />
          <TextInput
            id={`${fieldId('body.consent.recordedAt')}-time`}
            type="time"
            aria-label={t('consent.recordedTime')}
            value={form.consentTime}
            onChange={(_e, v) => change({ consentTime: v })}
            validated={stateOf(problems, 'body.consent.recordedAt')}
            aria-describedby={describedBy('body.consent.recordedAt')}
          />
        </div>
        <FieldHelp problems={problems} field="body.consent.recordedAt" hint={t('consent.recordedAtHint')} />
      </FormGroup>
      <FormGroup fieldId={fieldId('body.consent.given')} label={t('consent.confirm')} isRequired>
        <Checkbox
          id={fieldId('body.consent.given')}
          label={t(child ? 'consent.givenGuardian' : 'consent.given')}
          isChecked={form.consentGiven}
          onChange={(_e, on) => change({ consentGiven: on })}
          aria-describedby={describedBy('body.consent.given')}
        />
        <FieldHelp problems={problems} field="body.consent.given" />
      </FormGroup>
    </>
  );
}

/** Step 5: the personal details that travel sealed (encrypted to the receiving node), all optional. */
export function SealedStep({ form, change, problems }: StepProps) {
  const { t } = useTranslation('handover');
  const names = useNames();
  const countries = useMemo(() => [...COUNTRIES].sort((a, b) => names.country(a).localeCompare(names.country(b))), [names]);
  const s = form.sealed;
  const set = (patch: Partial<SealedForm>) => change({ sealed: { ...s, ...patch } });
  const text = (key: keyof SealedForm, field: string, max: number, type: 'text' | 'tel' = 'text') => (
    <FormGroup key={field} fieldId={fieldId(field)} label={t(`sealed.${key}`)}>
      <TextInput
        id={fieldId(field)}
        type={type}
        value={s[key]}
        maxLength={max}
        autoComplete="off"
        onChange={(_e, v) => set({ [key]: v })}
        validated={stateOf(problems, field)}
        aria-describedby={describedBy(field)}
      />
      <FieldHelp problems={problems} field={field} />
    </FormGroup>
  );
  return (
    <>
      <Alert variant="info" isInline title={t('sealed.explainTitle')}>
        <Content component="p">{t('sealed.explain')}</Content>
      </Alert>
      <FieldHelp problems={problems} field="sealed" />
      {text('givenName', 'sealed.givenName', 100)}
      {text('familyName', 'sealed.familyName', 100)}
      <FormGroup fieldId={fieldId('sealed.dateOfBirth')} label={t('sealed.dateOfBirth')}>
        <DayInput
          field="sealed.dateOfBirth"
          label={t('sealed.dateOfBirth')}
          value={s.dateOfBirth}
          onChange={(v) => set({ dateOfBirth: v })}
          problems={problems}
        />
        <FieldHelp problems={problems} field="sealed.dateOfBirth" />
      </FormGroup>
      {text('placeOfBirth', 'sealed.placeOfBirth', 100)}
      {text('documentType', 'sealed.travelDocument.type', 40)}
      {text('documentNumber', 'sealed.travelDocument.number', 40)}
      <FormGroup fieldId={fieldId('sealed.travelDocument.issuer')} label={t('sealed.documentIssuer')}>
        <FormSelect
          id={fieldId('sealed.travelDocument.issuer')}
          value={s.documentIssuer}
          onChange={(_e, v) => set({ documentIssuer: v })}
          validated={stateOf(problems, 'sealed.travelDocument.issuer')}
          aria-describedby={describedBy('sealed.travelDocument.issuer')}
        >
          <FormSelectOption value="" label={t('sealed.none')} />
          {countries.map((c) => (
            <FormSelectOption key={c} value={c} label={names.country(c)} />
          ))}
        </FormSelect>
        <FieldHelp problems={problems} field="sealed.travelDocument.issuer" />
      </FormGroup>
      <FormGroup fieldId={fieldId('sealed.travelDocument.expires')} label={t('sealed.documentExpires')}>
        <DayInput
          field="sealed.travelDocument.expires"
          label={t('sealed.documentExpires')}
          value={s.documentExpires}
          onChange={(v) => set({ documentExpires: v })}
          problems={problems}
        />
        <FieldHelp problems={problems} field="sealed.travelDocument.expires" />
      </FormGroup>
      {text('phone', 'sealed.phone', 32, 'tel')}
    </>
  );
}

/** A vacant or unconfirmed role, marked as such next to its name. */
export function RoleMarks({ status, unconfirmed }: { status: string; unconfirmed: boolean }) {
  const { t } = useTranslation('handover');
  return (
    <>
      {status === 'vacant' && (
        <>
          {' '}
          <Label color="orange" isCompact>
            {t('recipient.vacant')}
          </Label>
        </>
      )}
      {unconfirmed && (
        <>
          {' '}
          <Label color="grey" isCompact>
            {t('recipient.unconfirmed')}
          </Label>
        </>
      )}
    </>
  );
}
