import { FormSelect, FormSelectOption } from '@patternfly/react-core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { chooseLanguage } from '../i18n';
import { LANGUAGES, type Language } from '../i18n/languages';

/** The language of the console, remembered for the next visit. Each language is named in itself. */
export function LanguageMenu() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <span className="trm-language">
      <label htmlFor={id} className="trm-language__label">
        {t('language.label')}
      </label>
      <FormSelect id={id} value={i18n.language} onChange={(_e, value) => void chooseLanguage(value as Language)}>
        {LANGUAGES.map((l) => (
          <FormSelectOption key={l.code} value={l.code} label={l.name} lang={l.code} />
        ))}
      </FormSelect>
    </span>
  );
}
