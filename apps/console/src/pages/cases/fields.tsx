import { Checkbox, FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, Radio, TextInput } from '@patternfly/react-core';
import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useCodeLabel } from '../../components/CodeLabel';

/** The API's problem for a field, next to it (FormHelperText, variant error). */
export function Problem({ problem, id }: { problem: string | undefined; id?: string }) {
  if (!problem) return null;
  return (
    <FormHelperText>
      <HelperText id={id}>
        <HelperTextItem variant="error">{problem}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}

interface CodeFieldProps<T extends string> {
  label: string;
  list: string;
  codes: readonly T[];
  value: T | '';
  onChange: (value: T) => void;
  problem?: string;
  isRequired?: boolean;
}

/** One coded choice from a list, as a select whose options are the codes labelled in the reader's language. */
export function CodeSelect<T extends string>({ label, list, codes, value, onChange, problem, isRequired }: CodeFieldProps<T>) {
  const { t } = useTranslation('caseActions');
  const code = useCodeLabel();
  const id = useId();
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired}>
      <FormSelect
        id={id}
        value={value}
        onChange={(_e, v) => onChange(v as T)}
        validated={problem ? 'error' : 'default'}
        aria-describedby={problem ? `${id}-problem` : undefined}
      >
        <FormSelectOption value="" label={t('placeholder')} isPlaceholder isDisabled />
        {codes.map((c) => (
          <FormSelectOption key={c} value={c} label={code(list, c)} />
        ))}
      </FormSelect>
      <Problem problem={problem} id={`${id}-problem`} />
    </FormGroup>
  );
}

/** One coded choice as radio buttons, for short lists. */
export function CodeRadios<T extends string>({ label, list, codes, value, onChange, problem, isRequired }: CodeFieldProps<T>) {
  const code = useCodeLabel();
  const id = useId();
  return (
    <FormGroup role="radiogroup" isStack label={label} fieldId={id} isRequired={isRequired}>
      {codes.map((c) => (
        <Radio key={c} id={`${id}-${c}`} name={id} label={code(list, c)} isChecked={value === c} onChange={() => onChange(c)} />
      ))}
      <Problem problem={problem} />
    </FormGroup>
  );
}

/** Several codes of a list, each a checkbox. */
export function CodeChecks<T extends string>({
  label,
  list,
  codes,
  value,
  onChange,
  problem,
}: {
  label: string;
  list: string;
  codes: readonly T[];
  value: T[];
  onChange: (value: T[]) => void;
  problem?: string;
}) {
  const code = useCodeLabel();
  const id = useId();
  return (
    <FormGroup role="group" isStack label={label} fieldId={id}>
      {codes.map((c) => (
        <Checkbox
          key={c}
          id={`${id}-${c}`}
          label={code(list, c)}
          isChecked={value.includes(c)}
          onChange={(_e, checked) => onChange(checked ? [...value, c] : value.filter((v) => v !== c))}
        />
      ))}
      <Problem problem={problem} />
    </FormGroup>
  );
}

/** A role address chosen from a given list (this node's roles of the case, or the partner's role). */
export function RoleSelect({
  label,
  roles,
  value,
  onChange,
  problem,
}: {
  label: string;
  roles: string[];
  value: string;
  onChange: (v: string) => void;
  problem?: string;
}) {
  const { t } = useTranslation('caseActions');
  const id = useId();
  return (
    <FormGroup label={label} fieldId={id} isRequired>
      <FormSelect id={id} value={value} onChange={(_e, v) => onChange(v)} validated={problem ? 'error' : 'default'}>
        <FormSelectOption value="" label={t('placeholder')} isPlaceholder isDisabled />
        {roles.map((r) => (
          <FormSelectOption key={r} value={r} label={r} />
        ))}
      </FormSelect>
      <Problem problem={problem} />
    </FormGroup>
  );
}

/** A date, a time or a number: an input of that type with its label and problem. */
export function InputField({
  label,
  type,
  value,
  onChange,
  problem,
  isRequired,
  help,
}: {
  label: string;
  type: 'date' | 'time' | 'datetime-local' | 'number' | 'text';
  value: string;
  onChange: (v: string) => void;
  problem?: string;
  isRequired?: boolean;
  help?: ReactNode;
}) {
  const id = useId();
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired}>
      <TextInput id={id} type={type} value={value} onChange={(_e, v) => onChange(v)} validated={problem ? 'error' : 'default'} isRequired={isRequired} />
      {help && !problem && (
        <FormHelperText>
          <HelperText>
            <HelperTextItem>{help}</HelperTextItem>
          </HelperText>
        </FormHelperText>
      )}
      <Problem problem={problem} />
    </FormGroup>
  );
}

/** A yes/no question as a checkbox. */
export function CheckField({ label, value, onChange, problem }: { label: string; value: boolean; onChange: (v: boolean) => void; problem?: string }) {
  const id = useId();
  return (
    <FormGroup fieldId={id}>
      <Checkbox id={id} label={label} isChecked={value} onChange={(_e, v) => onChange(v)} />
      <Problem problem={problem} />
    </FormGroup>
  );
}
