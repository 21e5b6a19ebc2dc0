import { EmptyState, EmptyStateBody, PageSection } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <PageSection>
      <EmptyState headingLevel="h1" titleText={t('notFound.title')}>
        <EmptyStateBody>
          <Link to="/">{t('notFound.home')}</Link>
        </EmptyStateBody>
      </EmptyState>
    </PageSection>
  );
}
