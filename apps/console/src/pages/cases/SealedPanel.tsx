import {
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
} from '@patternfly/react-core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Schemas, api } from '../../api/client';
import { answer } from '../../api/polling';
import { asRefusal } from '../../api/problems';
import { CodeLabel } from '../../components/CodeLabel';
import { useFormat } from '../../i18n/format';

/**
 * The sealed personal details, opened only when an allowed person presses the button (the API audits each opening).
 * They live in this component's state only: gone on "Hide" and when the page is left — never in the URL, the title,
 * storage or the console log.
 */
export function SealedPanel({ caseRef }: { caseRef: string }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const [opened, setOpened] = useState<Schemas['SealedDetails']>();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<number>();

  const open = async () => {
    setBusy(true);
    setFailed(undefined);
    try {
      const data = await answer(api.GET('/v1/cases/{caseRef}/sealed', { params: { path: { caseRef } } }));
      setOpened(data);
    } catch (error) {
      setFailed(asRefusal(error)?.statusCode ?? 0);
    } finally {
      setBusy(false);
    }
  };

  if (!opened)
    return (
      <>
        <Button variant="secondary" onClick={() => void open()} isLoading={busy} isDisabled={busy}>
          {t('sealed.show')}
        </Button>
        {failed !== undefined && (
          <Alert
            variant={failed === 404 || failed === 410 ? 'info' : 'danger'}
            isInline
            isPlain
            title={t(failed === 404 ? 'sealed.none' : failed === 410 ? 'sealed.purged' : failed === 403 ? 'sealed.forbidden' : 'sealed.failed')}
          />
        )}
      </>
    );

  const field = (label: string, value: string | undefined) =>
    value ? (
      <DescriptionListGroup>
        <DescriptionListTerm>{t(`sealed.field.${label}`)}</DescriptionListTerm>
        <DescriptionListDescription>{value}</DescriptionListDescription>
      </DescriptionListGroup>
    ) : null;

  return (
    <Card isCompact aria-label={t('sealed.title')}>
      <CardTitle>{t('sealed.title')}</CardTitle>
      <CardBody>
        <Alert variant="warning" isInline isPlain title={t('sealed.audited')} />
        {opened.items.map((item) => (
          <section key={item.message}>
            <p>
              {t(item.direction === 'in' ? 'sealed.receivedWith' : 'sealed.sentWith')} <CodeLabel list="messageType" value={item.type} />
            </p>
            <DescriptionList isHorizontal isCompact>
              {field('givenName', item.data.givenName)}
              {field('familyName', item.data.familyName)}
              {field('dateOfBirth', format.day(item.data.dateOfBirth))}
              {field('placeOfBirth', item.data.placeOfBirth)}
              {field('documentType', item.data.travelDocument?.type)}
              {field('documentNumber', item.data.travelDocument?.number)}
              {field('documentIssuer', item.data.travelDocument?.issuer)}
              {field('documentExpires', format.day(item.data.travelDocument?.expires))}
              {field('phone', item.data.phone)}
            </DescriptionList>
          </section>
        ))}
        <Button variant="primary" onClick={() => setOpened(undefined)}>
          {t('sealed.hide')}
        </Button>
      </CardBody>
    </Card>
  );
}
