import type { Socket } from 'socket.io-client';
import { isAppError } from '../../core/errors';
import { t } from '../../locale/replies';
import type { Conversation } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, request, type Staff } from '../helpers/consoleClient';
import { multipartBody, PNG } from '../helpers/multipart';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * An agent's action on a chat they hold, checked on a read and done on a later write, with another change landing in
 * between (a supervisor's takeover or reassignment, the agent's own transfer or close in another tab, a colleague's
 * tag). The read is held once it has read (the check passed), the other change is made, then the read goes on: what
 * the old code did whenever the other change came at that moment (real app, real sockets, a local channel).
 */
describe('actions on a held chat racing another change', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    channel = await new ChannelServer().start();
    running = await startTestApp({ OFFER_TIMEOUT_SECONDS: '300' });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await running.stop();
    await channel.stop();
  });

  const staff = async (over: Parameters<typeof createStaff>[1]): Promise<Staff & { socket: Socket }> => {
    const s = await createStaff(running.app, over);
    const socket = await online(running.app, running.url, s);
    sockets.push(socket);
    return { ...s, socket };
  };
  let n = 0;
  /** A customer's chat on the local channel, held by `agent`; its channel conversation id is `conv`. */
  async function heldChat(agent: Staff): Promise<{ id: string; conv: string }> {
    const conv = `held-${++n}`;
    await post(
      running.url,
      messageActivity({
        conversation: { id: conv },
        from: { id: `c-${conv}`, name: 'Cleo' },
        text: 'I want to talk to a human',
        serviceUrl: channel.url,
        deliveryMode: undefined,
      }),
    );
    await channel.waitForText(conv, /in the queue|No agent/);
    const id = (await running.app.store.findConversationByChannel('test', conv))!.id;
    await running.app.services.handoff.claim(agent.id, id);
    return { id, conv };
  }

  /**
   * The next read of this conversation (or the one after `skip` more) is held once it has read it: `read` resolves then
   * (the check is done on what it read), and the reader goes on only at `release()`.
   */
  function holdNextRead(id: string, skip = 0): { read: Promise<void>; release: () => void } {
    const store = running.app.store;
    const original = store.getConversation.bind(store);
    let readDone!: () => void;
    const read = new Promise<void>((r) => (readDone = r));
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let held = false;
    const spy = jest.spyOn(store, 'getConversation').mockImplementation(async (cid: string) => {
      const c = await original(cid);
      if (cid === id && !held && skip-- === 0) {
        held = true;
        readDone();
        await gate;
      }
      return c;
    });
    return {
      read,
      release: () => {
        spy.mockRestore();
        open();
      },
    };
  }

  const agentTexts = async (id: string) => (await running.app.store.listMessages(id)).filter((m) => m.role === 'agent').map((m) => `${m.kind}:${m.text}`);
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: unknown) => (isAppError(e) ? e.code : String(e)),
    );

  /** The other changes, each with what the agent is told when theirs comes second. */
  const others: [string, string, (c: { id: string; ann: Staff; sue: Staff; bea: Staff }) => Promise<Conversation>][] = [
    ['a supervisor takes it over', 'HANDOFF_TAKEN_OVER', ({ id, sue }) => running.app.services.handoff.takeover(sue.id, id)],
    [
      'a supervisor reassigns it to a colleague',
      'HANDOFF_REASSIGNED',
      ({ id, sue, bea }) => running.app.services.handoff.reassign(sue.id, id, { agentId: bea.id }),
    ],
    [
      'the agent transfers it in another tab',
      // No longer theirs to watch: it answers like a chat that does not exist (README, need-to-know in the console).
      'HANDOFF_NOT_FOUND',
      ({ id, ann, bea }) => running.app.services.handoff.transfer(ann.id, id, { agentId: bea.id }),
    ],
    ['the agent closes it in another tab', 'HANDOFF_NOT_FOUND', ({ id, ann }) => running.app.services.handoff.close(ann.id, id)],
  ];

  test.each(others)(
    "an agent's message checked before %s is refused (%s): nothing stored, nothing reaches the customer, and its retry is refused the same",
    async (_what, code, change) => {
      const ann = await staff({ name: 'Ann Agent', capacity: 50 });
      const bea = await staff({ name: 'Bea Agent', capacity: 50 });
      const sue = await staff({ name: 'Sue Lead', role: 'supervisor', capacity: 50 });
      const { id, conv } = await heldChat(ann);
      const text = `Your refund is on its way (${conv})`;
      const hold = holdNextRead(id);
      const sending = request(ann.socket, 'message:send', { conversationId: id, text, clientMessageId: `k-${conv}` });
      await hold.read;
      await change({ id, ann, sue, bea });
      hold.release();
      const r = await sending;
      expect(r.error?.code).toBe(code);
      // The console's send is answered only after its delivery was tried: nothing was sent, now or later.
      expect(channel.texts(conv)).not.toContain(text);
      expect(await agentTexts(id)).not.toContain(`message:${text}`);
      const again = await request(ann.socket, 'message:send', { conversationId: id, text, clientMessageId: `k-${conv}` });
      expect(again.error?.code).toBe(code);
      expect(await agentTexts(id)).not.toContain(`message:${text}`);
      expect(channel.texts(conv)).not.toContain(text);
    },
  );

  test("an agent's note checked before a takeover is refused (HANDOFF_NOT_OWNER) and not stored; a supervisor's note on it is", async () => {
    const ann = await staff({ name: 'Ann Notes', capacity: 50 });
    const sue = await staff({ name: 'Sue Notes', role: 'supervisor', capacity: 50 });
    const { id } = await heldChat(ann);
    // The gateway's access check reads it first; the note's own check is the second read.
    const hold = holdNextRead(id, 1);
    const noting = request(ann.socket, 'note:add', { conversationId: id, text: 'customer sounds upset' });
    await hold.read;
    await running.app.services.handoff.takeover(sue.id, id);
    hold.release();
    expect((await noting).error?.code).toBe('HANDOFF_NOT_OWNER');
    expect((await request(sue.socket, 'note:add', { conversationId: id, text: 'taking this one' })).ok).toBe(true);
    expect(await agentTexts(id)).toEqual(['note:taking this one']);
  });

  test('a transfer checked before a takeover is refused as a takeover (HANDOFF_TAKEN_OVER): nothing moves, the customer is not told of a transfer, its note is not kept', async () => {
    const ann = await staff({ name: 'Ann Transfers', capacity: 50 });
    const bea = await staff({ name: 'Bea Takes', capacity: 50 });
    const sue = await staff({ name: 'Sue Takes', role: 'supervisor', capacity: 50 });
    const { id, conv } = await heldChat(ann);
    const hold = holdNextRead(id);
    const transferring = request(ann.socket, 'conversation:transfer', { conversationId: id, toAgentId: bea.id, note: 'billing question' });
    await hold.read;
    await running.app.services.handoff.takeover(sue.id, id);
    hold.release();
    expect((await transferring).error?.code).toBe('HANDOFF_TAKEN_OVER');
    expect(await running.app.store.getConversation(id)).toMatchObject({ state: 'agent', agentId: sue.id });
    expect(await agentTexts(id)).toEqual([]);
    const transferred = t('en', 'transferred');
    expect((await running.app.store.listMessages(id)).map((m) => m.text)).not.toContain(transferred);
    expect(channel.texts(conv)).not.toContain(transferred);
  });

  test('a return to the bot checked before a reassignment is refused as a reassignment (HANDOFF_REASSIGNED): the colleague keeps the chat, the bot does not pick it up', async () => {
    const ann = await staff({ name: 'Ann Returns', capacity: 50 });
    const bea = await staff({ name: 'Bea Keeps', capacity: 50 });
    const sue = await staff({ name: 'Sue Moves', role: 'supervisor', capacity: 50 });
    const { id, conv } = await heldChat(ann);
    const hold = holdNextRead(id);
    const returning = request(ann.socket, 'conversation:return', { conversationId: id });
    await hold.read;
    await running.app.services.handoff.reassign(sue.id, id, { agentId: bea.id });
    hold.release();
    expect((await returning).error?.code).toBe('HANDOFF_REASSIGNED');
    expect(await running.app.store.getConversation(id)).toMatchObject({ state: 'agent', agentId: bea.id });
    expect(channel.texts(conv)).not.toContain(t('en', 'returnedToBot'));
  });

  test("a close keeps a tag a colleague set after the close's read (compare-and-set on the version read, read again)", async () => {
    const ann = await staff({ name: 'Ann Closes', capacity: 50 });
    const { id } = await heldChat(ann);
    const hold = holdNextRead(id);
    const closing = codeOf(running.app.services.handoff.close(ann.id, id));
    await hold.read;
    await running.app.store.updateConversation(id, { tags: ['escalate_to_legal'] });
    hold.release();
    expect(await closing).toBe('resolved');
    const closed = await running.app.store.getConversation(id);
    expect(closed?.state).toBe('closed');
    expect([...closed!.tags].sort()).toEqual(['escalate_to_legal', 'survey_pending']);
  });

  test("an agent's file checked before a takeover is refused (HANDOFF_NOT_OWNER): no message stored, nothing sent to the customer", async () => {
    const ann = await staff({ name: 'Ann Files', capacity: 50 });
    const sue = await staff({ name: 'Sue Files', role: 'supervisor', capacity: 50 });
    const { id, conv } = await heldChat(ann);
    const sentBefore = channel.texts(conv).length;
    const form = multipartBody([
      { name: 'file', filename: 'label.png', data: PNG },
      { name: 'text', data: 'Your return label' },
      { name: 'clientMessageId', data: 'file-1' },
    ]);
    const hold = holdNextRead(id);
    const sending = fetch(`${running.url}/api/conversations/${id}/attachments`, {
      method: 'POST',
      body: form.raw,
      headers: { 'content-type': form.type, authorization: `Bearer ${ann.token}` },
    });
    await hold.read;
    await running.app.services.handoff.takeover(sue.id, id);
    hold.release();
    const r = await sending;
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error?: { code?: string } }).error?.code).toBe('HANDOFF_NOT_OWNER');
    expect(await agentTexts(id)).toEqual([]);
    expect(channel.texts(conv).slice(sentBefore)).not.toContain('Your return label');
  });
});
