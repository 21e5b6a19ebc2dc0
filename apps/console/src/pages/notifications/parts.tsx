import {
  Button,
  Content,
  EmptyState,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Label,
  Title,
  Toolbar,
  ToolbarContent,
} from '@patternfly/react-core';
import { InnerScrollContainer, Td } from '@patternfly/react-table';
import { type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Schemas } from '../../api/client';
import type { PolledList } from '../../api/polling';
import { asRefusal, refusalText } from '../../api/problems';
import { LoadFailed, Loading } from '../../components/Loading';
import { useFormat } from '../../i18n/format';

export type NoticeEvent = Schemas['MailNoticeView']['event'];
export type SendState = Schemas['MailNoticeView']['state'] | Schemas['WebhookDeliveryView']['state'];

/** How many of a list each request reads. */
export const PAGE = 50;

const STATE_COLOR = { pending: 'blue', sent: 'green', delivered: 'green', failed: 'red' } as const satisfies Record<SendState, string>;

/** "message.arrived" → "Message arrived". */
export function useEventLabel(): (event: NoticeEvent) => string {
  const { t } = useTranslation('notifications');
  return (event) => t(`event.${event.replace('.', '-')}`);
}

export const CaseLink = ({ caseRef }: { caseRef: string | null }) => {
  const { t } = useTranslation('notifications');
  return caseRef ? <Link to={`/cases/${encodeURIComponent(caseRef)}`}>{caseRef}</Link> : <>{t('none')}</>;
};

/** The state, and when it was sent or delivered. */
export const StateLabel = ({ state, at }: { state: SendState; at: string | null }) => {
  const { t } = useTranslation('notifications');
  const format = useFormat();
  return (
    <>
      <Label color={STATE_COLOR[state]} isCompact>
        {t(`state.${state}`)}
      </Label>
      {at && <div>{t('stateAt', { when: format.dateTime(at) })}</div>}
    </>
  );
};

/** A URL that may wrap after its slashes rather than widen the table. */
export const Url = ({ url }: { url: string }) => <code>{url.split(/(?<=\/)(?!\/)/).flatMap((part, i) => (i ? [<wbr key={i} />, part] : [part]))}</code>;

/** "2 tries", and when the next one is (only while it waits). */
export function Tries({ attempts, nextAttemptAt }: { attempts: number; nextAttemptAt: string | null }) {
  const { t } = useTranslation('notifications');
  const format = useFormat();
  return (
    <>
      <div>{t('attempts', { count: attempts })}</div>
      {nextAttemptAt && <div title={format.dateTime(nextAttemptAt)}>{t('nextTry', { when: format.fromNow(nextAttemptAt) })}</div>}
    </>
  );
}

/** A filter of a list by its state: all, or one of `states`. */
export function StateFilter({ states, value, onChange }: { states: SendState[]; value: string; onChange: (state: string) => void }) {
  const { t } = useTranslation('notifications');
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{t('filter.state')}</label>
      <FormSelect id={id} value={value} onChange={(_e, v) => onChange(v)}>
        <FormSelectOption value="" label={t('filter.allStates')} />
        {states.map((s) => (
          <FormSelectOption key={s} value={s} label={t(`state.${s}`)} />
        ))}
      </FormSelect>
    </>
  );
}

/**
 * One list of the page under its heading: its filters, then the table `children` draws of the items (or that there are
 * none), how many are shown, and "Load more" while the list goes on.
 */
export function ListSection<T>(props: {
  id: string;
  title: string;
  filtersLabel: string;
  filters: ReactNode;
  empty: string;
  list: PolledList<T>;
  children: (items: T[]) => ReactNode;
}) {
  const { t } = useTranslation('notifications');
  const { list } = props;
  const items = list.data?.items ?? [];
  return (
    <section aria-labelledby={props.id}>
      <Title headingLevel="h2" id={props.id}>
        {props.title}
      </Title>
      <Toolbar aria-label={props.filtersLabel}>
        <ToolbarContent>{props.filters}</ToolbarContent>
      </Toolbar>
      {list.error !== undefined && <LoadFailed error={list.error} />}
      {list.loading && !list.data ? (
        <Loading />
      ) : !items.length ? (
        <EmptyState headingLevel="h3" titleText={props.empty} />
      ) : (
        <>
          {/* Scrolls sideways rather than cutting off the last columns where the words are long. */}
          <InnerScrollContainer>{props.children(items)}</InnerScrollContainer>
          <Content component="p" aria-live="polite">
            {list.data?.next ? t('shownMore', { count: items.length }) : t('shownAll', { count: items.length })}
          </Content>
          {list.data?.next && (
            <Button variant="secondary" onClick={list.more}>
              {t('more')}
            </Button>
          )}
        </>
      )}
    </section>
  );
}

/**
 * The cell of "Send again" for a failed notice or webhook call (administrators of the whole node). When the node
 * refuses, its reason stays next to the button, also once the row has changed (someone else sent it again meanwhile).
 */
export function SendAgain({ failed, send, sent }: { failed: boolean; send: () => Promise<unknown>; sent: () => void }) {
  const { t } = useTranslation('notifications');
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<unknown>();
  const problemId = useId();
  const retry = async () => {
    setBusy(true);
    setRefused(undefined);
    try {
      await send();
      sent();
    } catch (error) {
      setRefused(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Td dataLabel={t('column.actions')}>
      {failed && (
        <Button
          variant="secondary"
          size="sm"
          isLoading={busy}
          isDisabled={busy}
          onClick={() => void retry()}
          aria-describedby={refused === undefined ? undefined : problemId}
        >
          {t('sendAgain')}
        </Button>
      )}
      {refused !== undefined && (
        <HelperText id={problemId} aria-live="polite">
          <HelperTextItem variant="error" screenReaderText="">
            {asRefusal(refused)?.statusCode === 409 ? t('refused.conflict', { reason: refusalText(refused) }) : t('refused.failed')}
          </HelperTextItem>
        </HelperText>
      )}
    </Td>
  );
}
