import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MessageFormatElement, TYPE, parse } from '@formatjs/icu-messageformat-parser';
import * as codes from '../../../../libs/wire/src/codes';
import { MESSAGE_TYPES, REJECT_REASONS } from '../../../../libs/wire/src/profile';
import { RECEIPT_STATUSES } from '../../../../libs/wire/src/bodies/receipt';
import { ORGANISATION_KINDS, ROLE_STATUSES } from '../../../../libs/wire/src/bodies/registry-update';
import { CASE_CHANGE_FIELDS } from '../../../../libs/wire/src/bodies/case-messages';
import { CASE_STATES, Side } from '../../../gateway/src/cases/case-states';
import { MET_BY } from '../../../gateway/src/cases/expectation.entity';
import { HandoverStatus } from '../../../gateway/src/cases/dto/handover-view.dto';
import { APP_ROLES } from '../../../gateway/src/http/principal';
import { NOTICE_TYPES } from '../../../gateway/src/config/node-config';
import type { NoticeReason } from '../../../gateway/src/notifications/notice-event';
import { LANGUAGES as CONSOLE_LANGUAGES } from './languages';

/** The console's languages (i18next codes); `en` is the source every other language must match key for key. */
const LANGUAGES = CONSOLE_LANGUAGES.map((l) => l.code);
const LOCALES = join(__dirname, 'locales');

type Messages = { [key: string]: string | Messages };

const read = (lng: string, ns: string): Messages => JSON.parse(readFileSync(join(LOCALES, lng, `${ns}.json`), 'utf8')) as Messages;
const namespaces = (lng: string): string[] =>
  readdirSync(join(LOCALES, lng))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();

/** Every message of a namespace by its dotted key path. */
function flatten(messages: Messages, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else if (value && typeof value === 'object') for (const [k, v] of flatten(value, path)) out.set(k, v);
    else out.set(path, `<not a message: ${JSON.stringify(value)}>`);
  }
  return out;
}

/** Argument names a message uses (placeholders, plural and select arguments, tags), nested ones included. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.literal || e.type === TYPE.pound) continue;
    if (e.type === TYPE.tag) {
      into.add(`<${e.value}>`);
      argumentsOf(e.children, into);
      continue;
    }
    into.add(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) for (const o of Object.values(e.options)) argumentsOf(o.value, into);
  }
  return into;
}

/** Plural elements with the categories (not `=n`) they offer, nested ones included. */
function pluralsOf(elements: MessageFormatElement[], into: Array<{ arg: string; ordinal: boolean; categories: string[] }> = []) {
  for (const e of elements) {
    if (e.type === TYPE.tag) pluralsOf(e.children, into);
    if (e.type === TYPE.plural)
      into.push({ arg: e.value, ordinal: e.pluralType === 'ordinal', categories: Object.keys(e.options).filter((k) => !k.startsWith('=')) });
    if (e.type === TYPE.plural || e.type === TYPE.select) for (const o of Object.values(e.options)) pluralsOf(o.value, into);
  }
  return into;
}

const sorted = (s: Iterable<string>) => [...s].sort();

/** The values of `list` that English namespace `ns` gives no words (`<list>.<value>`). */
const unlabelled = (ns: string, list: string, values: readonly string[]) => {
  const labels = flatten(read('en', ns));
  return values.filter((v) => !labels.get(`${list}.${v}`)?.trim());
};

