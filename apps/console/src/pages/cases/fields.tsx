import { Checkbox, FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, Radio, TextInput } from '@patternfly/react-core';
import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useCodeLabel } from '../../components/CodeLabel';
import { DayField, TimeField } from '../../components/DateFields';

/** The control's id: the one given (an error summary links to it), else a fresh one. */
const useControlId = (given?: string) => {
  const made = useId();
  return given ?? made;
};

/** A field's problem (the form's own check, or the API's refusal), next to it (FormHelperText, variant error). */
export function Problem({ problem, id }: { problem: string | undefined; id?: string }) {
  if (!problem) return null;
  return (
    <FormHelperText>
      <HelperText id={id}>
        <HelperTextItem variant="error" screenReaderText="">
          {problem}
        </HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}

/** Below a field: its problem when it has one, else its help (the ids `describedBy` points at). */
function HelpOrProblem({ id, help, problem }: { id: string; help?: ReactNode; problem?: string }) {
  if (problem || !help) return <Problem problem={problem} id={`${id}-problem`} />;
  return (
    <FormHelperText>
      <HelperText id={`${id}-help`}>
        <HelperTextItem>{help}</HelperTextItem>
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
  id?: string;
}

/** One coded choice from a list, as a select whose options are the codes labelled in the reader's language. */
export function CodeSelect<T extends string>({ label, list, codes, value, onChange, problem, isRequired, id: given }: CodeFieldProps<T>) {
  const { t } = useTranslation('caseActions');
  const code = useCodeLabel();
  const id = useControlId(given);
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
export function CodeRadios<T extends string>({ label, list, codes, value, onChange, problem, isRequired, id: given }: CodeFieldProps<T>) {
  const code = useCodeLabel();
  const id = useControlId(given);
  return (
    <FormGroup role="radiogroup" id={id} isStack label={label} fieldId={id} isRequired={isRequired} aria-describedby={describedBy(id, problem)}>
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
  isRequired,
  id: given,
}: {
  label: string;
  list: string;
  codes: readonly T[];
  value: T[];
  onChange: (value: T[]) => void;
  problem?: string;
  isRequired?: boolean;
  id?: string;
}) {
  const code = useCodeLabel();
  const id = useControlId(given);
  return (
    <FormGroup role="group" id={id} isStack label={label} fieldId={id} isRequired={isRequired} aria-describedby={describedBy(id, problem)}>
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
  id: given,
}: {
  label: string;
  roles: string[];
  value: string;
  onChange: (v: string) => void;
  problem?: string;
  id?: string;
}) {
  const { t } = useTranslation('caseActions');
  const id = useControlId(given);
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

/** A number or a text: an input of that type with its label and problem. */
export function InputField({
  label,
  type,
  value,
  onChange,
  problem,
  isRequired,
  help,
  id: given,
}: {
  label: string;
  type: 'number' | 'text';
  value: string;
  onChange: (v: string) => void;
  problem?: string;
  isRequired?: boolean;
  help?: ReactNode;
  id?: string;
}) {
  const id = useControlId(given);
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
      <HelpOrProblem id={id} help={help} problem={problem} />
    </FormGroup>
  );
}

/** A yes/no question as a checkbox. */
export function CheckField({
  label,
  value,
  onChange,
  problem,
  id: given,
}: {
  label: string;
  value: boolean;
  onChange: (v: boolean) => void;
  problem?: string;
  id?: string;
}) {
  const id = useControlId(given);
  return (
    <FormGroup fieldId={id}>
      <Checkbox id={id} label={label} isChecked={value} onChange={(_e, v) => onChange(v)} isValid={!problem} aria-describedby={describedBy(id, problem)} />
      <Problem problem={problem} id={`${id}-problem`} />
    </FormGroup>
  );
}

/** A day (YYYY-MM-DD) or a time (HH:MM), with PatternFly's pickers in the reader's language, its label, help and problem. */
export function WhenField({
  label,
  kind,
  value,
  onChange,
  problem,
  isRequired,
  help,
  id: given,
}: {
  label: string;
  kind: 'day' | 'time';
  value: string;
  onChange: (v: string) => void;
  problem?: string;
  isRequired?: boolean;
  help?: ReactNode;
  id?: string;
}) {
  const id = useControlId(given);
  const described = describedBy(id, problem, !!help);
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired}>
      {kind === 'day' ? (
        <DayField id={id} label={label} value={value} onChange={onChange} invalid={!!problem} describedBy={described} />
      ) : (
        <TimeField id={id} label={label} onChange={onChange} invalid={!!problem} describedBy={described} />
      )}
      <HelpOrProblem id={id} help={help} problem={problem} />
    </FormGroup>
  );
}
