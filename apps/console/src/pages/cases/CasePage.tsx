import {
  Alert,
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Grid,
  GridItem,
  Label,
  PageSection,
  Title,
} from '@patternfly/react-core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { type Schemas, api } from '../../api/client';
import { answer, usePolling } from '../../api/polling';
import { asRefusal } from '../../api/problems';
import { CodeLabel } from '../../components/CodeLabel';
import { LoadFailed, Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';
import { hasRole, useSession } from '../../session/session';
import { CaseActions } from './CaseActions';
import { CaseTimeline } from './CaseTimeline';
import { SealedPanel } from './SealedPanel';
import { readTimeline } from './timeline';

/** A case: its state and facts, the timeline of both nodes (live), what the caller may do now, and its sealed details. */
export function CasePage() {
  const { t } = useTranslation('cases');
  const { caseRef = '' } = useParams();
  const session = useSession();
  const polled = usePolling(() => answer(api.GET('/v1/cases/{caseRef}', { params: { path: { caseRef } } })), `case-${caseRef}`);
  const status = asRefusal(polled.error)?.statusCode;

  // Never the case's data once the API refuses: a 403 or 404 reads the same, "You do not have access".
  if (status === 403 || status === 404)
    return (
      <PageSection>
        <Title headingLevel="h1">{t('case.title', { caseRef })}</Title>
        <Alert variant="danger" isInline title={t('case.noAccess')} />
      </PageSection>
    );
  const view = polled.data;
  return (
    <PageSection>
      <Title headingLevel="h1">{t('case.title', { caseRef })}</Title>
      {polled.error !== undefined && <LoadFailed error={polled.error} />}
      {!view ? (
        polled.loading && <Loading />
      ) : (
        <CaseBody view={view} reload={polled.reload} metadataOnly={hasRole(session, 'auditor') && !hasRole(session, 'caseworker', 'coordinator')} />
      )}
    </PageSection>
  );
}

function CaseBody({ view, reload, metadataOnly }: { view: Schemas['CaseView']; reload: () => void; metadataOnly: boolean }) {
  const { t } = useTranslation('cases');
  const lines = readTimeline(view.timeline);
  const maySeeSealed = !metadataOnly && view.actions.includes('openSealed');
  return (
    <Grid hasGutter>
      <GridItem md={5}>
        <CaseFacts view={view} />
      </GridItem>
      <GridItem md={7}>
        {!metadataOnly && (
          <Card isCompact>
            <CardTitle component="h2">{t('case.actions')}</CardTitle>
            <CardBody>
              <CaseActions view={view} lines={lines} onChanged={reload} />
            </CardBody>
          </Card>
        )}
        {maySeeSealed && (
          <Card isCompact>
            <CardTitle component="h2">{t('sealed.heading')}</CardTitle>
            <CardBody>
              <SealedPanel caseRef={view.caseRef} />
            </CardBody>
          </Card>
        )}
      </GridItem>
      <GridItem span={12}>
        <Title headingLevel="h2">{t('timeline.title')}</Title>
        <CaseTimeline lines={lines} />
      </GridItem>
    </Grid>
  );
}

function CaseFacts({ view }: { view: Schemas['CaseView'] }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const row = (term: string, value: ReactNode) => (
    <DescriptionListGroup>
      <DescriptionListTerm>{t(`fact.${term}`)}</DescriptionListTerm>
      <DescriptionListDescription>{value}</DescriptionListDescription>
    </DescriptionListGroup>
  );
  const consent = view.consent;
  return (
    <Card isCompact>
      <CardTitle component="h2">{t('case.facts')}</CardTitle>
      <CardBody>
        <DescriptionList isCompact isHorizontal>
          {row(
            'state',
            <>
              <Label color={view.state === 'arrival-missed' ? 'red' : 'blue'}>
                <CodeLabel list="state" value={view.state} />
              </Label>{' '}
              {t('fact.since', { time: format.dateTime(view.stateChangedAt) })}
            </>,
          )}
          {row('purpose', view.purpose ? <CodeLabel list="purpose" value={view.purpose} /> : t('fact.purged'))}
          {row('side', <CodeLabel list="side" value={view.side} />)}
          {row('partner', view.partner)}
          {row('ourRole', view.ourRole)}
          {row('partnerRole', view.partnerRole)}
          {row('participants', view.participants.length ? view.participants.join(', ') : t('fact.noParticipants'))}
          {row(
            'consent',
            consent ? (
              <>
                <div>
                  {t('fact.consentBy')} <CodeLabel list="consentGiver" value={consent.by} />
                </div>
                <div>
                  {consent.scope.map((s) => (
                    <Label key={s} isCompact>
                      <CodeLabel list="consentScope" value={s} />
                    </Label>
                  ))}
                </div>
                {consent.withdrawnAt && (
                  <div>
                    {t('fact.withdrawn', { time: format.dateTime(consent.withdrawnAt) })}{' '}
                    {(consent.withdrawnScope ?? []).map((s) => (
                      <Label key={s} isCompact color="red">
                        <CodeLabel list="consentScope" value={s} />
                      </Label>
                    ))}
                  </div>
                )}
              </>
            ) : (
              t('fact.noConsent')
            ),
          )}
          {view.purgedAt && row('purgedAt', format.dateTime(view.purgedAt))}
        </DescriptionList>
      </CardBody>
    </Card>
  );
}
