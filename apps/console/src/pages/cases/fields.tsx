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

/** The id of a field's problem, and the aria-describedby that points at it (and at its help, when shown) — undefined when neither shows. */
const describedBy = (id: string, problem: string | undefined, help?: boolean) =>
  [problem ? `${id}-problem` : '', help && !problem ? `${id}-help` : ''].filter(Boolean).join(' ') || undefined;

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
        aria-describedby={describedBy(id, problem)}
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
    <FormGroup role="radiogroup" isStack label={label} fieldId={id} isRequired={isRequired} aria-describedby={describedBy(id, problem)}>
      {codes.map((c) => (
        <Radio key={c} id={`${id}-${c}`} name={id} label={code(list, c)} isChecked={value === c} onChange={() => onChange(c)} isValid={!problem} />
      ))}
      <Problem problem={problem} id={`${id}-problem`} />
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
    <FormGroup role="group" isStack label={label} fieldId={id} aria-describedby={describedBy(id, problem)}>
      {codes.map((c) => (
        <Checkbox
          key={c}
          id={`${id}-${c}`}
          label={code(list, c)}
          isChecked={value.includes(c)}
          isValid={!problem}
          onChange={(_e, checked) => onChange(checked ? [...value, c] : value.filter((v) => v !== c))}
        />
      ))}
      <Problem problem={problem} id={`${id}-problem`} />
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
      <FormSelect id={id} value={value} onChange={(_e, v) => onChange(v)} validated={problem ? 'error' : 'default'} aria-describedby={describedBy(id, problem)}>
        <FormSelectOption value="" label={t('placeholder')} isPlaceholder isDisabled />
        {roles.map((r) => (
          <FormSelectOption key={r} value={r} label={r} />
        ))}
      </FormSelect>
      <Problem problem={problem} id={`${id}-problem`} />
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
      <TextInput
        id={id}
        type={type}
        value={value}
        onChange={(_e, v) => onChange(v)}
        validated={problem ? 'error' : 'default'}
        isRequired={isRequired}
        aria-describedby={describedBy(id, problem, !!help)}
      />
      {help && !problem && (
        <FormHelperText>
          <HelperText id={`${id}-help`}>
            <HelperTextItem>{help}</HelperTextItem>
          </HelperText>
        </FormHelperText>
      )}
      <Problem problem={problem} id={`${id}-problem`} />
    </FormGroup>
  );
}

/** A yes/no question as a checkbox. */
export function CheckField({ label, value, onChange, problem }: { label: string; value: boolean; onChange: (v: boolean) => void; problem?: string }) {
  const id = useId();
  return (
    <FormGroup fieldId={id}>
      <Checkbox id={id} label={label} isChecked={value} onChange={(_e, v) => onChange(v)} isValid={!problem} aria-describedby={describedBy(id, problem)} />
      <Problem problem={problem} id={`${id}-problem`} />
    </FormGroup>
  );
}
