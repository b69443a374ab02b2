/**
 * The reserved-name comparison (profile/nameSkeleton.ts, profile/reservedNames.ts): names that pass for a role or a
 * staff account by look-alike letters of any script are reserved; names people really have are neither reserved nor
 * changed. Each look-alike below is written with its code point, so what is tested is visible in review.
 */
import { latinWords, nameSkeleton } from '../../profile/nameSkeleton';
import { ReservedNames } from '../../profile/reservedNames';
import { ProfileService } from '../../profile/profileService';
import { SqliteStore } from '../../store/sqliteStore';

const STAFF = ['Sam Staffer', 'Łukasz Nowak', 'Đorđe Petrović', '李小龍', 'Zoë Ørsted'];
const reserved = new ReservedNames({ companyName: 'Acme Corp', staffNames: () => STAFF });

/** [what it is, the name]: every one passes for a role word or a staff account's name. */
const LOOK_ALIKES: [string, string][] = [
  ['dotless i (the tester)', 'Ada Adm\u0131n'],
  ['small capital U (the tester)', 'Sam S\u1d1cpervisor'],
  ['t with stroke (the tester)', 'Alex Agen\u0167'],
  ['small capitals', '\u1d00\u1d05\u1d0d\u026a\u0274'],
  ['small capital B', '\u0299ot'],
  ['small capital Y', 'S\u028fstem'],
  ['latin alpha', 'St\u0251ff'],
  ['o with stroke', 'B\u00f8t'],
  ['l with stroke', 'He\u0142pdesk'],
  ['d with stroke', 'A\u0111min'],
  ['t with hook', 'Agen\u01ad'],
  ['r with fishhook', 'Suppo\u027et'],
  ['script g', 'A\u0261ent'],
  ['h with stroke', '\u0127elpdesk'],
  ['b with stroke', '\u0180ot'],
  ['modifier letters', '\u1d2c\u1d48\u1d50\u2071\u207f'],
  ['a capital I inside a word', 'AdmIn'],
  ['full width', '\uff21\uff27\uff25\uff2e\uff34'],
  ['mathematical bold', '\u{1d400}\u{1d41d}\u{1d426}\u{1d422}\u{1d427}'],
  ['mathematical script', '\u{1d4ae}\u{1d4ca}\u{1d4c5}\u{1d4c5}\u{1d45c}\u{1d4c7}\u{1d4c9}'],
  ['circled', '\u24b6\u24d3\u24dc\u24d8\u24dd'],
  ['Cyrillic', '\u0405upport'],
  ['Cyrillic small letters', '\u0430dm\u0456n'],
  ['Greek capital eta', '\u0397ELPDESK'],
  ['Cherokee A', '\u13aadmin'],
  ['Lisu letters', '\ua4ee\ua4d3min'],
  ['Armenian o', 'B\u0585t'],
  ['long s', '\u017fupport'],
  ['Hangul filler inside', 'Sup\u3164port'],
  ['combining marks', 'A\u0301d\u0308min'],
  ['the company', 'Acme C\u00f8rp'],
  ['a staff name without its stroke', 'Lukasz Nowak'],
  ['a staff name without its strokes', 'Dorde Petrovic'],
  ['a staff name with other accents', 'Zoe Orsted'],
  ['a staff name in Han', '李小龍'],
  ['a staff name with a small capital', 'Sam Sta\ua730fer'],
  ['a staff name with a Cyrillic letter added (the tester)', 'Sam Staffer\u0434'],
  ['a staff name with a Cyrillic letter inside', 'Sam Staf\u0436fer'],
  ['a staff name with a letter changed for a Cyrillic one', 'Sam Staffe\u0434'],
  ['a staff name with a Greek letter added', '\u03bbSam Staffer'],
  ['a staff name run together, an Armenian letter added', 'SamStaffer\u0562'],
];

/** Names people have, in many scripts: kept exactly as typed. */
const REAL_NAMES = [
  'José',
  'Zoë',
  'Łukasz',
  'Ørsted',
  'Đorđe',
  'İlkay',
  'Nguyễn',
  "O'Brien",
  'Işık Yılmaz',
  'Ægir',
  'Strauß',
  'Þórunn',
  'Björk Guðmundsdóttir',
  'Søren Kierkegaard',
  'Dvořák',
  'Ana López',
  'Botha',
  'Abbott',
  'Supportive Sue',
  'Samantha Staffordshire',
  '王芳',
  '李小龙',
  '山田太郎',
  '김민준',
  'محمد',
  'أحمد',
  'דוד',
  'Александр',
  'Γιώργος',
  'राम',
  'Adam Minh',
  // Near a staff name but in one script each: only a word that mixes scripts is held to a near miss.
  'Sam Stafer',
  'Sam Staffers',
  '\u0421\u044d\u043c \u0421\u0442\u0430\u0444\u0444\u0435\u0440',
  'Sam \u5c71\u7530',
];

describe('reserved names are compared on a look-alike skeleton', () => {
  test.each(LOOK_ALIKES)('%s: %j is reserved', (_what, name) => {
    expect(reserved.isReserved(name)).toBe(true);
    expect(reserved.allowed(name)).toBeUndefined();
  });

  test.each(REAL_NAMES)('%j is not reserved and is kept exactly as given', (name) => {
    expect(reserved.isReserved(name)).toBe(false);
    expect(reserved.allowed(name)).toBe(name);
  });

  test('the skeleton reads the tester’s names as the role words they pass for, and a name in other letters keeps them', () => {
    expect(['Ada Adm\u0131n', 'Sam S\u1d1cpervisor', 'Alex Agen\u0167'].map((n) => latinWords(nameSkeleton(n)))).toEqual([
      ['ada', 'admin'],
      ['sam', 'supervisor'],
      ['aiex', 'agent'],
    ]);
    // Devanagari vowel signs are letters of the name, not accents: राम and रम are two names.
    expect(nameSkeleton('राम')).not.toEqual(nameSkeleton('रम'));
    expect(nameSkeleton('李小龍')).toEqual(['李小龍']);
  });

  test('the name a store holds for a staff account is reserved by its look-alike when the name is kept (nameAllowed)', async () => {
    const store = new SqliteStore(':memory:');
    await store.init();
    try {
      const profiles = new ProfileService(store, {
        reservedNames: new ReservedNames({
          companyName: 'Acme Corp',
          staffNames: () => [],
          freshStaffNames: async () => (await store.listUsers()).map((u) => u.name).concat(STAFF),
        }),
      });
      for (const [, name] of LOOK_ALIKES) expect(await profiles.nameAllowed(name)).toBe(false);
      for (const name of REAL_NAMES) expect(await profiles.nameAllowed(name)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
