import { MESSAGE_TYPES } from '@trm/wire';
import { CANARY_NAME, CANARY_PERSON, leaksIn } from '../../../../../test/support/canaries';
import { MailNotice } from '../notice.entity';
import { MAIL_TEXTS } from './mail-languages';
import { composeMail, MailContext } from './notice-mail';

const NOW = new Date('2026-05-12T08:00:00Z');
const CASE = 'AT-2026-7F3K9Q';
const INTAKE = 'RS/cptv/intake';
const URGENT_SHELTER = 'RS/cptv/urgent-shelter';
const TRANSITION_HOUSE = 'RS/atina/transition-house';
const RETURN_SUPPORT = 'RS/astra/return-support';
const RETURNS = 'RS/astra/returns';
const COORDINATION = 'RS/cptv/coordination';
const TITLES: Record<string, string> = {
  [INTAKE]: 'Intake and assessment',
  [URGENT_SHELTER]: 'Urgent shelter',
  [TRANSITION_HOUSE]: 'Transition house',
  [RETURNS]: 'Returns',
};
/** 12:00 UTC: 14:00 in Belgrade (summer time). */
const DUE = new Date('2026-05-14T12:00:00Z');

const ctx = (change: Partial<MailContext> = {}): MailContext => ({
  node: 'RS',
  timeZone: 'Europe/Belgrade',
  consoleUrl: 'https://trm-rs.example/',
  roleTitle: (address) => TITLES[address] ?? null,
  now: NOW,
  ...change,
});

/** A notice of a handover request for RS's intake, as Notices records it; `change` makes it another. */
const notice = (change: Partial<MailNotice> = {}): MailNotice =>
  Object.assign(
    new MailNotice(),
    {
      id: '3f0c1a52-7d4e-4b8a-9c61-2a5e8f0d7b13',
      eventKey: 'message.arrived:6b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
      event: 'message.arrived',
      role: INTAKE,
      mailbox: 'intake@cptv.example',
      languages: ['en'],
      caseRef: CASE,
      messageId: '6b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
      messageType: 'handover.request',
      dueAt: null,
      detail: { reason: 'addressed', partner: 'AT' },
      createdAt: NOW,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: NOW,
      lastError: null,
      sentAt: null,
      mailId: null,
    },
    change,
  );
const deadlineNotice = (event: 'deadline.near' | 'deadline.missed', detail: MailNotice['detail'], change: Partial<MailNotice> = {}) =>
  notice({ event, eventKey: `${event}:1`, messageId: null, messageType: null, dueAt: DUE, detail, ...change });
const roleNotice = (role: string, reason: 'handed-over' | 'retired' | 'successor', kind: 'handover' | 'deactivation', languages = ['en']) =>
  notice({
    event: 'role.handed-over',
    eventKey: 'role.handed-over:1',
    role,
    languages,
    caseRef: null,
    messageId: null,
    messageType: null,
    detail: {
      reason,
      transfer: {
        id: '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70',
        kind,
        role: RETURN_SUPPORT,
        successor: kind === 'deactivation' ? RETURNS : null,
        openCases: 3,
        unansweredMessages: 2,
      },
    },
  });
const lines = (text: string) => text.split('\n');
/** The language sections of a mail, by their headings. */
const headings = (text: string) => lines(text).filter((l, i, all) => /^=+$/.test(all[i + 1] ?? ''));

