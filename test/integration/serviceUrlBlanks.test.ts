import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * An outside tester (wave 24): `serviceUrl: " http://127.0.0.1:4199"` (a leading blank, no expectReplies) answered
 * 500 INTERNAL: the URL parser drops the blank, so the trust check passed, and the connector's send failed after the
 * message was stored. Decided: refused as malformed (400 BOT_ACTIVITY_INVALID naming serviceUrl), never trimmed into
 * the trusted URL, before anything is stored or sent. Real HTTP on port 0 and a local channel server.
 */
describe('a serviceUrl with blanks or control characters', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  beforeAll(async () => {
    channel = await new ChannelServer().start();
    running = await startTestApp();
  });
  afterAll(async () => {
    await running.stop();
    await channel.stop();
  });

  test.each([
    ['a leading blank', (u: string) => ` ${u}`, undefined],
    ['a trailing blank', (u: string) => `${u} `, undefined],
    ['a trailing line break', (u: string) => `${u}\n`, undefined],
    ['a tab inside', (u: string) => u.replace('//', '//\t'), undefined],
    ['a leading blank, expectReplies', (u: string) => ` ${u}`, 'expectReplies'],
  ])('%s: 400 BOT_ACTIVITY_INVALID, nothing stored, nothing sent', async (_what, dress, deliveryMode) => {
    const conversationId = `blank-${Math.random().toString(36).slice(2)}`;
    const r = await post(
      running.url,
      messageActivity({ conversation: { id: conversationId }, serviceUrl: dress(channel.url), deliveryMode, text: 'where is my order?' }),
    );
    expect([r.status, r.body.error?.code]).toEqual([400, 'BOT_ACTIVITY_INVALID']);
    expect(r.body.error?.message).toMatch(/serviceUrl: must not contain blanks or control characters/);
    expect(await running.app.store.findConversationByChannel('test', conversationId)).toBeNull();
    expect(channel.texts(conversationId)).toEqual([]);
  });

  test('the same activity with the URL as the channel gives it is answered (control)', async () => {
    const r = await post(running.url, messageActivity({ conversation: { id: 'blank-control' }, serviceUrl: channel.url, deliveryMode: undefined }));
    expect(r.status).toBe(200);
    await channel.waitForText('blank-control', /./);
  });
});
