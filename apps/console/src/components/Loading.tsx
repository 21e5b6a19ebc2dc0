import { Alert, Bullseye, Spinner } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { asRefusal, refusalText } from '../api/problems';

/** What a page shows while its data comes, or when the API refused it. */
export function Loading() {
  const { t } = useTranslation();
  return (
    <Bullseye>
      <Spinner aria-label={t('loading')} />
    </Bullseye>
  );
}

export function LoadFailed({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const status = asRefusal(error)?.statusCode;
  const title = status === 403 ? t('refused.forbidden') : status === 404 ? t('refused.notFound') : t('refused.failed');
  return (
    <Alert variant="danger" isInline title={title}>
      {status === 403 || status === 404 ? null : refusalText(error)}
    </Alert>
  );
}
