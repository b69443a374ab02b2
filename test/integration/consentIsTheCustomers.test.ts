import { UNRECOGNIZED_INTENT, type Customer } from '../../models/records';
import { askCustomerConsent } from '../../bot/consentTurn';
import { ProfileService } from '../../profile/profileService';
import { appWithChannel } from '../helpers/appWithChannel';
import { CodeOutbox } from '../helpers/codeOutbox';
import type { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { createStaff } from '../helpers/consoleClient';
import { ScriptedRecognizer } from '../helpers/scriptedRecognizer';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import type { RunningApp } from '../helpers/testApp';

/**
 * What an outside tester (who had not read the code) found on the running product (issue #16 point 3), each replayed
 * through /api/messages with real Bot Framework activities, in English and Spanish.
 */
const marketing = (c: Customer) => ProfileService.consentFor(c, 'marketing', 'test');

describe("consent is the customer's, and prompts let go (an outside tester's findings)", () => {
  const outbox = new CodeOutbox();
  afterAll(() => outbox.remove());
  // The not-understood case needs a message the model does not recognize, whatever this corpus's model makes of gibberish.
  const ctx = appWithChannel({ VERIFY_OUTBOX_FILE: outbox.file }, async () => ({
    recognizer: new ScriptedRecognizer(await sharedRecognizer(), { 'wibble wobble plonk': { intent: UNRECOGNIZED_INTENT, score: 0.05 } }),
  }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));

  // 1. "No" to "Do you want to receive news and offers?" left an earlier grant in place ("I changed nothing").
  const REFUSALS: [locale: string, ask: string, yes: string, again: string, no: string, done: RegExp, keep: RegExp][] = [
    ['en-US', 'subscribe me to the newsletter', 'yes', 'newsletter', 'No', /you will not receive offers from us any more/, /already receive .* keep receiving/],
    ['es-ES', 'ofertas por favor', 'sí', 'ofertas por favor', 'No', /ya no recibirás ofertas/, /Ya recibes .* seguir recibiéndolas/],
  ];
  test.each(REFUSALS)('%s: a "No" to receiving news and offers withdraws an earlier grant and says so', async (locale, ask, yes, again, no, done, keep) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    expect((await chat.say(ask)).replies.join(' ')).toMatch(/receive news and offers|recibir nuestras novedades/);
    await chat.say(yes);
    expect(marketing(await chat.customer())).toBe(true);
    const asked = await chat.say(again);
    expect(asked.replies.join(' ')).toMatch(keep);
    expect(asked.lastButtons.length).toBe(2);
    const turn = await chat.say(no);
    expect(turn.replies.join(' ')).toMatch(done);
    expect(turn.replies.join(' ')).not.toMatch(/changed nothing|no he cambiado nada/);
    expect(marketing(await chat.customer())).toBe(false);
  });

  test.each([
    ['en-US', 'yes', /keep receiving our news and offers/],
    ['es-ES', 'sí', /sigues recibiendo/],
  ])('%s: a yes to "keep them?" keeps the grant and records nothing new', async (locale, yes, kept) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(locale === 'es-ES' ? 'hola' : 'hello');
    const c = await chat.customer();
    await running.app.services.profiles.setConsent(c.id, 'marketing', true, { channel: 'test', method: 'form' });
    const history = (await chat.customer()).consent.length;
    await chat.say(locale === 'es-ES' ? 'quiero recibir ofertas' : 'I want the newsletter');
    expect((await chat.say(yes)).replies.join(' ')).toMatch(kept);
    expect((await chat.customer()).consent.length).toBe(history);
  });

  // 3. Spanish unsubscribe requests read as account deletion, or answered in English; a bare "baja" led to a grant.
  const UNSUBSCRIBES: [text: string, locale: string | undefined][] = [
    ['quiero darme de baja', 'es-ES'],
    ['me quiero dar de baja', 'es-ES'],
    ['quiero darme de baja', undefined],
    ['me quiero dar de baja', undefined],
    ['darme de baja', undefined],
    ['dar de baja', undefined],
    ['dejad de enviarme correos', undefined],
    ['I want to unsubscribe', undefined],
    ['please unsubscribe me', 'en-US'],
  ];
  test.each(UNSUBSCRIBES.map(([text, locale], i) => [text, locale, i % 2 === 0] as const))(
    '%j (locale %s, granted before: %s) is a withdrawal, answered in its language',
    async (text, locale, grantedBefore) => {
      const chat = new Chat(running, { serviceUrl: channel.url, locale });
      const spanish = !/unsubscribe/.test(text);
      const turn = await chat.say(text);
      const c = await chat.customer();
      expect(turn.replies.join(' | ')).toMatch(spanish ? /^Hecho: ya no recibirás ofertas/ : /^Done: you will not receive offers/);
      expect(turn.replies.join(' | ')).not.toMatch(/borrar tu cuenta|delete your account/);
      expect(marketing(c)).toBe(false);
      expect(c.consent.at(-1)).toEqual(expect.objectContaining({ purpose: 'marketing', granted: false, method: 'chat' }));
      // Granted before or not, a further "baja" asks nothing that could grant.
      if (grantedBefore) expect((await chat.say('sí')).replies.join(' ')).not.toMatch(/recibir nuestras novedades|receive news/);
    },
  );

  test.each([
    ['baja', undefined, /^¿Qué quieres que pare\?/, 'Deja de enviarme ofertas', /ya no recibirás ofertas/],
    ['baja', 'es-ES', /^¿Qué quieres que pare\?/, 'Deja de enviarme ofertas', /ya no recibirás ofertas/],
    ['stop', 'en-US', /^What would you like me to stop\?/, 'Stop sending me offers', /you will not receive offers/],
  ])('a bare %j (locale %s) asks what to stop in its language; no option leads to a grant', async (text, locale, question, stopButton, stopped) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    const turn = await chat.say(text);
    expect(turn.replies.join(' | ')).toMatch(question);
    expect(turn.lastButtons).toContain(stopButton);
    for (const button of turn.lastButtons) {
      const other = new Chat(running, { serviceUrl: channel.url, locale });
      await other.say(text);
      const picked = await other.say(button);
      expect(picked.replies.join(' | ')).not.toMatch(/receive news and offers|recibir nuestras novedades|Did you mean|Te refieres/);
      if (button === stopButton) expect(picked.replies.join(' | ')).toMatch(stopped);
      await other.say(locale === 'en-US' ? 'yes' : 'sí');
      expect(marketing(await other.customer())).toBe(false);
    }
  });

  test('"darme de baja de mi cuenta" is about the account, not the list: nothing withdrawn', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'es-ES' });
    const turn = await chat.say('quiero darme de baja de mi cuenta');
    expect(turn.replies.join(' | ')).not.toMatch(/ya no recibirás ofertas/);
    expect((await chat.customer()).consent).toEqual([]);
  });

  // 4. A new request at the e-mail prompt was read as a bad e-mail, in a loop.
  test.each([
    ['en-US', 'where is my order 67890', /e-mail address the order was placed with/, 'where is order 12345', /12345/],
    ['es-ES', '¿dónde está mi pedido 67890?', /correo/, '¿dónde está el pedido 12345?', /12345/],
  ])('%s: a clear new request at the e-mail prompt leaves it and is answered', async (locale, first, emailPrompt, next, answered) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    expect((await chat.say(first)).replies.join(' ')).toMatch(emailPrompt);
    const turn = await chat.say(next);
    expect(turn.replies.join(' | ')).toMatch(answered);
    expect(turn.replies.join(' | ')).not.toMatch(/67890|does not look like an e-mail|no parece un correo/i);
  });

  // 5. Answers to the bot's yes/no questions, and words to a person, were listed as not understood.
  test('the not-understood list holds only requests the bot tried to understand', async () => {
    const lead = (await createStaff(running.app, { role: 'supervisor' })).token;
    const agent = await createStaff(running.app, { capacity: 1_000_000 });
    const en = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    await en.say('cancel my order 55555');
    await en.say('ana@example.com');
    await en.say(outbox.lastCode('ana@example.com'));
    await en.say('fine');
    await en.say('thanks');
    await en.say('👍');
    await en.say('sign me up for the newsletter');
    await en.say('yes I mean no');
    // Unclear, so asked again (explicit-yes reader); a plain no ends the question.
    await en.say('no');
    await en.say('wibble wobble plonk');
    const held = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    await held.say('I want to talk to a human');
    const c = await held.conversation();
    await running.app.services.handoff.claim(agent.id, c.id);
    await held.say('are you there');
    const es = new Chat(running, { serviceUrl: channel.url, locale: 'es-ES' });
    await es.say('gracias');
    await es.say('👍👍');

    const today = new Date().toISOString().slice(0, 10);
    const res = await fetch(`${running.url}/api/stats?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${lead}` } });
    expect(res.status).toBe(200);
    const texts = ((await res.json()) as { unrecognized: { text: string }[] }).unrecognized.map((u) => u.text);
    expect(texts).toContain('wibble wobble plonk');
    for (const answer of ['fine', '👍', 'yes I mean no', 'are you there', '👍👍']) expect(texts).not.toContain(answer);
  });
});

