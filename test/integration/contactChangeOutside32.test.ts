import { t } from '../../locale/replies';
import { ProfileService } from '../../profile/profileService';
import { Chat } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester (wave 32), a customer changing their e-mail or phone in chat. Real activities through the bot; codes
 * read from the development notifier's outbox as a customer reads their mailbox.
 */
describe('changing an e-mail or phone in chat (outside test 32)', () => {
  let running: RunningApp;
  const outbox = new CodeOutbox();
  beforeAll(async () => {
    running = await startTestApp({ VERIFY_OUTBOX_FILE: outbox.file });
  });
  afterAll(async () => {
    await running.stop();
    outbox.remove();
  });
  const said = (turn: { replies: string[] }) => turn.replies.join(' ');
  const vars = (contact: string, kind = 'e-mail address') => ({ contact, digits: 6, minutes: 10, kind });
  const contactOf = async (chat: Chat, value: string) => (await chat.customer()).contacts.find((c) => c.value === value);

  // M5: "yes" at "I sent a code to …, type it here" left the question; the customer means "yes, I'll type it".
  test.each([
    ['en-US', 'change my email to gil.new@example.com', 'yes', 'yeah got it', 'en'],
    ['es-ES', 'quiero cambiar mi correo a gil.nuevo@example.com', 'sí', 'sí, ya lo tengo', 'es'],
  ] as const)('%s: a yes at the code question asks for the code again, and the code still confirms', async (locale, ask, yes, yes2, lang) => {
    const chat = new Chat(running, { locale });
    await chat.say(ask);
    const address = ask.split(' ').at(-1)!;
    await chat.say(yes);
    for (const y of [yes, yes2]) {
      const turn = await chat.say(y);
      expect(turn.replies).toEqual([t(lang, 'askContactCode', { ...vars(address, t(lang, 'contactKindEmail')) })]);
    }
    expect((await chat.say(outbox.lastCode(address))).replies).toEqual([t(lang, 'contactConfirmed', vars(address, t(lang, 'contactKindEmail')))]);
    expect(await contactOf(chat, address)).toMatchObject({ verified: true });
  });

  // M4: "change my email to …" added the new address beside the old one. Once the new one is confirmed it replaces
  // the old (never before: a typo must not cost the customer their only reachable address), and a grant given for
  // the old address neither moves to the new one nor keeps being used.
  test('a confirmed new e-mail replaces the old one; the old one stays until then; its offers grant does not move', async () => {
    const chat = new Chat(running, { locale: 'en-US' });
    await chat.sayAll(['my email is hal.old@example.com', 'yes']);
    await chat.say(outbox.lastCode('hal.old@example.com'));
    await chat.sayAll(['can you send me your offers by email?', 'yes']);
    let c = await chat.customer();
    expect(ProfileService.consentFor(c, 'marketing', 'email', 'hal.old@example.com')).toBe(true);

    await chat.sayAll(['change my email to hal.new@example.com', 'yes']);
    // Not confirmed yet: both kept, the old one still the one confirmed and granted.
    c = await chat.customer();
    expect(c.contacts.filter((p) => p.type === 'email').map((p) => [p.value, p.verified])).toEqual([
      ['hal.old@example.com', true],
      ['hal.new@example.com', false],
    ]);
    const done = await chat.say(outbox.lastCode('hal.new@example.com'));
    expect(done.replies).toEqual([t('en', 'contactConfirmedReplaced', vars('hal.new@example.com'))]);
    c = await chat.customer();
    expect(c.contacts.filter((p) => p.type === 'email').map((p) => [p.value, p.verified])).toEqual([['hal.new@example.com', true]]);
    expect(ProfileService.consentFor(c, 'marketing', 'email', 'hal.new@example.com')).toBe(false);
    expect(ProfileService.consentFor(c, 'marketing', 'email')).toBe(false);
    // History kept: the grant given for the old address is still in the record, and the replacement is audited.
    expect(c.consent.filter((e) => e.granted && e.address === 'hal.old@example.com')).toHaveLength(1);
    const audit = await running.app.store.listAudit({ targetId: c.id });
    expect(audit.some((a) => a.action === 'customer.contact_replaced')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('hal.old@example.com');
  });

  test('a grant on SMS recorded before grants named an address lapses when the phone is replaced; one on every channel stays', async () => {
    const chat = new Chat(running, { locale: 'en-US' });
    await chat.sayAll(['my phone number is +44 7700 900301', 'yes']);
    await chat.say(outbox.lastCode('+447700900301'));
    const profiles = running.app.services.profiles;
    const id = (await chat.customer()).id;
    // As older records hold them: for the channel, no address (the phone the profile had then).
    await profiles.setConsent(id, 'marketing', true, { channel: 'import', method: 'import', scope: 'sms' });
    await profiles.setConsent(id, 'proactive', true, { channel: 'import', method: 'import', scope: '*' });
    await chat.sayAll(['change my phone number to +44 7700 900302', 'yes']);
    expect(ProfileService.consentFor(await chat.customer(), 'marketing', 'sms')).toBe(true);
    await chat.say(outbox.lastCode('+447700900302'));
    const c = await chat.customer();
    expect(c.contacts.map((p) => p.value)).toEqual(['+447700900302']);
    expect(ProfileService.consentFor(c, 'marketing', 'sms', '+447700900302')).toBe(false);
    expect(c.consent.at(-1)).toMatchObject({ purpose: 'marketing', channel: 'sms', granted: false, method: 'contact_replaced' });
    expect(ProfileService.consentFor(c, 'proactive', 'sms')).toBe(true);
  });

  test('"later" at the new address\'s code keeps the old one; a phone change leaves the e-mail alone', async () => {
    const chat = new Chat(running, { locale: 'en-US' });
    await chat.sayAll(['my email is ida.old@example.com', 'yes']);
    await chat.say(outbox.lastCode('ida.old@example.com'));
    await chat.sayAll(['change my email to ida.nwe@example.com', 'yes', 'later']);
    let c = await chat.customer();
    expect(c.contacts.filter((p) => p.type === 'email').map((p) => [p.value, p.verified])).toEqual([
      ['ida.old@example.com', true],
      ['ida.nwe@example.com', false],
    ]);
    await chat.sayAll(['change my phone number to +44 7700 900555', 'yes']);
    await chat.say(outbox.lastCode('+447700900555'));
    c = await chat.customer();
    expect(c.contacts.map((p) => p.value)).toEqual(['ida.old@example.com', 'ida.nwe@example.com', '+447700900555']);
  });

  // M9: a question at "Save …?" cancelled the change; it is answered and the question asked again.
  test.each([
    ['en-US', 'en', 'change my email to jo.new@example.com', 'will you send me spam?', 'marketingOnlyWithYes', 'yes'],
    ['en-US', 'en', 'change my email to jo.new2@example.com', 'why do you need it?', 'contactWhyAsked', 'yes'],
    ['es-ES', 'es', 'cambia mi correo a jo.nuevo@example.com', '¿para qué lo necesitáis?', 'contactWhyAsked', 'sí'],
    ['es-ES', 'es', 'cambia mi correo a jo.nuevo2@example.com', '¿me vais a llenar de spam?', 'marketingOnlyWithYes', 'sí'],
  ] as const)('%s (%s): "%s", then "%s": answered, "Save …?" asked again, and a yes saves it', async (locale, l, ask, question, answer, yes) => {
    const chat = new Chat(running, { locale });
    const address = /\S+@\S+/.exec(ask)![0];
    const confirm = t(l, 'confirmContact', { contact: address, kind: t(l, 'contactKindEmail') });
    expect((await chat.say(ask)).replies).toEqual([confirm]);
    expect((await chat.say(question)).replies).toEqual([t(l, answer), confirm]);
    expect(await contactOf(chat, address)).toBeUndefined();
    expect((await chat.say(yes)).replies).toEqual([t(l, 'contactSavedCode', vars(address, t(l, 'contactKindEmail')))]);
    expect(await contactOf(chat, address)).toMatchObject({ verified: false });
  });

  // M10: a corrected address at "Save …?" was ignored; it is the one asked about now.
  test.each([
    ['en-US', 'en', 'change my email to ana.v@example.com', "no, it's ana.b@example.com", 'ana.b@example.com', 'yes', 'contactKindEmail'],
    ['en-US', 'en', 'change my email to ana.w@example.com', 'sorry I meant ana.c@example.com', 'ana.c@example.com', 'yes', 'contactKindEmail'],
    ['es-ES', 'es', 'cambia mi correo a luz.v@example.com', 'no, es luz.b@example.com', 'luz.b@example.com', 'sí', 'contactKindEmail'],
    ['en-GB', 'en', 'change my phone number to +44 7700 900401', 'no sorry, it is +44 7700 900402', '+447700900402', 'yes', 'contactKindPhone'],
  ] as const)('%s (%s): "%s", then "%s": the corrected one asked about and saved, never the first', async (locale, l, ask, fix, right, yes, kind) => {
    const chat = new Chat(running, { locale });
    await chat.say(ask);
    expect((await chat.say(fix)).replies).toEqual([t(l, 'confirmContact', { contact: right, kind: t(l, kind) })]);
    expect((await chat.say(yes)).replies).toEqual([t(l, 'contactSavedCode', vars(right, t(l, kind)))]);
    expect((await chat.customer()).contacts.map((c) => c.value)).toEqual([right]);
  });

  // M8: "yes, and my phone too: +44 …" (after "Save …?" was asked again) saved the e-mail and lost the phone.
  test.each([
    ['ok', 'yes, and my phone too: +44 7700 900123'],
    [undefined, 'yes, and my phone too: +44 7700 900124'],
    ['ok', 'yes and change my phone to +44 7700 900125 as well'],
  ])('after %j, "%s": the e-mail saved and its code asked, then the phone asked about, not asked for', async (vague, answer) => {
    const chat = new Chat(running, { locale: 'en-US' });
    const n = Math.random().toString(36).slice(2, 8);
    const email = `pat.${n}@example.com`;
    const phone = `+${/\+([\d ]+)/.exec(answer)![1].replace(/\D/g, '')}`;
    await chat.say(`change my email to ${email}`);
    if (vague) await chat.say(vague);
    expect((await chat.say(answer)).replies).toEqual([t('en', 'contactSavedCode', vars(email))]);
    const confirmed = await chat.say(outbox.lastCode(email));
    expect(confirmed.replies).toEqual([
      t('en', 'contactConfirmed', vars(email)),
      t('en', 'confirmContact', { contact: phone, kind: t('en', 'contactKindPhone') }),
    ]);
    expect((await chat.say('yes')).replies).toEqual([t('en', 'contactSavedCode', vars(phone, t('en', 'contactKindPhone')))]);
    expect((await chat.customer()).contacts.map((c) => c.value)).toEqual([email, phone]);
  });

  // M6: the code typed after "later" (it came a minute after) was read as an order number.
  test.each([
    ['later', (code: string) => code],
    ['not now', (code: string) => `here is the code ${code}`],
  ])('"%s" at the code question, then the code from the mail: that contact confirmed', async (later, typed) => {
    const chat = new Chat(running, { locale: 'en-US' });
    const n = Math.random().toString(36).slice(2, 8);
    const email = `kit.${n}@example.com`;
    await chat.sayAll([`change my email to ${email}`, 'yes', later]);
    expect(await contactOf(chat, email)).toMatchObject({ verified: false });
    expect((await chat.say(typed(outbox.lastCode(email)))).replies).toEqual([t('en', 'contactConfirmed', vars(email))]);
    expect(await contactOf(chat, email)).toMatchObject({ verified: true });
    // Once used, the same code confirms nothing more and is no order number either.
    expect(said(await chat.say(outbox.lastCode(email)))).not.toMatch(/confirmed/);
  });
});
