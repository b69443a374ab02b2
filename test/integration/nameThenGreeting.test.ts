import { t } from '../../locale/replies';
import { Chat } from '../helpers/chat';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * Outside pass 32, M5: "hello team, my name is Tom" from a channel that calls the sender "Robert Smith" was answered
 * "Nice to meet you, Tom! I will call you that from now on." and at once "Hi Robert! How can I help you today?"; a
 * channel name of markup was greeted "Hi <img!". One welcome, with the name just given; markup is no name.
 */
describe('a name given with a hello: one welcome, by that name', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
  });
  afterAll(() => running.stop());

  test('the hello beside the name is not welcomed again by the channel name', async () => {
    const chat = new Chat(running, { locale: 'en-US', name: 'Robert Smith' });
    const turn = await chat.say('hello team, my name is Tom');
    expect(turn.replies).toEqual([t('en', 'nameSet', { name: 'Tom' }), t('en', 'howCanIHelp')]);
    expect((await chat.customer()).displayName).toBe('Tom');
    // Later welcomes say the new name.
    expect((await chat.say('hi')).replies).toEqual([t('en', 'welcomeKnown', { name: 'Tom' })]);
  });

  test('in Spanish too', async () => {
    const chat = new Chat(running, { locale: 'es-ES', name: 'Roberto Pérez' });
    const turn = await chat.say('hola equipo, me llamo Tomás');
    expect(turn.replies).toEqual([t('es', 'nameSet', { name: 'Tomás' }), t('es', 'howCanIHelp')]);
  });

  test('a request beside the name is still answered', async () => {
    const chat = new Chat(running, { locale: 'en-US', name: 'Robert Smith' });
    const turn = await chat.say('my name is Tom and I want to reset my password');
    expect(turn.replies[0]).toBe(t('en', 'nameSet', { name: 'Tom' }));
    expect(turn.replies.slice(1).join(' ')).toMatch(/email address of your account/);
  });

  test('a channel name of markup is no name to greet by', async () => {
    const chat = new Chat(running, { locale: 'en-US', name: '<img src=x onerror=alert(1)>' });
    const turn = await chat.say('hi');
    expect(turn.replies).toEqual([t('en', 'welcome')]);
  });
});