// 2. An agent granted marketing consent with one click right after the customer withdrew it.
describe("consent from the console is a question to the customer (an outside tester's findings)", () => {
  const ctx = appWithChannel({}, async () => ({ recognizer: await sharedRecognizer() }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));

  test.each([
    ['en-US', 'I want to talk to a human', 'unsubscribe me', /do you want to receive news and offers \(marketing messages\) from us on/, 'yes'],
    ['es-ES', 'quiero hablar con una persona', 'darme de baja', /¿quieres recibir nuestras novedades y ofertas/, 'sí'],
  ])('%s: staff "Grant" asks the customer; consent changes only on their yes', async (locale, human, optOut, question, yes) => {
    const staff = await createStaff(running.app, { capacity: 1_000_000 });
    const agent = { id: staff.id, role: 'agent' as const };
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(human);
    const c = await chat.conversation();
    await running.app.services.handoff.claim(agent.id, c.id);
    await chat.say(optOut);
    const customer = await chat.customer();
    expect(marketing(customer)).toBe(false);
    // A direct grant on the customer's behalf is refused with a stable code.
    await expect(running.app.services.profiles.consentByStaff(customer.id, agent, 'marketing', true, 'test')).rejects.toMatchObject({
      code: 'CONSENT_CUSTOMER_ONLY',
    });
    // The console's path asks instead: the question goes to the customer, in their language, naming purpose and channel.
    await askCustomerConsent({ ...running.app.services, store: running.app.store }, agent, customer.id, 'marketing', 'test');
    expect(marketing(await chat.customer())).toBe(false);
    const told = (await running.app.store.listMessages(c.id, { limit: 100 })).filter((m) => m.role === 'system').map((m) => m.text);
    expect(told.join(' | ')).toMatch(question);
    // Something else is no answer: nothing changes.
    await chat.say(locale === 'es-ES' ? '¿sigues ahí?' : 'are you there');
    expect(marketing(await chat.customer())).toBe(false);
    const turn = await chat.say(yes);
    expect(turn.replies.join(' ')).toMatch(/Done: you will receive|Hecho: recibirás/);
    expect(marketing(await chat.customer())).toBe(true);
    const answers = await running.app.store.listAudit({ action: 'customer.consent_answer' });
    expect(answers.map((a) => a.data)).toContainEqual(expect.objectContaining({ granted: true, askedBy: agent.id, purpose: 'marketing' }));
    // A withdrawal by staff is recorded at once.
    await running.app.services.profiles.consentByStaff(customer.id, agent, 'marketing', false, 'test');
    expect(marketing(await chat.customer())).toBe(false);
  });
});
