import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { StaffContact, personalChannels, staffContactsIn } from './channels';
import { Directory, rolesOf } from '../config/directory';
import { sampleStaffName } from '../registry/seed';

const person = (name: string, email: string | null = null, phone: string | null = null): StaffContact => ({ name, email, phone });
const role = (mailbox?: string, phone?: string) => ({ address: 'RS/cptv/desk', channels: { ...(mailbox ? { mailbox } : {}), ...(phone ? { phone } : {}) } });

describe('a role channel that is a member of staff’s own', () => {
  const staff = [person('Marija Petrović', 'Marija.Petrovic@cptv.example', '+381 64 123 4567')];

  it('is the same e-mail whatever its case and surrounding spaces', () => {
    expect(staffContactsIn({ mailbox: '  marija.petrovic@CPTV.example ' }, staff)).toEqual(['mailbox']);
    expect(staffContactsIn({ mailbox: 'marija.petrovic@astra.example' }, staff)).toEqual([]);
  });

  it('is the same phone by its digits, written with or without + and separators', () => {
    expect(staffContactsIn({ phone: '381 (64) 123-45-67' }, staff)).toEqual(['phone']);
    expect(staffContactsIn({ phone: '+381641234567', mailbox: 'MARIJA.PETROVIC@cptv.example' }, staff)).toEqual(['mailbox', 'phone']);
    expect(staffContactsIn({ phone: '+381 64 123 4568' }, staff)).toEqual([]);
  });

  it('is the same phone with the international prefix 00 as with +', () => {
    expect(staffContactsIn({ phone: '00381 64 123 4567' }, staff)).toEqual(['phone']);
    expect(staffContactsIn({ phone: '+381 64 000 1234' }, [person('B', null, '00381 64 000 1234')])).toEqual(['phone']);
    // A single 0 is a national trunk prefix, not an international one.
    expect(staffContactsIn({ phone: '0381 64 123 4567' }, staff)).toEqual([]);
  });

  it('never matches a phone without digits, nor a person without contacts', () => {
    expect(staffContactsIn({ phone: '(office)' }, [person('A', null, '(mobile)')])).toEqual([]);
    expect(staffContactsIn({ mailbox: 'desk@cptv.example', phone: '+381 11 000 0001' }, [person('Without contacts')])).toEqual([]);
    expect(staffContactsIn(null, staff)).toEqual([]);
  });
});

describe('published channels that look personal', () => {
  const staff = [
    person('Marija Petrović'),
    person('Nikola Đorđević', 'nikola@home.example', '+381 63 000 0009'),
    person('Sample staff, RS/cptv/intake (fictional)'),
  ];
  const reasons = (mailbox?: string, phone?: string) => personalChannels([role(mailbox, phone)], staff).map((c) => `${c.channel} ${c.reason}`);

  it("flags a mailbox holding a staff member's name, without case or diacritics", () => {
    expect(reasons('petrovic@cptv.example')).toEqual(['mailbox staff-name']);
    expect(reasons('desk-Marija@cptv.example')).toEqual(['mailbox staff-name']);
    expect(reasons('djordjevic+trm@cptv.example')).toEqual(['mailbox staff-name']);
  });

  it('flags a mailbox shaped like given.family even for nobody of the registry, unless a word is functional', () => {
    expect(reasons('jana.novak@cptv.example')).toEqual(['mailbox name-like']);
    expect(reasons('j_novak@cptv.example')).toEqual(['mailbox name-like']);
    expect(reasons('return.support@cptv.example')).toEqual([]);
    expect(reasons('intake_desk@cptv.example')).toEqual([]);
    expect(reasons('jana-novak@cptv.example')).toEqual([]);
  });

  it("flags a channel that is a staff member's own e-mail or phone as such", () => {
    expect(reasons('Nikola@home.example', '381630000009')).toEqual(['mailbox staff-contact', 'phone staff-contact']);
  });

  it("leaves functional words and name parts under three letters alone, and reads Jean-Luc O'Brien in parts", () => {
    expect(reasons('intake@cptv.example', '+381 11 000 0001')).toEqual([]);
    expect(personalChannels([role('li-wu@cptv.example')], [person('Li Wu')])).toEqual([]);
    expect(personalChannels([role('luc@cptv.example'), role('brien@cptv.example')], [person("Jean-Luc O'Brien")]).map((c) => c.reason)).toEqual([
      'staff-name',
      'staff-name',
    ]);
  });

  it('flags no channel of the sample directories, staffed as the seed staffs them', () => {
    const dir = join(__dirname, '../../../../config/directory');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const roles = rolesOf(parse(readFileSync(join(dir, file), 'utf8')) as Directory);
      const people = roles.filter(({ role }) => role.status === 'active').map(({ address }) => person(sampleStaffName(address)));
      expect({
        file,
        flagged: personalChannels(
          roles.map(({ address, role }) => ({ address, channels: role.channels ?? null })),
          people,
        ),
      }).toEqual({ file, flagged: [] });
    }
  });
});
