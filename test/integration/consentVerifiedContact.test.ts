import { channelName } from '../../locale/intentLabels';
import { t } from '../../locale/replies';
import type { ContactPoint } from '../../models/records';
import { ProfileService } from '../../profile/profileService';
import { appWithChannel } from '../helpers/appWithChannel';
import { Chat, type Turn } from '../helpers/chat';
import { CodeOutbox } from '../helpers/codeOutbox';
import { request } from '../helpers/consoleClient';
import { heldChat } from '../helpers/heldChat';

/**
 * Double opt-in (an outside tester, as a stranger): a visitor typed someone else's e-mail or phone as their own and
 * said "sign me up for offers by email", and the mailbox was signed up. A marketing grant on e-mail, SMS or WhatsApp
 * now needs a verified contact point of that kind (profile/consentAddress.ts grantReach). Through /api/messages with
 * real Bot Framework activities, the code "sent" read from the development notifier's outbox, and the console's
 * socket for staff's "Grant".
 */
const said = (turn: Turn) => turn.replies.join(' | ');
const QUESTION = /Do you want to receive|¿Quieres recibir/;
const GRANTED = /Done: you will receive|Hecho: recibirás/;
const contact = (type: 'email' | 'phone', value: string, verified: boolean, source: string): ContactPoint => ({
  type,
  value,
  verified,
  source,
  addedAt: new Date().toISOString(),
});

