import type { Customer } from '../../models/records';
import { ProfileService } from '../../profile/profileService';
import { appWithChannel } from '../helpers/appWithChannel';
import type { ChannelServer } from '../helpers/channelServer';
import { Chat } from '../helpers/chat';
import { sharedRecognizer } from '../helpers/sharedRecognizer';
import type { RunningApp } from '../helpers/testApp';

/**
 * An outside tester's findings of 2026-11-30, each replayed through /api/messages with real Bot Framework activities:
 * only a clear yes grants, a yes with a condition is asked again, and the bot's own questions read their answers
 * first.
 */
const marketing = (c: Customer) => ProfileService.consentFor(c, 'marketing', 'test');
const GRANT_QUESTION = /receive news and offers|recibir nuestras novedades/;
const ASKED_AGAIN = /To be sure: shall I send you news and offers|Para estar seguros: ¿te envío novedades/;

describe('consent answers read as the customer meant them', () => {
  const ctx = appWithChannel({}, async () => ({ recognizer: await sharedRecognizer() }));
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(() => ({ running, channel } = ctx));

  const EQUIVOCAL: [locale: string, ask: string, answer: string][] = [
    ['en-US', 'sign me up for offers', 'yeah whatever'],
    ['en-US', 'sign me up for offers', 'whatever'],
    ['en-US', 'sign me up for offers', 'I guess'],
    ['en-US', 'sign me up for offers', 'if you must'],
    ['en-US', 'sign me up for offers', 'meh'],
    ['en-US', 'sign me up for offers', 'sure... 🙄'],
    ['en-US', 'sign me up for offers', 'yeah right'],
    ['en-US', 'sign me up for offers', 'ok'],
    ['es-ES', 'quiero recibir vuestras ofertas', 'si, pero no me mandéis spam'],
    ['es-ES', 'quiero recibir vuestras ofertas', 'lo que sea'],
    ['es-ES', 'quiero recibir vuestras ofertas', 'supongo'],
    ['es-ES', 'quiero recibir vuestras ofertas', 'vale'],
  ];
  test.each(EQUIVOCAL)('%s: %j then %j is asked again, once, and grants nothing', async (locale, ask, answer) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    expect((await chat.say(ask)).replies.join(' ')).toMatch(GRANT_QUESTION);
    const turn = await chat.say(answer);
    const said = turn.replies.join(' | ');
    expect(said).toMatch(ASKED_AGAIN);
    expect(said).not.toMatch(/Done|Hecho|changed nothing|no he cambiado nada|Did you mean|Te refieres/);
    expect(turn.replies).toHaveLength(1);
    expect((await chat.customer()).consent).toEqual([]);
    // Unclear a second time: nothing changes, and the question ends.
    const again = await chat.say(answer);
    expect(again.replies.join(' | ')).toMatch(/changed nothing|no he cambiado nada/);
    expect((await chat.customer()).consent).toEqual([]);
  });

  test.each([
    ['en-US', 'sign me up for offers', 'sure thing', /Done: you will receive our news and offers/],
    ['en-US', 'sign me up for offers', 'yes please', /Done: you will receive our news and offers/],
    ['es-ES', 'quiero recibir vuestras ofertas', 'sí, por favor', /Hecho/],
  ])('%s: %j then %j, a clear yes, grants', async (locale, ask, answer, done) => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale });
    await chat.say(ask);
    expect((await chat.say(answer)).replies.join(' ')).toMatch(done);
    expect(marketing(await chat.customer())).toBe(true);
  });

  test('a yes with an objection never turns into a withdrawal, and one turn never contradicts itself', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'es-ES' });
    await chat.say('quiero recibir vuestras ofertas');
    const turn = await chat.say('si, pero no me mandéis spam');
    expect(turn.replies.join(' | ')).not.toMatch(/ya no recibirás|no he cambiado nada/);
    expect((await chat.customer()).consent).toEqual([]);
  });

  test('"claro que no" at the grant question: nothing changed, and no FAQ after it', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'es-ES' });
    await chat.say('quiero recibir vuestras ofertas');
    const turn = await chat.say('claro que no');
    expect(turn.replies).toEqual([expect.stringMatching(/no he cambiado nada/)]);
    expect(marketing(await chat.customer())).toBe(false);
  });

  test('a clear new request that withdraws, at the grant question, is honoured without "nothing changed" first', async () => {
    const chat = new Chat(running, { serviceUrl: channel.url, locale: 'en-US' });
    await chat.say('sign me up for offers');
    const turn = await chat.say('actually unsubscribe me from everything');
    expect(turn.replies.join(' | ')).not.toMatch(/changed nothing/);
    expect(marketing(await chat.customer())).toBe(false);
  });
});
