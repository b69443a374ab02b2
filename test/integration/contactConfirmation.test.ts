import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { t } from '../../locale/replies';
import { Chat } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside tester M3: a contact changed in chat was "Saved …. We will confirm it before using it", and no confirmation
 * was ever sent. Now a one-time code goes to the new address or number through the verification codes' outbound port
 * (the development notifier's outbox here), is asked for in chat, and a right code marks that contact verified on the
 * customer's own profile; wrong and expired codes follow the order codes' rules; "later" leaves it unconfirmed.
 */
describe('a contact changed in chat is confirmed by a code sent to it', () => {
  let running: RunningApp;
  const outbox = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-outbox-')), 'codes.jsonl');
  beforeAll(async () => {
    running = await startTestApp({ VERIFY_OUTBOX_FILE: outbox });
  });
  afterAll(async () => {
    await running.stop();
    fs.rmSync(path.dirname(outbox), { recursive: true, force: true });
  });
  const sent = () =>
    fs.existsSync(outbox)
      ? fs
          .readFileSync(outbox, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { to: string; code: string })
      : [];
  const vars = (contact: string, kind = 'e-mail address') => ({ contact, digits: 6, minutes: 10, kind });
  const contactOf = async (chat: Chat, value: string) => (await chat.customer()).contacts.find((c) => c.value === value);

  test('the code goes to the new e-mail, is asked for, and a right one marks it verified', async () => {
    const chat = new Chat(running, { locale: 'en-US' });
    await chat.say('change my email to cara.new@example.com');
    const saved = await chat.say('yes');
    expect(saved.replies).toEqual([t('en', 'contactSavedCode', vars('cara.new@example.com'))]);
    expect(saved.replies.join(' ')).not.toMatch(/We will confirm it before using it/);
    const mail = sent().at(-1)!;
    expect(mail.to).toBe('cara.new@example.com');
    expect(await contactOf(chat, 'cara.new@example.com')).toMatchObject({ verified: false });
    const wrong = mail.code === '000000' ? '111111' : '000000';
    expect((await chat.say(wrong)).replies).toEqual([t('en', 'verifyCodeWrong', { left: 2 }), t('en', 'askContactCode', vars('cara.new@example.com'))]);
    expect((await chat.say(`it is ${mail.code}`)).replies).toEqual([t('en', 'contactConfirmed', vars('cara.new@example.com'))]);
    expect(await contactOf(chat, 'cara.new@example.com')).toMatchObject({ verified: true });
  });

  test('a new phone number gets its code too', async () => {
    const chat = new Chat(running, { locale: 'en-US' });
    await chat.say('change my phone number to +44 7700 900123');
    const saved = await chat.say('yes');
    expect(saved.replies).toEqual([t('en', 'contactSavedCode', vars('+447700900123', 'phone number'))]);
    const sms = sent().at(-1)!;
    expect(sms.to).toBe('+447700900123');
    await chat.say(sms.code);
    expect(await contactOf(chat, '+447700900123')).toMatchObject({ verified: true });
  });

  test('"later" leaves it saved and unconfirmed, saying how to confirm it; said again, a new code confirms it', async () => {
    const chat = new Chat(running, { locale: 'en-US' });
    await chat.say('change my email to dan.new@example.com');
    await chat.say('yes');
    expect((await chat.say('later')).replies).toEqual([t('en', 'contactCodeLater', vars('dan.new@example.com'))]);
    expect(await contactOf(chat, 'dan.new@example.com')).toMatchObject({ verified: false });
    await chat.say('change my email to dan.new@example.com');
    expect((await chat.say('yes')).replies).toEqual([t('en', 'contactSavedCode', vars('dan.new@example.com'))]);
    await chat.say(sent().at(-1)!.code);
    expect(await contactOf(chat, 'dan.new@example.com')).toMatchObject({ verified: true });
  });

  test('too many wrong codes lock codes out of the chat; the contact stays unverified and on no other profile', async () => {
    const owner = new Chat(running, { locale: 'en-US' });
    await owner.say('change my email to eve@example.com');
    await owner.say('yes');
    await owner.say(sent().at(-1)!.code);
    const chat = new Chat(running, { locale: 'en-US' });
    await chat.say('change my email to eve@example.com');
    await chat.say('yes');
    const right = sent().at(-1)!.code;
    const wrong = right === '000000' ? '111111' : '000000';
    await chat.say(wrong);
    await chat.say(wrong);
    expect((await chat.say(wrong)).replies).toEqual([t('en', 'contactCodeTooMany', { ...vars('eve@example.com'), lockMinutes: 60 })]);
    expect(await contactOf(chat, 'eve@example.com')).toMatchObject({ verified: false });
    // LOW 3: the right code typed after the lock-out is not checked (nor read as an order number), and the reply
    // says so and when the lock-out ends.
    expect((await chat.say(right)).replies).toEqual([t('en', 'codeLockedOut', { minutes: 60 })]);
    expect((await chat.say(`my code is ${right}`)).replies).toEqual([t('en', 'codeLockedOut', { minutes: 60 })]);
    expect(await contactOf(chat, 'eve@example.com')).toMatchObject({ verified: false });
    const before = sent().length;
    await chat.say('change my email to eve@example.com');
    expect((await chat.say('yes')).replies).toEqual([t('en', 'contactCodeLocked', { ...vars('eve@example.com'), lockMinutes: 60 })]);
    expect(sent()).toHaveLength(before);
    // The owner's profile is not merged with the stranger's, nor given anything.
    expect((await owner.customer()).id).not.toBe((await chat.customer()).id);
    expect((await owner.customer()).contacts.map((c) => c.value)).toEqual(['eve@example.com']);
  });

  test('a right code for an address another profile has verified: said so, nothing marked here, staff asked to look (H5)', async () => {
    const owner = new Chat(running, { locale: 'en-US' });
    await owner.say('change my email to fay@example.com');
    await owner.say('yes');
    await owner.say(sent().at(-1)!.code);
    expect(await contactOf(owner, 'fay@example.com')).toMatchObject({ verified: true });
    const chat = new Chat(running, { locale: 'en-US' });
    await chat.say('change my email to fay@example.com');
    await chat.say('yes');
    const answered = await chat.say(sent().at(-1)!.code);
    // Was a 500 and silence: the verified address is the owner's unique identity key.
    expect(answered.status).toBe(200);
    expect(answered.replies).toEqual([t('en', 'contactConfirmHeld', vars('fay@example.com'))]);
    expect(await contactOf(chat, 'fay@example.com')).toMatchObject({ verified: false });
    expect(await contactOf(owner, 'fay@example.com')).toMatchObject({ verified: true });
    const me = (await chat.customer()).id;
    const them = (await owner.customer()).id;
    expect(me).not.toBe(them);
    const open = await running.app.store.listMergeSuggestions({ status: 'open', customerId: me });
    expect(open.filter((s) => [s.customerId, s.candidateId].sort().join() === [me, them].sort().join())).toHaveLength(1);
    // The chat goes on: the next message is answered as usual.
    expect((await chat.say('thanks')).status).toBe(200);
  });
});