describe('double opt-in: a marketing grant reached at a contact point needs it verified', () => {
  const outbox = new CodeOutbox();
  afterAll(() => outbox.remove());
  const t0 = appWithChannel({ VERIFY_OUTBOX_FILE: outbox.file });

  test.each([
    ['en-US', 'en', 'change my email to kim.typed@example.com', 'yes', 'later', 'sign me up for offers by email', 'my email is kim.typed@example.com'],
    ['es-ES', 'es', 'cambia mi correo a lia.typed@example.com', 'sí', 'luego', 'quiero recibir ofertas por correo', 'mi correo es lia.typed@example.com'],
  ])(
    '%s: an e-mail typed and left unconfirmed is told so, nothing asked or recorded; once confirmed by its code, the same request grants',
    async (locale, l, change, yes, later, ask, again) => {
      const chat = new Chat(t0.running, { locale });
      const address = /\S+@\S+/.exec(change)![0];
      await chat.sayAll([change, yes, later]);
      expect((await chat.customer()).contacts).toEqual([expect.objectContaining({ value: address, verified: false })]);

      const told = await chat.say(ask);
      expect(told.replies).toEqual([t(l, 'consentUnconfirmedEmail', { channel: channelName('email', l) })]);
      expect(said(told)).not.toMatch(QUESTION);
      expect(said(await chat.say(yes))).not.toMatch(GRANTED);
      let c = await chat.customer();
      expect(c.consent.filter((e) => e.granted)).toEqual([]);
      expect(ProfileService.consentFor(c, 'marketing', 'email')).toBe(false);

      // What the reply says to do: the address again, the code sent to it, typed back here.
      await chat.say(again);
      expect(said(await chat.say(yes))).toMatch(/code|código/);
      expect((await chat.say(outbox.lastCode(address))).replies).toEqual([t(l, 'contactConfirmed', { contact: address })]);
      expect((await chat.customer()).contacts).toEqual([expect.objectContaining({ value: address, verified: true })]);

      expect(said(await chat.say(ask))).toMatch(QUESTION);
      expect(said(await chat.say(yes))).toMatch(GRANTED);
      c = await chat.customer();
      expect(c.consent.at(-1)).toMatchObject({ purpose: 'marketing', channel: 'email', granted: true, address });
      expect(ProfileService.consentFor(c, 'marketing', 'email')).toBe(true);
    },
  );

  test.each([
    ['en-US', 'en', 'change my phone number to +44 7700 900201', 'yes', 'later', 'send me your offers by SMS', 'sms'],
    ['es-ES', 'es', 'cambia mi teléfono a +34 600 900 202', 'sí', 'luego', 'quiero recibir ofertas por whatsapp', 'whatsapp'],
  ])('%s: SMS or WhatsApp with only an unconfirmed phone: told, nothing asked or recorded', async (locale, l, change, yes, later, ask, channel) => {
    const chat = new Chat(t0.running, { locale });
    await chat.sayAll([change, yes, later]);
    expect((await chat.customer()).contacts).toEqual([expect.objectContaining({ type: 'phone', verified: false })]);
    const told = await chat.say(ask);
    expect(told.replies).toEqual([t(l, 'consentUnconfirmedPhone', { channel: channelName(channel, l) })]);
    expect(said(await chat.say(yes))).not.toMatch(GRANTED);
    const c = await chat.customer();
    expect(c.consent.filter((e) => e.granted)).toEqual([]);
    expect(ProfileService.consentFor(c, 'marketing', channel)).toBe(false);
  });

  test('"can I get offers by SMS?" with only an unconfirmed phone: explained, then told it is not confirmed; no question', async () => {
    const chat = new Chat(t0.running, { locale: 'en-US' });
    await chat.sayAll(['change my phone number to +44 7700 900203', 'yes', 'later']);
    const turn = await chat.say('can I get offers by SMS?');
    expect(turn.replies).toEqual([t('en', 'marketingChannelExplain', { channel: 'SMS' }), t('en', 'consentUnconfirmedPhone', { channel: 'SMS' })]);
    await chat.say('yes');
    expect(ProfileService.consentFor(await chat.customer(), 'marketing', 'sms')).toBe(false);
  });

  test('a verified e-mail (by import) grants, recorded for it and not for a newer one typed in chat', async () => {
    const chat = new Chat(t0.running, { locale: 'es-ES' });
    await chat.say('hola');
    const c0 = await chat.customer();
    await t0.running.app.store.updateCustomer(c0.id, {
      contacts: [contact('email', 'noa@example.com', true, 'import'), contact('email', 'typed.by.someone@example.com', false, 'chat')],
    });
    expect(said(await chat.say('quiero recibir ofertas por correo'))).toMatch(QUESTION);
    expect(said(await chat.say('sí'))).toMatch(GRANTED);
    const c = await chat.customer();
    expect(c.consent.at(-1)).toMatchObject({ channel: 'email', granted: true, address: 'noa@example.com' });
    expect(ProfileService.consentFor(c, 'marketing', 'email', 'typed.by.someone@example.com')).toBe(false);
  });

  test("the console's Grant with only an unconfirmed address: CONSENT_UNVERIFIED_ADDRESS, nobody asked; once confirmed it asks", async () => {
    const held = await heldChat(t0.running, t0.channel, 'grant-unverified');
    t0.sockets.push(held.socket);
    const customerId = held.conversation.customerId;
    const profiles = t0.running.app.services.profiles;
    await t0.running.app.store.updateCustomer(customerId, { contacts: [contact('email', 'someone.else@example.com', false, 'chat')] });
    const grant = { customerId, purpose: 'marketing', channel: 'email', granted: true };

    const refused = await request(held.socket, 'customer:consent', grant);
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('CONSENT_UNVERIFIED_ADDRESS');
    expect(t0.channel.texts('grant-unverified').filter((x) => /Our team would like to ask/.test(x))).toEqual([]);
    expect((await profiles.get(customerId)).attributes.consentAsk).toBeUndefined();
    // A withdrawal needs no address.
    expect((await request(held.socket, 'customer:consent', { ...grant, granted: false })).ok).toBe(true);

    // Confirmed (what the code flow records): the same Grant asks the customer, and their yes grants for that address.
    expect(await profiles.confirmContact(customerId, { type: 'email', value: 'someone.else@example.com' })).toBe('confirmed');
    const asked = await request<{ asked?: boolean }>(held.socket, 'customer:consent', grant);
    expect(asked.ok).toBe(true);
    expect(asked.data?.asked).toBe(true);
    await t0.channel.waitForText('grant-unverified', /Our team would like to ask/);
    const customer = new Chat(t0.running, { conversationId: 'grant-unverified', userId: 'grant-unverified-user', serviceUrl: t0.channel.url });
    await customer.say('yes');
    expect((await profiles.get(customerId)).consent.at(-1)).toMatchObject({ channel: 'email', granted: true, address: 'someone.else@example.com' });
  });

  test('a question staff asked while the address was verified, answered after it no longer is: told, nothing granted', async () => {
    const held = await heldChat(t0.running, t0.channel, 'grant-unverified-since');
    t0.sockets.push(held.socket);
    const customerId = held.conversation.customerId;
    const profiles = t0.running.app.services.profiles;
    await t0.running.app.store.updateCustomer(customerId, { contacts: [contact('email', 'ora@example.com', true, 'signed_token')] });
    expect((await request(held.socket, 'customer:consent', { customerId, purpose: 'marketing', channel: 'email', granted: true })).ok).toBe(true);
    await t0.channel.waitForText('grant-unverified-since', /Our team would like to ask/);
    // A merge undone leaves a contact point unverified (identityResolution.ts 'merge_unverified').
    const c = await profiles.get(customerId);
    await t0.running.app.store.updateCustomer(customerId, { contacts: [{ ...c.contacts[0], verified: false, source: 'merge_unverified' }] }, c.version);
    const customer = new Chat(t0.running, { conversationId: 'grant-unverified-since', userId: 'grant-unverified-since-user', serviceUrl: t0.channel.url });
    const turn = await customer.say('yes');
    const told = t('en', 'consentUnconfirmedEmail', { channel: 'e-mail' });
    expect([...turn.replies, ...t0.channel.texts('grant-unverified-since')]).toContain(told);
    const after = await profiles.get(customerId);
    expect(after.consent.filter((e) => e.granted)).toEqual([]);
    expect(after.attributes.consentAsk).toBeUndefined();
  });
});