describe('composeMail', () => {
  it('a message for the role addressed: what it is, for which role, the case, the partner, the deadline it owes and the link', () => {
    const mail = composeMail([notice({ dueAt: DUE, detail: { reason: 'addressed', partner: 'AT', deadline: { kind: 'acceptance', owedBy: 'us' } } })], ctx());
    expect(mail.subject).toBe(`[TRM RS] Handover request for RS/cptv/intake — case ${CASE}`);
    expect(mail.text).toBe(
      [
        'English',
        '=======',
        '',
        'A notice from TRM node RS for RS/cptv/intake (Intake and assessment).',
        '',
        `Handover request for RS/cptv/intake — case ${CASE}`,
        'Partner node: AT',
        'Deadline: Reply to the handover — 14 May 2026 at 14:00 (Europe/Belgrade)',
        'We owe the answer.',
        `Open in the console: https://trm-rs.example/cases/${CASE}`,
        '',
        'This mail holds no personal details. Cases are read in the console, after you sign in.',
        '',
      ].join('\n'),
    );
  });

  it('the same in German', () => {
    const mail = composeMail([notice({ languages: ['de'] })], ctx());
    expect(mail.subject).toBe(`[TRM RS] Übergabeanfrage für RS/cptv/intake — Fall ${CASE}`);
    expect(lines(mail.text)).toEqual(
      expect.arrayContaining(['Deutsch', 'Eine Benachrichtigung vom TRM-Knoten RS für RS/cptv/intake (Intake and assessment).', 'Partnerknoten: AT']),
    );
  });

  it('a message for a vacant role, to its fallback: names the vacant role and why this mailbox hears of it', () => {
    const fallback = notice({ role: TRANSITION_HOUSE, languages: ['sr', 'en'], detail: { reason: 'fallback', about: URGENT_SHELTER, partner: 'AT' } });
    const mail = composeMail([fallback], ctx());
    expect(mail.subject).toBe(`[TRM RS] Zahtev za preuzimanje slučaja za RS/cptv/urgent-shelter — slučaj ${CASE}`);
    expect(lines(mail.text)).toEqual(
      expect.arrayContaining([
        'Obaveštenje iz TRM čvora RS za RS/atina/transition-house (Transition house).',
        'RS/cptv/urgent-shelter (Urgent shelter) je nepopunjena; vaša uloga je njena zamena.',
        'RS/cptv/urgent-shelter (Urgent shelter) is vacant; you are its fallback.',
        `Handover request for RS/cptv/urgent-shelter — case ${CASE}`,
      ]),
    );
  });

  it('a message for a retired role, to its successor: names the retired role', () => {
    const mail = composeMail([notice({ role: RETURNS, languages: ['mk'], detail: { reason: 'successor', about: RETURN_SUPPORT, partner: 'AT' } })], ctx());
    expect(mail.subject).toBe(`[TRM RS] Барање за преземање на случај за RS/astra/return-support — случај ${CASE}`);
    expect(lines(mail.text)).toContain('RS/astra/return-support е угасена; вашата улога е нејзин наследник.');
    const english = composeMail([notice({ role: RETURNS, detail: { reason: 'successor', about: RETURN_SUPPORT } })], ctx());
    expect(lines(english.text)).toContain('RS/astra/return-support is retired; you are its successor.');
  });

  it('a deadline soon due: how soon in the subject, the deadline and who owes it in the text', () => {
    const near = (languages: string[]) =>
      composeMail(
        [deadlineNotice('deadline.near', { reason: 'owes', partner: 'AT', deadline: { kind: 'acceptance', owedBy: 'us' } }, { languages })],
        ctx({ now: new Date(DUE.getTime() - 12 * 3_600_000) }),
      );
    expect(near(['en']).subject).toBe(`[TRM RS] Deadline in 12 hours: Reply to the handover — case ${CASE}`);
    expect(lines(near(['en']).text)).toEqual(
      expect.arrayContaining(['Deadline: Reply to the handover — 14 May 2026 at 14:00 (Europe/Belgrade)', 'We owe the answer.', 'Partner node: AT']),
    );
    expect(near(['de']).subject).toBe(`[TRM RS] Frist in 12 Stunden: Antwort auf die Übergabe — Fall ${CASE}`);
    expect(lines(near(['de']).text)).toContain('Frist: Antwort auf die Übergabe — 14. Mai 2026 um 14:00 (Europe/Belgrade)');
  });

  it('how soon, in minutes, hours or days', () => {
    const subject = (msAhead: number) =>
      composeMail(
        [deadlineNotice('deadline.near', { reason: 'owes', deadline: { kind: 'arrival', owedBy: 'us' } })],
        ctx({ now: new Date(DUE.getTime() - msAhead) }),
      ).subject;
    expect(subject(40 * 60_000)).toBe(`[TRM RS] Deadline in 40 minutes: Arrival confirmation — case ${CASE}`);
    expect(subject(3 * 86_400_000)).toBe(`[TRM RS] Deadline in 3 days: Arrival confirmation — case ${CASE}`);
  });

  it("a missed deadline, to the node's coordinator: says it is told as coordinator, and that the partner owes it", () => {
    const missed = (languages: string[]) =>
      composeMail(
        [
          deadlineNotice(
            'deadline.missed',
            { reason: 'coordinator', partner: 'AT', deadline: { kind: 'acceptance', owedBy: 'partner' } },
            { role: COORDINATION, languages },
          ),
        ],
        ctx({ now: new Date(DUE.getTime() + 60_000) }),
      );
    expect(missed(['en']).subject).toBe(`[TRM RS] Deadline missed: Reply to the handover — case ${CASE}`);
    expect(lines(missed(['en']).text)).toEqual(expect.arrayContaining(['You get this as the coordinator of node RS.', 'The partner owes the answer.']));
    expect(missed(['sq']).subject).toBe(`[TRM RS] Afati u humb: Përgjigje për marrjen përsipër — rasti ${CASE}`);
    expect(lines(missed(['sq']).text)).toEqual(expect.arrayContaining(['E merrni këtë si koordinator i nyjës RS.', 'Partneri e ka detyrë përgjigjen.']));
  });

  it('a missed deadline, to the role that owed it: no coordinator line, we owe it', () => {
    const mail = composeMail([deadlineNotice('deadline.missed', { reason: 'owes', partner: 'AT', deadline: { kind: 'followup', owedBy: 'us' } })], ctx());
    expect(mail.subject).toBe(`[TRM RS] Deadline missed: Follow-up report — case ${CASE}`);
    expect(lines(mail.text)).toContain('We owe the answer.');
    expect(mail.text).not.toContain('coordinator');
  });

  it('a missed deadline for a vacant coordinator, to its fallback', () => {
    const mail = composeMail(
      [deadlineNotice('deadline.missed', { reason: 'fallback', about: COORDINATION, deadline: { kind: 'acceptance', owedBy: 'partner' } }, { role: INTAKE })],
      ctx(),
    );
    expect(lines(mail.text)).toContain('RS/cptv/coordination is vacant; you are its fallback.');
  });

  it('a role handed over: what stays with it, and a link to the directory', () => {
    const mail = composeMail([roleNotice(RETURN_SUPPORT, 'handed-over', 'handover')], ctx());
    expect(mail.subject).toBe('[TRM RS] Role RS/astra/return-support handed over');
    expect(lines(mail.text)).toEqual(
      expect.arrayContaining([
        'A notice from TRM node RS for RS/astra/return-support.',
        'Role RS/astra/return-support handed over',
        'The role has a new holder. Its open cases and the messages waiting for an answer stay with the role.',
        'Open cases: 3',
        'Messages waiting for an answer: 2',
        'Open in the console: https://trm-rs.example/directory',
      ]),
    );
    expect(mail.text).not.toContain('Successor');
    const serbian = composeMail([roleNotice(RETURN_SUPPORT, 'handed-over', 'handover', ['sr'])], ctx());
    expect(serbian.subject).toBe('[TRM RS] Uloga RS/astra/return-support je predata');
    expect(lines(serbian.text)).toEqual(expect.arrayContaining(['Otvoreni slučajevi: 3', 'Poruke koje čekaju odgovor: 2']));
  });

  it('a role retired: to its own mailbox, naming the successor; to the successor, saying the work is now its', () => {
    const retired = composeMail([roleNotice(RETURN_SUPPORT, 'retired', 'deactivation')], ctx());
    expect(retired.subject).toBe('[TRM RS] Role RS/astra/return-support retired');
    expect(lines(retired.text)).toEqual(
      expect.arrayContaining([
        'The role no longer takes messages. Its open cases and the messages waiting for an answer have passed to its successor.',
        'Successor: RS/astra/returns (Returns)',
        'Open cases: 3',
      ]),
    );
    const successor = composeMail([roleNotice(RETURNS, 'successor', 'deactivation', ['de'])], ctx());
    expect(successor.subject).toBe('[TRM RS] Rolle RS/astra/return-support aufgelöst');
    expect(lines(successor.text)).toEqual(
      expect.arrayContaining([
        'Eine Benachrichtigung vom TRM-Knoten RS für RS/astra/returns (Returns).',
        'RS/astra/return-support ist aufgelöst; Ihre Rolle ist die Nachfolge.',
        MAIL_TEXTS.de.why.inherited,
        'Offene Fälle: 3',
      ]),
    );
    expect(successor.text).not.toContain('Nachfolge: ');
  });

  it('a role working in Serbian and English: Serbian, then English; the subject in Serbian', () => {
    const mail = composeMail([notice({ languages: ['sr', 'en'] })], ctx());
    expect(headings(mail.text)).toEqual(['Srpski', 'English']);
    expect(mail.subject).toBe(`[TRM RS] Zahtev za preuzimanje slučaja za RS/cptv/intake — slučaj ${CASE}`);
    expect(mail.text.match(/^Open in the console: /gm)).toHaveLength(1);
    expect(mail.text.match(/^Otvorite u konzoli: /gm)).toHaveLength(1);
  });

  it('languages without texts: English; at most three languages, each once, in the role’s order', () => {
    expect(headings(composeMail([notice({ languages: ['fa', 'ar'] })], ctx()).text)).toEqual(['English']);
    expect(headings(composeMail([notice({ languages: [] })], ctx()).text)).toEqual(['English']);
    const many = composeMail([notice({ languages: ['fa', 'sq', 'sq', 'de', 'mk', 'en'] })], ctx());
    expect(headings(many.text)).toEqual(['Shqip', 'Deutsch', 'Македонски']);
    expect(many.subject).toBe(`[TRM RS] Kërkesë për marrjen përsipër të rastit për RS/cptv/intake — rasti ${CASE}`);
  });

  it('several notices in one mail: the subject says how many, the text lists each in each language', () => {
    const digest = [
      notice(),
      notice({ caseRef: 'AT-2026-2B8C4D', messageType: 'info.request' }),
      deadlineNotice('deadline.near', { reason: 'owes', partner: 'AT', deadline: { kind: 'arrival', owedBy: 'us' } }, { caseRef: 'AT-2026-9Z1X5W' }),
    ].map((n) => Object.assign(n, { languages: ['en', 'sr'] }));
    const mail = composeMail(digest, ctx());
    expect(mail.subject).toBe('[TRM RS] 3 notices for RS/cptv/intake');
    expect(lines(mail.text)).toEqual(
      expect.arrayContaining([
        '3 notices from TRM node RS for RS/cptv/intake (Intake and assessment):',
        `1. Handover request for RS/cptv/intake — case ${CASE}`,
        '2. Request for information for RS/cptv/intake — case AT-2026-2B8C4D',
        '3. Deadline in 2 days: Arrival confirmation — case AT-2026-9Z1X5W',
        '   Deadline: Arrival confirmation — 14 May 2026 at 14:00 (Europe/Belgrade)',
        '3 obaveštenja iz TRM čvora RS za RS/cptv/intake (Intake and assessment):',
        '2. Zahtev za informacije za RS/cptv/intake — slučaj AT-2026-2B8C4D',
      ]),
    );
    expect(mail.text.match(/^ {3}Open in the console: /gm)).toHaveLength(3);
    expect(mail.text.match(/^ {3}Otvorite u konzoli: /gm)).toHaveLength(3);
    expect(
      composeMail(
        digest.slice(0, 2).map((n) => Object.assign(n, { languages: ['sr'] })),
        ctx(),
      ).subject,
    ).toBe('[TRM RS] 2 obaveštenja za RS/cptv/intake');
  });

  it('counts notices as each language does: 21 takes the singular in Serbian, the plural in English', () => {
    const subject = (languages: string[]) =>
      composeMail(
        Array.from({ length: 21 }, () => notice({ languages })),
        ctx(),
      ).subject;
    expect(subject(['sr'])).toBe('[TRM RS] 21 obaveštenje za RS/cptv/intake');
    expect(subject(['en'])).toBe('[TRM RS] 21 notices for RS/cptv/intake');
  });

  it("a deadline is written in the node's time zone", () => {
    const at = (timeZone: string, languages = ['en']) =>
      lines(
        composeMail([deadlineNotice('deadline.missed', { reason: 'owes', deadline: { kind: 'arrival', owedBy: 'us' } }, { languages })], ctx({ timeZone }))
          .text,
      );
    expect(at('Europe/Belgrade')).toContain('Deadline: Arrival confirmation — 14 May 2026 at 14:00 (Europe/Belgrade)');
    expect(at('UTC')).toContain('Deadline: Arrival confirmation — 14 May 2026 at 12:00 (UTC)');
    expect(at('Europe/Belgrade', ['sr'])).toContain('Rok: Potvrda dolaska — 14. maj 2026. 14:00 (Europe/Belgrade)');
    expect(at('Europe/Belgrade', ['sq'])).toContain('Afati: Konfirmimi i mbërritjes — 14 maj 2026 në 14:00 (Europe/Belgrade)');
  });

  it.each(Object.entries(MAIL_TEXTS))('%s has words of its own for every message type and deadline kind', (language, t) => {
    for (const type of MESSAGE_TYPES) {
      expect(t.messageType[type]).toMatch(/\p{L}{2}/u);
      expect(composeMail([notice({ messageType: type, languages: [language] })], ctx()).subject).toContain(t.messageType[type]);
    }
    for (const kind of ['acceptance', 'arrival', 'followup'] as const) expect(t.deadlineKind[kind]).toMatch(/\p{L}{2}/u);
    expect(new Set(Object.values(t.messageType)).size).toBe(MESSAGE_TYPES.length);
  });

  it('says nothing of a notice but what it may: no detail it should not carry, no mailbox, ids or errors', () => {
    const canary = CANARY_NAME;
    const leaky = [
      notice({
        mailbox: `${CANARY_PERSON.familyName}@cptv.example`,
        lastError: canary,
        detail: { reason: 'addressed', partner: 'AT', note: canary } as MailNotice['detail'],
      }),
      roleNotice(RETURN_SUPPORT, 'handed-over', 'handover'),
    ];
    Object.assign(leaky[1].detail.transfer!, { fromPerson: canary, toPerson: CANARY_PERSON.phone });
    for (const languages of [['en'], ['de', 'sr', 'sq'], ['mk']]) {
      const mail = composeMail(
        leaky.map((n) => Object.assign(n, { languages })),
        ctx(),
      );
      for (const text of [mail.subject, mail.text]) {
        expect(leaksIn(text)).toEqual([]);
        for (const n of leaky) for (const id of [n.id, n.eventKey, n.messageId, n.detail.transfer?.id]) if (id) expect(text).not.toContain(id);
      }
      expect(mail.subject).not.toMatch(/[\r\n]/);
    }
  });
});
