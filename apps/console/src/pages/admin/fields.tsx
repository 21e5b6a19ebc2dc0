import { FormGroup, FormHelperText, HelperText, HelperTextItem, Radio, TextInput } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';

/** A labelled text field with the API's problem for it underneath. */
export function Field(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  problem?: string;
  required?: boolean;
  type?: 'text' | 'email' | 'tel' | 'datetime-local';
  hint?: string;
}) {
  return (
    <FormGroup label={props.label} fieldId={props.id} isRequired={props.required}>
      <TextInput
        id={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        onChange={(_e, v) => props.onChange(v)}
        validated={props.problem ? 'error' : 'default'}
        isRequired={props.required}
        aria-describedby={props.problem || props.hint ? `${props.id}-helper` : undefined}
      />
      {(props.problem || props.hint) && (
        <FormHelperText>
          <HelperText id={`${props.id}-helper`}>
            <HelperTextItem variant={props.problem ? 'error' : 'default'} screenReaderText="">
              {props.problem ?? props.hint}
            </HelperTextItem>
          </HelperText>
        </FormHelperText>
      )}
    </FormGroup>
  );
}

/** Who takes a role: a member of staff already known to the node (their id) or one to create now. */
export interface PersonChoice {
  mode: 'new' | 'existing';
  id: string;
  name: string;
  email: string;
  phone: string;
}
export const NO_PERSON: PersonChoice = { mode: 'new', id: '', name: '', email: '', phone: '' };

/**
 * The person fields. `field` is the API's name for the person in the role request (`person` or `to`); the problems of
 * creating the person come as `name`, `email`, `phone`.
 */
export function PersonFields({
  prefix,
  value,
  onChange,
  problems,
  field,
}: {
  prefix: string;
  value: PersonChoice;
  onChange: (v: PersonChoice) => void;
  problems: Record<string, string>;
  field: string;
}) {
  const { t } = useTranslation('admin');
  const set = (patch: Partial<PersonChoice>) => onChange({ ...value, ...patch });
  return (
    <>
      <FormGroup role="radiogroup" isInline fieldId={`${prefix}-mode`} label={t('person.who')}>
        <Radio id={`${prefix}-new`} name={`${prefix}-mode`} label={t('person.new')} isChecked={value.mode === 'new'} onChange={() => set({ mode: 'new' })} />
        <Radio
          id={`${prefix}-existing`}
          name={`${prefix}-mode`}
          label={t('person.existing')}
          isChecked={value.mode === 'existing'}
          onChange={() => set({ mode: 'existing' })}
        />
      </FormGroup>
      {value.mode === 'new' ? (
        <>
          <Field id={`${prefix}-name`} label={t('person.name')} value={value.name} onChange={(name) => set({ name })} problem={problems.name} required />
          <Field
            id={`${prefix}-email`}
            type="email"
            label={t('person.email')}
            value={value.email}
            onChange={(email) => set({ email })}
            problem={problems.email}
            hint={t('person.ownContact')}
          />
          <Field
            id={`${prefix}-phone`}
            type="tel"
            label={t('person.phone')}
            value={value.phone}
            onChange={(phone) => set({ phone })}
            problem={problems.phone}
          />
        </>
      ) : (
        <Field id={`${prefix}-id`} label={t('person.id')} value={value.id} onChange={(id) => set({ id })} problem={problems[field]} required />
      )}
      {value.mode === 'new' && problems[field] && (
        <HelperText>
          <HelperTextItem variant="error" screenReaderText="">
            {problems[field]}
          </HelperTextItem>
        </HelperText>
      )}
    </>
  );
}
