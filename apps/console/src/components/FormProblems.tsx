import { Alert, List, ListItem } from '@patternfly/react-core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldProblems } from '../api/problems';

/** Each field's problem as the reader reads it, keyed by the API's field path (or the form's own name for a field). */
export type Problems = Record<string, string>;

/** The DOM id of a field's control, from its field path, so that an error summary can link to it. */
export const controlId = (form: string, field: string) => `${form}-${field.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/**
 * The API's problems (400) as sentences in the reader's language, the API's English words after them as detail:
 * what the browser could not check.
 */
export function useRefusedProblems(): (error: unknown) => Problems {
  const { t } = useTranslation('common');
  return (error) => Object.fromEntries(Object.entries(fieldProblems(error)).map(([field, problem]) => [field, t('form.notAccepted', { detail: problem })]));
}

/** Moves to a field: its control, or the first control inside it (a group of radios or checkboxes). */
function focus(id: string) {
  const el = document.getElementById(id);
  const control = el?.matches('input, select, textarea, button') ? el : el?.querySelector<HTMLElement>('input, select, textarea, button');
  control?.focus();
  control?.scrollIntoView({ block: 'center' });
}

/**
 * GOV.UK's error summary: "There is a problem", then each problem linking to its field (those `ids` knows; the
 * others as text). Takes the focus when its problems change (not on every render), so a screen reader hears it.
 */
export function ErrorSummary({ problems, ids, title }: { problems: Problems; ids: Record<string, string>; title?: string }) {
  const { t } = useTranslation('common');
  const entries = Object.entries(problems);
  const ref = useRef<HTMLDivElement>(null);
  const said = entries.map(([field, problem]) => `${field}:${problem}`).join('\n');
  useEffect(() => {
    if (said) ref.current?.focus();
  }, [said]);
  if (!entries.length) return null;
  return (
    <div tabIndex={-1} ref={ref} className="trm-error-summary">
      <Alert variant="danger" isInline title={title ?? t('form.summary')} component="h3">
        <List>
          {entries.map(([field, problem]) => (
            <ListItem key={field}>
              {ids[field] ? (
                <a
                  href={`#${ids[field]}`}
                  onClick={(e) => {
                    e.preventDefault();
                    focus(ids[field]);
                  }}
                >
                  {problem}
                </a>
              ) : (
                t('form.otherField', { field, problem })
              )}
            </ListItem>
          ))}
        </List>
      </Alert>
    </div>
  );
}
