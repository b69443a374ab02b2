import type { Message } from '../../models/records';
import { ProfileService } from '../../profile/profileService';
import { messageActivity, post } from '../helpers/activities';
import { appWithChannel } from '../helpers/appWithChannel';
import { Chat, type Turn } from '../helpers/chat';
import { createStaff, nextEvent, request } from '../helpers/consoleClient';
import { heldChat } from '../helpers/heldChat';

/**
 * Outside test 28 (black box, through /api/messages with real Bot Framework activities, the console's socket and
 * HTTP): card numbers kept in full (H3), marketing consent granted for a channel the customer has no address on (H2),
 * "i dont remember the number" at the order question starting a contact change (H1).
 */
const said = (turn: Turn) => turn.replies.join(' | ');
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe('outside test 28', () => {
  const t = appWithChannel();

  describe('H3: payment card numbers are masked before they are stored', () => {
    test('a held chat: the agent push, the store, the search, the export and the customer all see only the last four digits', async () => {
      const held = await heldChat(t.running, t.channel, 'card-held');
      t.sockets.push(held.socket);
      const pushed = nextEvent<{ message: Message }>(held.socket, 'message:new', (p) => p.message.role === 'customer' && /tarjeta/.test(p.message.text));
      const told = t.channel.waitForText('card-held', /hid the card number|ocultado el número de tarjeta/);
      const r = await post(
        t.running.url,
        messageActivity({
          conversation: { id: 'card-held' },
          from: { id: 'card-held-user' },
          text: '¿sigue ahí alguien? mi tarjeta 4111 1111 1111 1111',
          locale: 'es-ES',
          serviceUrl: t.channel.url,
          deliveryMode: undefined,
        }),
      );
      expect(r.status).toBe(200);
      expect((await pushed).message.text).toBe('¿sigue ahí alguien? mi tarjeta •••• •••• •••• 1111');
      await told;

      // The agent pastes one too: masked the same way.
      const sent = await request<{ message: Message }>(held.socket, 'message:send', {
        conversationId: held.conversation.id,
        text: 'is it 5555 5555 5555 4444?',
        clientMessageId: 'card-agent-1',
      });
      expect(sent.ok).toBe(true);
      expect(sent.data!.message.text).toBe('is it •••• •••• •••• 4444?');

      const stored = await t.running.app.store.listMessages(held.conversation.id);
      const all = stored.map((m) => m.text).join('\n');
      expect(all).toContain('•••• •••• •••• 1111');
      expect(all).not.toMatch(/4111 1111|5555 5555/);

      const sup = await createStaff(t.running.app, { role: 'supervisor' });
      const search = await fetch(`${t.running.url}/api/transcripts/search?q=4111`, { headers: auth(sup.token) });
      expect(search.status).toBe(200);
      expect(((await search.json()) as { hits: unknown[] }).hits).toEqual([]);
      const exported = await (await fetch(`${t.running.url}/api/transcripts/export?format=csv`, { headers: auth(sup.token) })).text();
      expect(exported).toContain('1111');
      expect(exported).not.toMatch(/4111 1111|4111111111111111|5555 5555/);
    });

    test.each([
      ['en-US', 'my card is 4012-8888-8888-1881, can you check the charge?', /hid the card number/, '•••• •••• •••• 1881'],
      ['es-ES', 'mi tarjeta 4111111111111111', /ocultado el número de tarjeta/, '•••• •••• •••• 1111'],
    ])('%s %j in a chat with the bot: stored masked, and the customer told once', async (locale, text, notice, masked) => {
      const chat = new Chat(t.running, { locale });
      const turn = await chat.say(text);
      expect(turn.replies.filter((x) => notice.test(x))).toHaveLength(1);
      const messages = await t.running.app.store.listMessages((await chat.conversation()).id);
      expect(messages.find((m) => m.role === 'customer')!.text).toContain(masked);
      expect(messages.map((m) => m.text).join('\n')).not.toMatch(/4012|41111111/);
    });

    test('order and phone numbers are left as they are, and nothing is said about cards', async () => {
      const chat = new Chat(t.running, { locale: 'en-US' });
      const turn = await chat.say('where is order 12345? my phone is +34 600 000 000');
      expect(said(turn)).not.toMatch(/card number/);
      const messages = await t.running.app.store.listMessages((await chat.conversation()).id);
      expect(messages.find((m) => m.role === 'customer')!.text).toBe('where is order 12345? my phone is +34 600 000 000');
    });
  });

  describe('H2: consent for a channel is granted only with an address on it', () => {
    test.each([
      // The tester's
      ['en-US', ['do you send marketing emails?', 'ok sign me up for offers by email'], /don't have an e-mail address for you/, 'email'],
      ['en-US', ['yes send me offers on whatsapp'], /don't have a phone number for you/, 'whatsapp'],
      // Ours
      ['es-ES', ['quiero recibir ofertas por correo'], /no tengo ningún correo/, 'email'],
      ['en-US', ['send me your offers by SMS'], /don't have a phone number for you/, 'sms'],
    ])('%s %j from an anonymous visitor: told there is no address, nothing asked, nothing recorded', async (locale, lines, reply, channel) => {
      const chat = new Chat(t.running, { locale });
      const turns = await chat.sayAll(lines);
      const last = said(turns.at(-1)!);
      expect(last).toMatch(reply);
      expect(last).not.toMatch(/Do you want to receive|¿Quieres recibir|Done: you will receive|Hecho: recibirás/);
      const after = await chat.say(locale === 'es-ES' ? 'sí' : 'yes');
      expect(said(after)).not.toMatch(/Done: you will receive|Hecho: recibirás/);
      const c = await chat.customer();
      expect(c.consent.filter((e) => e.granted)).toEqual([]);
      expect(ProfileService.consentFor(c, 'marketing', channel)).toBe(false);
    });

    test('with an e-mail on file the grant is recorded for that address, and a contact added later does not inherit it', async () => {
      const chat = new Chat(t.running, { locale: 'en-US' });
      await chat.say('hi');
      const store = t.running.app.store;
      const before = await chat.customer();
      const at = new Date().toISOString();
      await store.updateCustomer(before.id, { contacts: [{ type: 'email', value: 'ana@example.com', verified: true, source: 'signed_token', addedAt: at }] });
      expect(said(await chat.say('sign me up for offers by email'))).toMatch(/on e-mail/);
      expect(said(await chat.say('yes'))).toMatch(/Done: you will receive our news and offers on e-mail/);
      const granted = await chat.customer();
      expect(granted.consent.at(-1)).toMatchObject({ purpose: 'marketing', channel: 'email', granted: true, address: 'ana@example.com' });
      expect(ProfileService.consentFor(granted, 'marketing', 'email')).toBe(true);
      expect(ProfileService.consentFor(granted, 'marketing', 'email', 'other@example.com')).toBe(false);
      // Her address replaced by one typed later: the grant stays with the address it was given for.
      await store.updateCustomer(granted.id, { contacts: [{ type: 'email', value: 'other@example.com', verified: false, source: 'chat', addedAt: at }] });
      expect(ProfileService.consentFor(await chat.customer(), 'marketing', 'email')).toBe(false);
      // Withdrawing needs no address.
      await chat.say('stop sending me offers');
      expect((await chat.customer()).consent.at(-1)).toMatchObject({ granted: false, channel: '*' });
    });

    test("the console's Grant on e-mail for a customer with no e-mail is refused with CONSENT_NO_ADDRESS, and nobody is asked", async () => {
      const held = await heldChat(t.running, t.channel, 'consent-no-email');
      t.sockets.push(held.socket);
      const customerId = held.conversation.customerId;
      const asked = await request(held.socket, 'customer:consent', { customerId, purpose: 'marketing', channel: 'email', granted: true });
      expect(asked.ok).toBe(false);
      expect(asked.error?.code).toBe('CONSENT_NO_ADDRESS');
      expect(t.channel.received.filter((a) => a.conversationId === 'consent-no-email' && /Our team would like to ask/.test(String(a.activity.text)))).toEqual(
        [],
      );
      expect((await t.running.app.services.profiles.get(customerId)).attributes.consentAsk).toBeUndefined();
      // The chat's own channel needs no address, and a withdrawal is always taken.
      expect((await request(held.socket, 'customer:consent', { customerId, purpose: 'marketing', channel: 'test', granted: true })).ok).toBe(true);
      expect((await request(held.socket, 'customer:consent', { customerId, purpose: 'marketing', channel: 'email', granted: false })).ok).toBe(true);
    });
  });

  describe('H1: no order number at hand, however it is typed', () => {
    test.each([
      // The tester's
      ['en-US', 'i dont remember the number', /No problem\. The order number/],
      // Ours
      ['en-US', 'no idea what the number is', /No problem\. The order number/],
      ['en-US', 'forgot it', /No problem\. The order number/],
      ['es-ES', 'no me acuerdo del número', /No pasa nada\. El número de pedido/],
      ['es-ES', 'no lo sé', /No pasa nada\. El número de pedido/],
    ])('%s %j at "What is your order number?": the order help, no contact change', async (locale, answer, help) => {
      const chat = new Chat(t.running, { locale });
      expect(said(await chat.say(locale === 'es-ES' ? '¿dónde está mi pedido?' : 'where is my order'))).toMatch(/order number|número de pedido/);
      const turn = await chat.say(answer);
      expect(said(turn)).toMatch(help);
      expect(said(turn)).not.toMatch(/new email address or phone number|nuevo correo|nuevo teléfono/);
    });

    test('"change my number to +34 600 000 000" still starts a contact change', async () => {
      const chat = new Chat(t.running, { locale: 'en-US' });
      expect(said(await chat.say('change my number to +34 600 000 000'))).toMatch(/\+34 ?600/);
    });
  });
});
