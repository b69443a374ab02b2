import { startTestApp, type RunningApp } from '../helpers/testApp';

const KEY = 'listening-tool-key-0123456789';

describe('social mentions', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp({ MENTIONS_API_KEY: KEY });
  });
  afterAll(async () => running.stop());
  const send = (body: unknown, key = KEY) =>
    fetch(`${running.url}/api/mentions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });

  test("mentions attach to the author's profile; a negative one from a high-reach author opens a queued conversation for agents", async () => {
    expect((await send({ network: 'x', handle: '@a', text: 'hi' }, 'wrong-key-wrong-key-wrong-key')).status).toBe(401);
    expect((await send({ network: 'x', handle: '@a', text: 'hi', reach: -3 })).status).toBe(400);

    const small = await send({ network: 'x', handle: '@SmallFan', text: 'I love my new jacket, great quality', reach: 120 });
    expect(small.status).toBe(201);
    const s = (await small.json()) as { customerId: string; conversationId?: string; sentiment: number };
    expect(s.sentiment).toBeGreaterThan(0);
    expect(s.conversationId).toBeUndefined();

    const angry = await send({
      network: 'x',
      handle: '@BigVoice',
      text: 'Terrible service, my order never arrived. Worst shop ever!',
      reach: 250_000,
      url: 'https://x.example/BigVoice/1',
    });
    const a = (await angry.json()) as { customerId: string; conversationId?: string; sentiment: number };
    expect(a.sentiment).toBeLessThan(-0.4);
    const conv = await running.app.store.getConversation(a.conversationId!);
    expect(conv).toMatchObject({ state: 'queued', handoffReason: 'social_mention', channelId: 'mention:x' });
    const event = (await running.app.store.listMessages(conv!.id)).find((m) => m.kind === 'event');
    expect(String(event?.data?.detail)).toMatch(/negative mention .* by @bigvoice with 250000 followers on x/);
    const profile = await running.app.store.getCustomer(a.customerId);
    expect(profile?.reach.followers).toBe(250_000);
    expect(profile?.segments).toContain('influencer');

    // A second mention by the same author lands on the same profile and conversation.
    const again = (await (await send({ network: 'x', handle: 'bigvoice', text: 'still waiting' })).json()) as { customerId: string };
    expect(again.customerId).toBe(a.customerId);
    expect((await running.app.store.listMessages(conv!.id)).filter((m) => m.role === 'customer').map((m) => m.text)).toEqual([
      'Terrible service, my order never arrived. Worst shop ever!',
      'still waiting',
    ]);
  });
});
