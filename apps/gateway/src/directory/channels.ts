import { RoleChannels } from '@trm/wire';

/**
 * Functional channels stay functional: a role's mailbox and phone go to every partner, which keeps them for its
 * message-log period, so they must never be a member of staff's own. The rules that compare the two, in one place.
 */

export type ChannelKind = 'mailbox' | 'phone';

/** What the registry knows of a person's own contacts and name. */
export interface StaffContact {
  name: string;
  email: string | null;
  phone: string | null;
}

/**
 * Why a published channel looks personal: it is a member of staff's e-mail or phone (`staff-contact`), its mailbox's
 * local part holds a staff member's name (`staff-name`), or has the shape of a name, `given.family` (`name-like`).
 */
export type PersonalReason = 'staff-contact' | 'staff-name' | 'name-like';

export interface PersonalChannel {
  role: string;
  channel: ChannelKind;
  reason: PersonalReason;
}

/** Words a functional mailbox is made of: never read as a person's name. */
const FUNCTIONAL_WORDS = new Set([
  'office',
  'info',
  'intake',
  'duty',
  'desk',
  'team',
  'staff',
  'support',
  'return',
  'case',
  'cases',
  'help',
  'helpline',
  'hotline',
  'contact',
  'coordination',
  'shelter',
  'reintegration',
  'referral',
  'assistance',
  'protection',
  'admin',
  'mail',
  'secretariat',
  'service',
  'centre',
  'center',
  'unit',
]);

/** Lowercase, without diacritics (Petrović: petrovic; Đorđević: djordjevic). */
const fold = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/đ/g, 'dj');

/** E-mail addresses and mailboxes compare trimmed and case-insensitively. */
const mailboxKey = (value: string): string => value.trim().toLowerCase();
/**
 * Phones compare by their digits alone (spaces, dashes, brackets and a leading + do not count), an international
 * prefix 00 being the same as + (00381 is +381).
 */
const phoneKey = (value: string): string => value.replace(/\D/g, '').replace(/^00/, '');

/** The channels of a role that are the personal e-mail or phone of one of `people` (a phone without digits is nobody's). */
export function staffContactsIn(channels: RoleChannels | null | undefined, people: Array<Pick<StaffContact, 'email' | 'phone'>>): ChannelKind[] {
  const kinds: ChannelKind[] = [];
  const mailbox = channels?.mailbox && mailboxKey(channels.mailbox);
  const phone = channels?.phone && phoneKey(channels.phone);
  if (mailbox && people.some((p) => p.email && mailboxKey(p.email) === mailbox)) kinds.push('mailbox');
  if (phone && people.some((p) => p.phone && phoneKey(p.phone) === phone)) kinds.push('phone');
  return kinds;
}

/**
 * The parts of a person's name that could stand in a mailbox: of its words (Jean-Luc and O'Brien in two parts; a word
 * that is not letters, such as an address, not at all), those of three letters or more that are not functional.
 */
function nameWords(name: string): string[] {
  return fold(name)
    .split(/\s+/)
    .map((w) => w.replace(/^\P{L}+|\P{L}+$/gu, ''))
    .filter((w) => /^\p{L}+(?:['’-]\p{L}+)*$/u.test(w))
    .flatMap((w) => w.split(/['’-]/))
    .filter((w) => w.length >= 3 && !FUNCTIONAL_WORDS.has(w));
}

/** Why a mailbox looks like a person's, if it does. */
function personalMailbox(mailbox: string, staffWords: Set<string>): PersonalReason | null {
  const local = fold(mailbox.slice(0, mailbox.lastIndexOf('@')));
  if (local.split(/[._+-]+/).some((w) => staffWords.has(w))) return 'staff-name';
  const shape = /^(\p{L}+)[._](\p{L}+)$/u.exec(local);
  if (shape && !FUNCTIONAL_WORDS.has(shape[1]) && !FUNCTIONAL_WORDS.has(shape[2])) return 'name-like';
  return null;
}

/** The published channels of `roles` that look personal, each with its strongest reason. */
export function personalChannels(roles: Array<{ address: string; channels: RoleChannels | null }>, people: StaffContact[]): PersonalChannel[] {
  const staffWords = new Set(people.flatMap((p) => nameWords(p.name)));
  return roles.flatMap(({ address, channels }) => {
    const contacts = staffContactsIn(channels, people);
    const reasons: Array<[ChannelKind, PersonalReason | null]> = [
      ['mailbox', contacts.includes('mailbox') ? 'staff-contact' : channels?.mailbox ? personalMailbox(channels.mailbox, staffWords) : null],
      ['phone', contacts.includes('phone') ? 'staff-contact' : null],
    ];
    return reasons.flatMap(([channel, reason]) => (reason ? [{ role: address, channel, reason }] : []));
  });
}