describe('console translations', () => {
  const source = namespaces('en');

  it('has the six languages and English source files', () => {
    expect(sorted(LANGUAGES)).toEqual(['de', 'en', 'mk', 'sq', 'sr-Cyrl', 'sr-Latn']);
    expect(source).toEqual(expect.arrayContaining(['codes', 'common']));
  });

  describe.each(LANGUAGES.filter((l) => l !== 'en'))('%s', (lng) => {
    it('has exactly the namespaces English has', () => {
      expect(namespaces(lng)).toEqual(source);
    });

    it.each(source)('%s has exactly the keys of English', (ns) => {
      const en = flatten(read('en', ns));
      const other = existsSync(join(LOCALES, lng, `${ns}.json`)) ? flatten(read(lng, ns)) : new Map<string, string>();
      const missing = sorted([...en.keys()].filter((k) => !other.has(k)));
      const extra = sorted([...other.keys()].filter((k) => !en.has(k)));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    });
  });

  describe.each(LANGUAGES)('%s', (lng) => {
    it.each(namespaces(lng))('%s: every message is ICU MessageFormat with the placeholders of English', (ns) => {
      const en = flatten(read('en', ns));
      const problems: string[] = [];
      const categories = {
        cardinal: new Intl.PluralRules(lng).resolvedOptions().pluralCategories,
        ordinal: new Intl.PluralRules(lng, { type: 'ordinal' }).resolvedOptions().pluralCategories,
      };
      for (const [key, message] of flatten(read(lng, ns))) {
        let ast: MessageFormatElement[];
        try {
          ast = parse(message, { requiresOtherClause: true });
        } catch (e) {
          problems.push(`${key}: not an ICU message (${(e as Error).message}): ${message}`);
          continue;
        }
        const english = en.get(key);
        if (english !== undefined && lng !== 'en') {
          const want = sorted(argumentsOf(parse(english)));
          const got = sorted(argumentsOf(ast));
          if (want.join() !== got.join()) problems.push(`${key}: placeholders [${got.join(', ')}], English has [${want.join(', ')}]`);
        }
        // Plurals by CLDR rules: each plural offers exactly the categories the language distinguishes.
        for (const p of pluralsOf(ast)) {
          const want = sorted(p.ordinal ? categories.ordinal : categories.cardinal);
          if (sorted(p.categories).join() !== want.join())
            problems.push(`${key}: plural {${p.arg}} has [${sorted(p.categories).join(', ')}], ${lng} needs [${want.join(', ')}]`);
        }
      }
      expect(problems).toEqual([]);
    });
  });

  describe('codes', () => {
    // Types only on the gateway's side: a Record makes the compiler name any value added there and missing here.
    const messageStatuses: Record<HandoverStatus, true> = { submitted: true, sent: true, delivered: true, rejected: true, undeliverable: true, received: true };
    const sides: Record<Side, true> = { referring: true, receiving: true };
    const dashed = (type: string) => type.replace(/\./g, '-');
    const LISTS: Record<string, readonly string[]> = {
      purpose: codes.PURPOSES,
      ageGroup: codes.AGE_GROUPS,
      sex: codes.SEXES,
      exploitation: codes.EXPLOITATION_FORMS,
      risk: codes.RISK_LEVELS,
      need: codes.NEEDS,
      consentGiver: codes.CONSENT_GIVERS,
      consentScope: codes.CONSENT_SCOPES,
      declineReason: codes.DECLINE_REASONS,
      infoTopic: codes.INFO_TOPICS,
      infoAnswerStatus: codes.INFO_ANSWER_STATUSES,
      documentStatus: codes.DOCUMENT_STATUSES,
      transportMode: codes.TRANSPORT_MODES,
      arrivalPointKind: codes.ARRIVAL_POINT_KINDS,
      missedArrivalReason: codes.MISSED_ARRIVAL_REASONS,
      reintegrationStatus: codes.REINTEGRATION_STATUSES,
      closeReason: codes.CLOSE_REASONS,
      caseChangeField: CASE_CHANGE_FIELDS,
      messageType: MESSAGE_TYPES.map(dashed),
      rejectReason: REJECT_REASONS,
      receiptStatus: RECEIPT_STATUSES,
      state: CASE_STATES,
      messageStatus: Object.keys(messageStatuses),
      deadlineKind: Object.keys(MET_BY),
      organisationKind: ORGANISATION_KINDS,
      roleStatus: ROLE_STATUSES,
      appRole: APP_ROLES,
      side: Object.keys(sides),
    };

    it.each(Object.entries(LISTS))('en labels every value of %s', (list, values) => {
      expect({ list, unlabelled: unlabelled('codes', list, values) }).toEqual({ list, unlabelled: [] });
    });
  });

  describe('notifications', () => {
    const reasons: Record<NoticeReason, true> = {
      addressed: true,
      fallback: true,
      successor: true,
      owes: true,
      coordinator: true,
      'handed-over': true,
      retired: true,
    };
    const LISTS: Record<string, readonly string[]> = { event: NOTICE_TYPES.map((t) => t.replace('.', '-')), reason: Object.keys(reasons) };

    it.each(Object.entries(LISTS))('en words every %s of a notice', (list, values) => {
      expect({ list, unlabelled: unlabelled('notifications', list, values) }).toEqual({ list, unlabelled: [] });
    });
  });
});
