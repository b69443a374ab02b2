import { createHash } from 'node:crypto';
import { isAppError } from '../../core/errors';
import type { Conversation, Customer, Message } from '../../models/records';
import type { FaultHook, FaultPoint } from '../../store/faults';
import { visitorNumber } from '../../models/visitorLabel';
import { buildConversation, buildCustomer, buildMessage, conversationFacts } from '../../store/recordBuilders';
import type { ConversationStats, StatsQuery, Store } from '../../store/store';
import { IdentityResolution } from '../../profile/identityResolution';
import { PrivacyService } from '../../profile/privacyService';
import { ProfileService } from '../../profile/profileService';
import { UNRECOGNIZED_TOP } from '../../store/storeTypes';

/**
 * Long on purpose: this is the one contract both engines must pass, kept in one file (a describe block per
 * aggregate) so every promise the store makes is read and changed in one place for both.
 *
 * The contract every Store implementation passes (test/contract/*.test.ts run it per store).
 * `make` returns a fresh, initialized, empty store that calls `faults` where two writes belong together
 * (store/faults.ts), with no background work of its own (what a test counts is what it asked for); `dispose`
 * closes it; `reopen` opens a second instance on the same database (another app instance), which the test closes.
 */
export function storeContract(
  make: (options: { faults: FaultHook }) => Promise<Store>,
  dispose: (s: Store) => Promise<void>,
  reopen: (s: Store) => Promise<Store>,
): void {
  let store: Store;
  /** The next failure to inject, once. */
  let failAt: FaultPoint | undefined;
  const faults: FaultHook = (point) => {
    if (point !== failAt) return;
    failAt = undefined;
    throw new Error(`injected failure at ${point}`);
  };
  beforeEach(async () => {
    failAt = undefined;
    store = await make({ faults });
  });
  afterEach(async () => {
    await dispose(store);
  });

  let n = 0;
  const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${++n}`;

  async function newConversation(state: 'bot' | 'queued' = 'bot') {
    const customer = await store.createCustomer({ identities: [{ channelId: 'test', userId: uniq('u'), verified: false, addedAt: new Date().toISOString() }] });
    const { conversation } = await store.getOrCreateConversation({
      channelId: 'test',
      channelConversationId: uniq('conv'),
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: 'http://localhost', conversation: { id: 'c' } },
      state,
    });
    return conversation;
  }

  async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
    const err = await p.then(
      () => new Error('expected a rejection'),
      (e: unknown) => e,
    );
    expect(isAppError(err) ? err.code : err).toBe(code);
  }

  describe('customers', () => {
    test('lookup by channel identity, verified email and phone; unverified contacts are not keys', async () => {
      const at = new Date().toISOString();
      const c = await store.createCustomer({
        displayName: 'Ana',
        identities: [{ channelId: 'facebook', userId: 'fb-1', verified: true, addedAt: at }],
        contacts: [
          { type: 'email', value: 'Ana@Example.COM ', verified: true, source: 'signed_token', addedAt: at },
          { type: 'phone', value: '+34 600 11 22 33', verified: true, source: 'channel', addedAt: at },
          { type: 'email', value: 'ana.typed@example.com', verified: false, source: 'chat', addedAt: at },
        ],
      });
      expect((await store.findCustomerByKey({ kind: 'channel', channelId: 'facebook', userId: 'fb-1' }))?.id).toBe(c.id);
      expect((await store.findCustomerByKey({ kind: 'email', value: 'ana@example.com' }))?.id).toBe(c.id);
      expect((await store.findCustomerByKey({ kind: 'phone', value: '+34600112233' }))?.id).toBe(c.id);
      expect(await store.findCustomerByKey({ kind: 'email', value: 'ana.typed@example.com' })).toBeNull();
      expect((await store.findCustomersByContact('email', 'ANA.TYPED@example.com')).map((x) => x.id)).toEqual([c.id]);
      expect(await store.findCustomerByKey({ kind: 'channel', channelId: 'facebook', userId: 'fb-2' })).toBeNull();
      expect((await store.getCustomer(c.id))?.displayName).toBe('Ana');
    });

    test('an identity key cannot belong to two customers; the failed update changes nothing', async () => {
      const at = new Date().toISOString();
      const a = await store.createCustomer({ identities: [{ channelId: 'slack', userId: 'U1', verified: true, addedAt: at }] });
      const b = await store.createCustomer({ identities: [{ channelId: 'slack', userId: 'U2', verified: true, addedAt: at }] });
      await expectCode(store.createCustomer({ identities: [{ channelId: 'slack', userId: 'U1', verified: true, addedAt: at }] }), 'STORE_CONFLICT');
      await expectCode(
        store.updateCustomer(b.id, { identities: [...b.identities, { channelId: 'slack', userId: 'U1', verified: true, addedAt: at }] }),
        'STORE_CONFLICT',
      );
      const bAfter = await store.getCustomer(b.id);
      expect(bAfter?.identities).toHaveLength(1);
      expect(bAfter?.version).toBe(b.version);
      expect((await store.findCustomerByKey({ kind: 'channel', channelId: 'slack', userId: 'U1' }))?.id).toBe(a.id);
    });

    test('update with a stale version is refused; keys follow the update', async () => {
      const c = await store.createCustomer({ displayName: 'X' });
      const updated = await store.updateCustomer(
        c.id,
        {
          displayName: 'Y',
          contacts: [{ type: 'email', value: 'y@example.com', verified: true, source: 'agent', addedAt: new Date().toISOString() }],
        },
        c.version,
      );
      expect(updated.version).toBe(c.version + 1);
      await expectCode(store.updateCustomer(c.id, { displayName: 'Z' }, c.version), 'STORE_ETAG_CONFLICT');
      expect((await store.findCustomerByKey({ kind: 'email', value: 'y@example.com' }))?.displayName).toBe('Y');
      await store.updateCustomer(c.id, { contacts: [] });
      expect(await store.findCustomerByKey({ kind: 'email', value: 'y@example.com' })).toBeNull();
    });
  });

  describe('conversations and messages', () => {
    test('getOrCreateConversation under 10 concurrent calls creates one', async () => {
      const customer = await store.createCustomer({});
      const id = uniq('chan-conv');
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.getOrCreateConversation({
            channelId: 'webchat',
            channelConversationId: id,
            customerId: customer.id,
            reference: { channelId: 'webchat', serviceUrl: 'http://x', conversation: { id } },
          }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
      expect((await store.findConversationByChannel('webchat', id))?.id).toBe(results[0].conversation.id);
    });

    test('exactly-once append under 20 concurrent duplicates of one activity', async () => {
      const conv = await newConversation();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'hello', activityId: 'act-1' })),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
      const msgs = await store.listMessages(conv.id);
      expect(msgs).toHaveLength(1);
      expect(msgs[0]).toMatchObject({ seq: 1, text: 'hello', activityId: 'act-1', role: 'customer', kind: 'message' });
      expect((await store.findMessageByActivity(conv.id, 'act-1'))?.id).toBe(msgs[0].id);
    });

    test('gap-free sequence numbers under concurrent appends, duplicates included', async () => {
      const conv = await newConversation();
      const writes = Array.from({ length: 40 }, (_, i) =>
        store.appendMessage({ conversationId: conv.id, role: i % 2 ? 'bot' : 'customer', text: `m${i % 30}`, activityId: i % 2 ? undefined : `a${i % 30}` }),
      );
      await Promise.all(writes);
      const msgs = await store.listMessages(conv.id);
      expect(msgs.map((m) => m.seq)).toEqual(Array.from({ length: msgs.length }, (_, i) => i + 1));
      const activityIds = msgs.filter((m) => m.activityId).map((m) => m.activityId);
      expect(new Set(activityIds).size).toBe(activityIds.length);
      expect((await store.getConversation(conv.id))?.lastSeq).toBe(msgs.length);
      expect((await store.listMessages(conv.id, { afterSeq: 5, limit: 3 })).map((m) => m.seq)).toEqual([6, 7, 8]);
    });

    test('appending to an unknown conversation fails and stores nothing', async () => {
      await expectCode(store.appendMessage({ conversationId: 'nope', role: 'customer', text: 'x' }), 'NOT_FOUND');
    });

    test('message ids are UUIDs (version 7) that sort in the order of the appends, milliseconds apart', async () => {
      const conv = await newConversation();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const ms = Date.now();
        while (Date.now() === ms) await new Promise((r) => setImmediate(r));
        ids.push((await store.appendMessage({ conversationId: conv.id, role: i % 2 ? 'bot' : 'customer', text: `m${i}` })).message.id);
      }
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect([...ids].sort()).toEqual(ids);
      expect((await store.listMessages(conv.id)).map((m) => m.id)).toEqual(ids);
    });

    test('compare-and-set claim: 5 concurrent claimers, exactly one winner, 200 rounds', async () => {
      for (let round = 0; round < 200; round++) {
        const conv = await newConversation('queued');
        const results = await Promise.all(
          Array.from({ length: 5 }, (_, a) =>
            store.claimConversation({ conversationId: conv.id, agentId: `agent-${round}-${a}`, fromStates: ['queued'], maxActive: 3 }),
          ),
        );
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'state')).toBe(true);
        const stored = await store.getConversation(conv.id);
        expect(stored?.state).toBe('agent');
        expect(stored?.agentId).toBe(winners[0].ok && winners[0].conversation.agentId);
      }
    });

    test('an agent with capacity 3 never holds a fourth chat, even when claiming concurrently', async () => {
      const agentId = uniq('agent');
      const convs = await Promise.all(Array.from({ length: 6 }, () => newConversation('queued')));
      const results = await Promise.all(convs.map((c) => store.claimConversation({ conversationId: c.id, agentId, fromStates: ['queued'], maxActive: 3 })));
      expect(results.filter((r) => r.ok)).toHaveLength(3);
      expect(results.filter((r) => !r.ok && r.reason === 'capacity')).toHaveLength(3);
      expect(await store.countActiveChats(agentId)).toBe(3);
      // Releasing one chat frees a slot.
      const held = results.find((r) => r.ok)!;
      if (!held.ok) throw new Error('unreachable');
      expect(
        (await store.setConversationState({ conversationId: held.conversation.id, to: 'closed', fromStates: ['agent'], expectedAgentId: agentId })).ok,
      ).toBe(true);
      const free = convs.find((c) => !results[convs.indexOf(c)].ok)!;
      expect((await store.claimConversation({ conversationId: free.id, agentId, fromStates: ['queued'], maxActive: 3 })).ok).toBe(true);
      expect(await store.countActiveChats(agentId)).toBe(3);
    });

    test('wait and handling run from the first assignment: a transfer or a return to the queue moves neither (review 21)', async () => {
      const channelId = uniq('times');
      const customer = await store.createCustomer({ identities: [{ channelId, userId: uniq('u'), verified: false, addedAt: new Date().toISOString() }] });
      const { conversation: conv } = await store.getOrCreateConversation({
        channelId,
        channelConversationId: uniq('conv'),
        customerId: customer.id,
        reference: { channelId, serviceUrl: 'http://localhost', conversation: { id: 'c' } },
      });
      const at = (s: number) => new Date(Date.parse('2026-01-01T10:00:00.000Z') + s * 1000).toISOString();
      const ok = async (r: Promise<{ ok: boolean }>) => expect((await r).ok).toBe(true);
      await ok(store.setConversationState({ conversationId: conv.id, to: 'queued', fromStates: ['bot'], patch: { queuedAt: at(0) } }));
      await ok(store.claimConversation({ conversationId: conv.id, agentId: 'a1', fromStates: ['queued'], maxActive: 5, patch: { assignedAt: at(30) } }));
      // Back to the queue (the console closed) keeping its place, taken again, transferred, closed.
      await ok(store.setConversationState({ conversationId: conv.id, to: 'queued', fromStates: ['agent'], expectedAgentId: 'a1', patch: { queuedAt: at(0) } }));
      await ok(store.claimConversation({ conversationId: conv.id, agentId: 'a2', fromStates: ['queued'], maxActive: 5, patch: { assignedAt: at(100) } }));
      await ok(
        store.claimConversation({
          conversationId: conv.id,
          agentId: 'a3',
          fromStates: ['agent'],
          expectedAgentId: 'a2',
          maxActive: 5,
          patch: { assignedAt: at(108) },
        }),
      );
      await ok(
        store.setConversationState({ conversationId: conv.id, to: 'closed', fromStates: ['agent'], expectedAgentId: 'a3', patch: { closedAt: at(109) } }),
      );
      const stored = (await store.getConversation(conv.id))!;
      expect([stored.firstQueuedAt, stored.firstAssignedAt, stored.assignedAt]).toEqual([at(0), at(30), at(108)]);
      const day = new Date().toISOString().slice(0, 10);
      const stats = await store.conversationStats({ from: `${day}T00:00:00.000Z`, to: new Date(Date.now() + 86_400_000).toISOString(), channelId });
      expect(stats.times.waiting).toEqual({ p50: 30, p90: 30, n: 1 });
      expect(stats.times.handling).toEqual({ p50: 79, p90: 79, n: 1 });
    });

    test('claim reports not_found and state; a transfer needs the expected owner', async () => {
      expect(await store.claimConversation({ conversationId: 'missing', agentId: 'a', fromStates: ['queued'], maxActive: 1 })).toEqual({
        ok: false,
        reason: 'not_found',
      });
      const conv = await newConversation('bot');
      expect(await store.claimConversation({ conversationId: conv.id, agentId: 'a', fromStates: ['queued'], maxActive: 1 })).toEqual({
        ok: false,
        reason: 'state',
      });
      expect((await store.setConversationState({ conversationId: conv.id, to: 'queued', fromStates: ['bot'] })).ok).toBe(true);
      expect((await store.claimConversation({ conversationId: conv.id, agentId: 'a1', fromStates: ['queued'], maxActive: 1 })).ok).toBe(true);
      const wrongOwner = await store.claimConversation({
        conversationId: conv.id,
        agentId: 'a2',
        fromStates: ['agent'],
        expectedAgentId: 'someone-else',
        maxActive: 1,
      });
      expect(wrongOwner).toEqual({ ok: false, reason: 'state' });
      const transfer = await store.claimConversation({ conversationId: conv.id, agentId: 'a2', fromStates: ['agent'], expectedAgentId: 'a1', maxActive: 1 });
      expect(transfer.ok).toBe(true);
      expect(await store.countActiveChats('a1')).toBe(0);
      expect(await store.countActiveChats('a2')).toBe(1);
    });

    test('updateConversation applies only when every expectation holds', async () => {
      const conv = await newConversation('bot');
      expect(await store.updateConversation(conv.id, { priority: 5 }, { states: ['queued'] })).toBeNull();
      expect(await store.updateConversation(conv.id, { priority: 5 }, { version: conv.version + 7 })).toBeNull();
      const ok = await store.updateConversation(conv.id, { priority: 5, handoffReason: 'asked_for_human' }, { states: ['bot'], version: conv.version });
      expect(ok).toMatchObject({ priority: 5, handoffReason: 'asked_for_human', version: conv.version + 1 });
      expect(await store.updateConversation('missing', { priority: 1 })).toBeNull();
      const queued = await store.setConversationState({ conversationId: conv.id, to: 'queued', fromStates: ['bot'] });
      expect((await store.listConversations({ states: ['queued'] })).map((c) => c.id)).toContain(queued.ok && queued.conversation.id);
    });

    test('getConversationHolder reads the state and holder as getConversation does, and null for an unknown id', async () => {
      const conv = await newConversation('queued');
      const holder = async () => {
        const c = (await store.getConversation(conv.id))!;
        return { id: c.id, state: c.state, agentId: c.agentId };
      };
      expect(await store.getConversationHolder(conv.id)).toEqual({ id: conv.id, state: 'queued', agentId: null });
      expect((await store.claimConversation({ conversationId: conv.id, agentId: 'holder-1', fromStates: ['queued'], maxActive: 5 })).ok).toBe(true);
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'still there?', sentiment: -0.5, activityId: uniq('a') });
      expect(await store.getConversationHolder(conv.id)).toEqual({ id: conv.id, state: 'agent', agentId: 'holder-1' });
      expect(await store.getConversationHolder(conv.id)).toEqual(await holder());
      await store.setConversationState({ conversationId: conv.id, to: 'closed', fromStates: ['agent'], expectedAgentId: 'holder-1' });
      expect(await store.getConversationHolder(conv.id)).toEqual({ id: conv.id, state: 'closed', agentId: null });
      expect(await store.getConversationHolder(uniq('absent'))).toBeNull();
    });

    test('setConversationState applies only when state, owner and version are the expected ones, and leaves no owner', async () => {
      expect(await store.setConversationState({ conversationId: 'missing', to: 'queued', fromStates: ['bot'] })).toEqual({ ok: false, reason: 'not_found' });
      const conv = await newConversation('queued');
      expect(await store.setConversationState({ conversationId: conv.id, to: 'closed', fromStates: ['agent'] })).toEqual({ ok: false, reason: 'state' });
      expect(await store.setConversationState({ conversationId: conv.id, to: 'closed', fromStates: ['queued'], expectedVersion: conv.version + 1 })).toEqual({
        ok: false,
        reason: 'state',
      });
      const claimed = await store.claimConversation({ conversationId: conv.id, agentId: 'owner-1', fromStates: ['queued'], maxActive: 1 });
      expect(claimed.ok).toBe(true);
      expect(await store.setConversationState({ conversationId: conv.id, to: 'queued', fromStates: ['agent'], expectedAgentId: 'owner-2' })).toEqual({
        ok: false,
        reason: 'state',
      });
      expect(await store.getConversation(conv.id)).toMatchObject({ state: 'agent', agentId: 'owner-1' });
      const requeued = await store.setConversationState({
        conversationId: conv.id,
        to: 'queued',
        fromStates: ['agent'],
        expectedAgentId: 'owner-1',
        patch: { skill: 'billing' },
      });
      expect(requeued.ok && requeued.conversation).toMatchObject({ state: 'queued', agentId: null, skill: 'billing', handledBy: ['owner-1'] });
      expect(await store.getConversation(conv.id)).toMatchObject({ state: 'queued', agentId: null, skill: 'billing' });
      // The agent's slot is free again.
      expect(await store.countActiveChats('owner-1')).toBe(0);
      expect(
        (await store.claimConversation({ conversationId: (await newConversation('queued')).id, agentId: 'owner-1', fromStates: ['queued'], maxActive: 1 })).ok,
      ).toBe(true);
    });
  });

  describe("an agent's message is stored only while the agent holds the chat (appendMessageIf)", () => {
    const held = async (agentId: string) => {
      const conv = await newConversation('queued');
      const r = await store.claimConversation({ conversationId: conv.id, agentId, fromStates: ['queued'], maxActive: 1000 });
      if (!r.ok) throw new Error('claim failed');
      return r.conversation;
    };
    const mine = (agentId: string) => ({ states: ['agent'] as const, agentId });
    const reply = (conversationId: string, agentId: string, text: string, activityId?: string) => ({
      conversationId,
      role: 'agent' as const,
      kind: 'message' as const,
      authorId: agentId,
      text,
      activityId,
    });

    test('stored with the next seq while the expectation holds; refused, writing nothing, once another holds the chat or it left the agent state', async () => {
      const c = await held('ann');
      const first = await store.appendMessageIf(reply(c.id, 'ann', 'hello', 'agent:ann:k1'), mine('ann'));
      expect(first).toMatchObject({ created: true, message: { seq: 1, text: 'hello', authorId: 'ann' } });
      // A supervisor takes it over: Ann's next message is refused and nothing of it is stored.
      expect((await store.claimConversation({ conversationId: c.id, agentId: 'sue', fromStates: ['agent'], expectedAgentId: 'ann', maxActive: 5 })).ok).toBe(
        true,
      );
      expect(await store.appendMessageIf(reply(c.id, 'ann', 'too late', 'agent:ann:k2'), mine('ann'))).toBeNull();
      expect(await store.findMessageByActivity(c.id, 'agent:ann:k2')).toBeNull();
      expect(await store.appendMessageIf(reply(c.id, 'sue', 'Sue here'), mine('sue'))).toMatchObject({ created: true, message: { seq: 2 } });
      // Closed (or requeued): nobody's message is stored.
      expect((await store.setConversationState({ conversationId: c.id, to: 'closed', fromStates: ['agent'], expectedAgentId: 'sue' })).ok).toBe(true);
      expect(await store.appendMessageIf(reply(c.id, 'sue', 'after close'), mine('sue'))).toBeNull();
      expect(await store.appendMessageIf(reply('missing', 'sue', 'x'), mine('sue'))).toBeNull();
      expect((await store.listMessages(c.id)).map((m) => m.text)).toEqual(['hello', 'Sue here']);
      expect((await store.getConversation(c.id))?.lastSeq).toBe(2);
    });

    test('a retried activity id is answered with the stored message, whatever the chat is now; idempotent under concurrent retries', async () => {
      const c = await held('ann');
      const results = await Promise.all(Array.from({ length: 10 }, () => store.appendMessageIf(reply(c.id, 'ann', 'once', 'agent:ann:r1'), mine('ann'))));
      expect(results.filter((r) => r?.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r?.message.id)).size).toBe(1);
      expect((await store.claimConversation({ conversationId: c.id, agentId: 'sue', fromStates: ['agent'], expectedAgentId: 'ann', maxActive: 5 })).ok).toBe(
        true,
      );
      const retry = await store.appendMessageIf(reply(c.id, 'ann', 'once', 'agent:ann:r1'), mine('ann'));
      expect(retry).toMatchObject({ created: false, message: { id: results[0]!.message.id, seq: 1 } });
      expect(await store.listMessages(c.id)).toHaveLength(1);
    });

    test('racing a takeover: every message is stored before the takeover or not at all, seqs gap-free among all messages', async () => {
      for (let round = 0; round < 20; round++) {
        const c = await held('ann');
        const sends = Array.from({ length: 6 }, (_, i) => store.appendMessageIf(reply(c.id, 'ann', `a${i}`), mine('ann')));
        const customer = Array.from({ length: 3 }, (_, i) => store.appendMessage({ conversationId: c.id, role: 'customer', text: `c${i}` }));
        const takeover = store.claimConversation({ conversationId: c.id, agentId: 'sue', fromStates: ['agent'], expectedAgentId: 'ann', maxActive: 1000 });
        const after = takeover.then(() => store.appendMessage({ conversationId: c.id, role: 'system', kind: 'event', text: 'state' }));
        const [results, , taken, marker] = await Promise.all([Promise.all(sends), Promise.all(customer), takeover, after]);
        expect(taken.ok).toBe(true);
        const msgs = await store.listMessages(c.id);
        expect(msgs.map((m) => m.seq)).toEqual(msgs.map((_, i) => i + 1));
        // What was refused is nowhere; what was stored came before the takeover's record.
        const stored = results.filter((r) => r !== null).map((r) => r.message.text);
        expect(msgs.filter((m) => m.role === 'agent').map((m) => m.text)).toEqual(expect.arrayContaining(stored));
        expect(msgs.filter((m) => m.role === 'agent')).toHaveLength(stored.length);
        for (const m of msgs.filter((x) => x.role === 'agent')) expect(m.seq).toBeLessThan(marker.message.seq);
      }
    });

    test('a set-once field is written by the first of two concurrent writers only', async () => {
      const c = await held('ann');
      const at = ['2026-01-01T10:00:00.000Z', '2026-01-01T10:00:01.000Z', '2026-01-01T10:00:02.000Z'];
      const results = await Promise.all(
        at.map((firstAgentReplyAt) => store.updateConversation(c.id, { firstAgentReplyAt }, { absent: ['firstAgentReplyAt'] })),
      );
      const won = results.filter((r) => r !== null);
      expect(won).toHaveLength(1);
      expect((await store.getConversation(c.id))?.firstAgentReplyAt).toBe(won[0].firstAgentReplyAt);
      expect(await store.updateConversation(c.id, { firstAgentReplyAt: at[0] }, { absent: ['firstAgentReplyAt'] })).toBeNull();
      expect((await store.getConversation(c.id))?.firstAgentReplyAt).toBe(won[0].firstAgentReplyAt);
      // Other expectations still apply alongside, and only known set-once fields are accepted.
      const other = await held('bob');
      expect(await store.updateConversation(other.id, { firstAgentReplyAt: at[0] }, { agentId: 'ann', absent: ['firstAgentReplyAt'] })).toBeNull();
      expect(
        (await store.updateConversation(other.id, { firstAgentReplyAt: at[0] }, { agentId: 'bob', absent: ['firstAgentReplyAt'] }))?.firstAgentReplyAt,
      ).toBe(at[0]);
      await expectCode(store.updateConversation(other.id, { priority: 1 }, { absent: ['priority' as never] }), 'STORE_INVALID_QUERY');
      await expectCode(store.updateConversation(other.id, { priority: 1 }, { absent: [{ $ne: null } as never] }), 'STORE_INVALID_QUERY');
    });
  });

  describe('search and dashboard figures', () => {
    test('not-understood lines left out are dropped before the top is taken: exactly UNRECOGNIZED_TOP of the rest come back', async () => {
      // A channel of its own: nothing else written by this suite is counted.
      const channelId = uniq('nu');
      const customer = await store.createCustomer({});
      const { conversation: conv } = await store.getOrCreateConversation({
        channelId,
        channelConversationId: uniq('conv'),
        customerId: customer.id,
        reference: { channelId, serviceUrl: 'http://localhost', conversation: { id: 'c' } },
      });
      // 25 texts, the i-th said 26 - i times: the ranking is their order.
      const texts = Array.from({ length: 25 }, (_, i) => `unknown thing ${String(i).padStart(2, '0')}`);
      for (const [i, text] of texts.entries())
        for (let n = 0; n < 26 - i; n++)
          await store.appendMessage({ conversationId: conv.id, role: 'customer', text: n === 0 ? text.toUpperCase() : text, intent: 'none' });
      const day = conv.createdAt.slice(0, 10);
      const next = new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
      // The whole day (from its rollup) and an instant range (from the records).
      for (const range of [
        { from: day, to: next },
        { from: new Date(Date.parse(conv.createdAt) - 1000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
      ]) {
        const q = { ...range, channelId };
        const all = (await store.conversationStats(q)).unrecognized;
        expect(all).toHaveLength(UNRECOGNIZED_TOP);
        // Each line's text as returned (the smallest of its spellings: the upper-case one).
        expect(all.map((u) => [u.text, u.count])).toEqual(texts.slice(0, UNRECOGNIZED_TOP).map((t, i) => [t.toUpperCase(), 26 - i]));
        const except = [all[0].text, all[3].text, all[7].text];
        const rest = (await store.conversationStats({ ...q, unrecognizedExcept: except })).unrecognized;
        expect(rest).toHaveLength(UNRECOGNIZED_TOP);
        expect(rest.map((u) => u.text)).toEqual(
          texts
            .map((t) => t.toUpperCase())
            .filter((t) => !except.includes(t))
            .slice(0, UNRECOGNIZED_TOP),
        );
        // Fewer than the top left: all of them, no more.
        expect((await store.conversationStats({ ...q, unrecognizedExcept: all.map((u) => u.text) })).unrecognized.map((u) => u.text)).toEqual(
          texts.slice(UNRECOGNIZED_TOP).map((t) => t.toUpperCase()),
        );
      }
      await expectCode(store.conversationStats({ from: day, to: next, unrecognizedExcept: [42 as unknown as string] }), 'STORE_INVALID_QUERY');
    });

    test('full-text search finds a phrase a customer wrote; search syntax in the query is taken as words', async () => {
      const conv = await newConversation();
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'My blue umbrella arrived broken' });
      await store.appendMessage({ conversationId: conv.id, role: 'bot', text: 'Sorry to hear that' });
      const hits = await store.searchMessages('blue umbrella');
      expect(hits.map((h) => [h.conversationId, h.seq, h.role])).toEqual([[conv.id, 1, 'customer']]);
      // Every word, in any order (review 21: "pedido 12345" found nothing in "El pedido es 12345"); quotes for a phrase.
      for (const q of ['umbrella blue', 'broken BLUE', 'arrived "blue umbrella"', '"blue umbrella'])
        expect((await store.searchMessages(q)).map((h) => h.seq)).toEqual([1]);
      for (const q of ['"umbrella blue"', 'blue umbrella sorry', '"arrived blue"']) expect(await store.searchMessages(q)).toEqual([]);
      for (const q of ['text:blue', 'blue OR sorry', '"unbalanced', 'NEAR(blue sorry)', '*', ''])
        expect(Array.isArray(await store.searchMessages(q))).toBe(true);
      expect((await store.searchMessages('blue OR sorry')).length).toBe(0);
    });

    test('conversation figures per day and channel, containment, handoff reasons and ratings come from the store', async () => {
      const a = await newConversation();
      const b = await newConversation();
      await store.updateConversation(b.id, { handoffReason: 'customer_asked', satisfaction: { score: 4, at: 'x' } });
      const day = a.createdAt.slice(0, 10);
      const stats = await store.conversationStats({ from: `${day}T00:00:00.000Z`, to: `${day}T23:59:59.999Z`, channelId: 'test' });
      expect(stats.total).toBeGreaterThanOrEqual(2);
      expect(stats.perDay.find((r) => r.day === day && r.channelId === 'test')?.count).toBe(stats.total);
      expect(stats.handoffReasons.find((r) => r.reason === 'customer_asked')?.count).toBeGreaterThanOrEqual(1);
      expect(stats.satisfaction.find((r) => r.score === 4)?.count).toBeGreaterThanOrEqual(1);
      expect(stats.botOnly).toBe(stats.total - stats.handoffReasons.reduce((n, r) => n + r.count, 0));
    });
  });

  describe('transcript review and figures', () => {
    const ref = (id: string) => ({ channelId: 'x', serviceUrl: 'http://localhost', conversation: { id } });
    /** Three conversations in March 2025 with known times, intents, sentiment, ratings, tags and segments. */
    async function history() {
      const ana = { ...buildCustomer({ displayName: 'Ana', segments: ['vip'] }), id: uniq('ana') };
      const ben = { ...buildCustomer({ displayName: 'Ben' }), id: uniq('ben') };
      const conv = (id: string, channelId: string, customerId: string, createdAt: string, extra: Partial<Conversation>): Conversation => ({
        ...buildConversation({ channelId, channelConversationId: uniq(id), customerId, reference: ref(id) }),
        id: uniq(id),
        createdAt,
        updatedAt: createdAt,
        ...extra,
      });
      const k1 = conv('k1', 'webchat', ana.id, '2025-03-01T10:00:00.000Z', {
        state: 'closed',
        handoffReason: 'customer_asked',
        handledBy: ['agent-1'],
        queuedAt: '2025-03-01T10:01:00.000Z',
        assignedAt: '2025-03-01T10:03:00.000Z',
        firstAgentReplyAt: '2025-03-01T10:04:00.000Z',
        closedAt: '2025-03-01T10:13:00.000Z',
        satisfaction: { score: 5, at: '2025-03-01T10:14:00.000Z' },
        tags: ['vip-care'],
        lastSeq: 3,
      });
      const k2 = conv('k2', 'facebook', ben.id, '2025-03-02T09:00:00.000Z', { state: 'closed', lastSeq: 3 });
      const k3 = conv('k3', 'webchat', ben.id, '2025-03-02T12:00:00.000Z', {
        state: 'agent',
        agentId: 'agent-2',
        handledBy: ['agent-2'],
        handoffReason: 'negative_sentiment',
        queuedAt: '2025-03-02T12:01:00.000Z',
        assignedAt: '2025-03-02T12:11:00.000Z',
        lastSeq: 1,
      });
      const msg = (c: Conversation, seq: number, role: Message['role'], text: string, intent?: string, sentiment?: number): Message => ({
        ...buildMessage({ conversationId: c.id, role, text, intent, sentiment, createdAt: c.createdAt }, seq),
      });
      const messages = [
        msg(k1, 1, 'customer', 'where is my parcel', 'order.track', 0.5),
        msg(k1, 2, 'bot', 'It is on its way.'),
        msg(k1, 3, 'customer', 'I want a person', 'agent.request', -0.5),
        msg(k2, 1, 'customer', 'blorp the flux capacitor', 'none', -0.2),
        msg(k2, 2, 'customer', 'BLORP the flux capacitor ', 'none', -0.2),
        msg(k2, 3, 'customer', 'refund please', 'refund.request', 0),
        msg(k3, 1, 'customer', 'this is terrible', 'complaint', -0.9),
      ];
      await store.importRecords({ customers: [ana, ben], conversations: [k1, k2, k3], messages });
      return { ana, ben, k1, k2, k3 };
    }
    const ids = (r: { items: { conversation: Conversation }[] }) => r.items.map((i) => i.conversation.id);

    test('every filter narrows the set; results are newest first in keyset pages with summaries', async () => {
      const { ana, ben, k1, k2, k3 } = await history();
      expect(ids(await store.searchTranscripts({}))).toEqual([k3.id, k2.id, k1.id]);
      const first = await store.searchTranscripts({}, { limit: 2 });
      expect(ids(first)).toEqual([k3.id, k2.id]);
      const second = await store.searchTranscripts({}, { limit: 2, cursor: first.nextCursor! });
      expect([ids(second), second.nextCursor]).toEqual([[k1.id], null]);
      const cases: [Parameters<Store['searchTranscripts']>[0], string[]][] = [
        [{ text: 'flux capacitor' }, [k2.id]],
        [{ text: 'capacitor flux' }, [k2.id]],
        [{ text: '"capacitor flux"' }, []],
        [{ text: 'PARCEL' }, [k1.id]],
        [{ text: 'parcel OR NEAR(' }, []],
        [{ channelId: 'webchat' }, [k3.id, k1.id]],
        [{ customerId: ben.id }, [k3.id, k2.id]],
        [{ agentId: 'agent-1' }, [k1.id]],
        [{ state: 'closed' }, [k2.id, k1.id]],
        [{ handoffReason: 'negative_sentiment' }, [k3.id]],
        [{ intent: 'order.track' }, [k1.id]],
        [{ sentimentMax: -0.5 }, [k3.id]],
        [{ sentimentMin: 0 }, [k1.id]],
        [{ satisfactionMin: 4 }, [k1.id]],
        [{ satisfactionMax: 3 }, []],
        [{ tag: 'vip-care' }, [k1.id]],
        [{ tag: 'vip' }, []],
        [{ segment: 'vip' }, [k1.id]],
        [{ from: '2025-03-02T00:00:00.000Z' }, [k3.id, k2.id]],
        [{ to: '2025-03-02T00:00:00.000Z' }, [k1.id]],
        [{ channelId: 'webchat', state: 'agent' }, [k3.id]],
        [{ text: 'refund', customerId: ana.id }, []],
      ];
      for (const [filter, expected] of cases) expect([filter, ids(await store.searchTranscripts(filter))]).toEqual([filter, expected]);
      const [item] = (await store.searchTranscripts({ customerId: ana.id })).items;
      expect([item.customerName, item.sentiment, item.customerMessages, item.conversation.satisfaction?.score]).toEqual(['Ana', 0, 2, 5]);
      await expectCode(store.searchTranscripts({}, { cursor: 'not-a-cursor' }), 'STORE_INVALID_QUERY');
      await expectCode(store.searchTranscripts({ channelId: { $ne: null } as unknown as string }), 'STORE_INVALID_QUERY');
      await expectCode(store.searchTranscripts({ sentimentMin: '0' as unknown as number }), 'STORE_INVALID_QUERY');
    });

    test('figures: times as nearest-rank percentiles, intents, not-understood messages and sentiment per segment', async () => {
      const { k2 } = await history();
      const stats = await store.conversationStats({ from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' });
      expect([stats.total, stats.botOnly]).toEqual([3, 1]);
      expect(stats.handoffReasons).toEqual([
        { reason: 'customer_asked', count: 1 },
        { reason: 'negative_sentiment', count: 1 },
      ]);
      expect(stats.satisfaction).toEqual([{ score: 5, count: 1 }]);
      expect(stats.times).toEqual({
        waiting: { p50: 120, p90: 600, n: 2 },
        firstResponse: { p50: 180, p90: 180, n: 1 },
        handling: { p50: 600, p90: 600, n: 1 },
      });
      expect(stats.intents).toEqual([
        { intent: 'none', count: 2 },
        { intent: 'agent.request', count: 1 },
        { intent: 'complaint', count: 1 },
        { intent: 'order.track', count: 1 },
        { intent: 'refund.request', count: 1 },
      ]);
      expect(stats.unrecognized).toEqual([{ text: 'BLORP the flux capacitor ', count: 2, conversationId: k2.id }]);
      expect(stats.sentiment).toEqual([
        { day: '2025-03-01', segment: '*', average: 0, n: 2 },
        { day: '2025-03-01', segment: 'vip', average: 0, n: 2 },
        { day: '2025-03-02', segment: '*', average: -0.325, n: 4 },
      ]);
      const facebook = await store.conversationStats({ from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z', channelId: 'facebook' });
      expect([facebook.total, facebook.intents.map((i) => i.intent), facebook.times.waiting]).toEqual([
        1,
        ['none', 'refund.request'],
        { p50: null, p90: null, n: 0 },
      ]);
    });

    test("the customer filter finds a customer by id, or by their name's words or their beginnings, without case or accents", async () => {
      const channelId = uniq('names');
      const named = (displayName: string) => ({ ...buildCustomer({ displayName }), id: uniq('cust') });
      const [gomez, anabel, mariana, jose, zoe] = ['Ana Gómez', 'ANABEL ruiz', 'Mariana López', 'José Ángel', 'Zoe Quintero'].map(named);
      const people = [gomez, anabel, mariana, jose, zoe];
      const convs = people.map((c, i) => ({
        ...buildConversation({ channelId, channelConversationId: uniq('c'), customerId: c.id, reference: ref(c.id) }),
        id: uniq(`n${i}`),
        createdAt: `2024-06-0${i + 1}T10:00:00.000Z`,
        updatedAt: `2024-06-0${i + 1}T10:00:00.000Z`,
      }));
      await store.importRecords({
        customers: people,
        conversations: convs,
        messages: convs.map((c) => buildMessage({ conversationId: c.id, role: 'customer', text: 'where is my parcel', createdAt: c.createdAt }, 1)),
      });
      const of = (c: Customer) => convs[people.indexOf(c)].id;
      const found = async (customer: string, text?: string) =>
        ids(await store.searchTranscripts({ customer, channelId, ...(text ? { text } : {}) }, { limit: 10 }));
      const cases: [string, Customer[]][] = [
        ['ana', [gomez, anabel]],
        ['Ana Gómez', [gomez]],
        ['ana gomez', [gomez]],
        ['GÓMEZ', [gomez]],
        ['gomez ana', [gomez]],
        ['Ana Gó', [gomez]],
        ['ángel', [jose]],
        ['jose angel', [jose]],
        ['mariana', [mariana]],
        ['zoe', [zoe]],
        [mariana.id, [mariana]],
        ['ana lopez', []],
        ['.*', []],
        ['^a', [gomez, anabel, jose]], // punctuation is no syntax: the prefix a
        ['(', []],
        ['%', []],
        ['nobody', []],
      ];
      for (const [query, expected] of cases) expect([query, await found(query)]).toEqual([query, expected.map(of).reverse()]);
      expect(await found('ana', 'parcel')).toEqual([of(anabel), of(gomez)]);
      // A new name is found by it at once; the old name no longer finds them. An erased name (blanked) is found by nothing.
      await store.updateCustomer(gomez.id, { displayName: 'Beatriz Gómez' });
      expect([await found('ana'), await found('bea')]).toEqual([[of(anabel)], [of(gomez)]]);
      await store.updateCustomer(zoe.id, { displayName: '' });
      expect([await found('zoe'), await found('quintero', 'parcel'), await found(zoe.id)]).toEqual([[], [], [of(zoe)]]);
      await expectCode(store.searchTranscripts({ customer: { $ne: null } as unknown as string }), 'STORE_INVALID_QUERY');
    });

    test('the customer filter finds nameless visitors by the label the console shows ("Visitor 6290", "visitor 6290", "6290"), all who share its number', async () => {
      const channelId = uniq('visitors');
      // Ids whose visitor numbers collide (a four-digit number: a collision within a few hundred ids), and a third id
      // with the same number: one visitor created live, one imported, one with a name (the console shows the name).
      const first = await store.createCustomer({ displayName: '' });
      const n = visitorNumber(first.id);
      const sameNumber: string[] = [];
      for (let i = 0; sameNumber.length < 2; i++) {
        const id = `${channelId}-${i}`;
        if (visitorNumber(id) === n) sameNumber.push(id);
      }
      const imported = { ...buildCustomer({}), id: sameNumber[0] };
      const named = { ...buildCustomer({ displayName: 'Vera Visitor' }), id: sameNumber[1] };
      const other = { ...buildCustomer({}), id: uniq('other') };
      const people = [first, imported, named, other];
      const convs = people.map((c, i) => ({
        ...buildConversation({ channelId, channelConversationId: uniq('c'), customerId: c.id, reference: ref(c.id) }),
        id: uniq(`v${i}`),
        createdAt: `2024-07-0${i + 1}T10:00:00.000Z`,
        updatedAt: `2024-07-0${i + 1}T10:00:00.000Z`,
      }));
      await store.importRecords({
        customers: [imported, named, other],
        conversations: convs,
        messages: convs.map((c) => buildMessage({ conversationId: c.id, role: 'customer', text: 'where is my parcel', createdAt: c.createdAt }, 1)),
      });
      const found = async (customer: string, text?: string) =>
        ids(await store.searchTranscripts({ customer, channelId, ...(text ? { text } : {}) }, { limit: 10 }));
      const both = [convs[1].id, convs[0].id];
      const otherNumber = visitorNumber(other.id);
      for (const query of [`Visitor ${n}`, `visitor ${n}`, `VISITOR  ${n}`, `${n}`, ` ${n} `, `Visitante ${n}`, `#${n}`])
        expect([query, await found(query)]).toEqual([query, both]);
      expect(await found(`Visitor ${n}`, 'parcel')).toEqual(both);
      expect(await found(`Visitor ${otherNumber}`)).toEqual(otherNumber === n ? [...both, convs[3].id] : [convs[3].id]);
      for (const query of [`Vistor ${n}`, `Visitor ${n}5`, `${n}`.slice(1), `customer ${n}`]) expect([query, await found(query)]).toEqual([query, []]);
      // Given a name, the console shows the name: the label finds them no more; a name blanked (erased) shows the label again.
      await store.updateCustomer(first.id, { displayName: 'Nadia Nombre' });
      expect(await found(`Visitor ${n}`)).toEqual([convs[1].id]);
      await store.updateCustomer(first.id, { displayName: '  ' });
      expect(await found(`Visitor ${n}`)).toEqual(both);
    });

    test('a common name (more customers than a name lists) pages newest first like any filter', async () => {
      const channelId = uniq('common');
      const many = Array.from({ length: 520 }, (_, i) => ({
        ...buildCustomer({ displayName: i % 2 ? `Lucía Pérez ${i}` : `Luis Pérez ${i}` }),
        id: uniq('p'),
      }));
      const convs = many.map((c, i) => ({
        ...buildConversation({ channelId, channelConversationId: uniq('c'), customerId: c.id, reference: ref(c.id) }),
        id: uniq('pc'),
        createdAt: new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString(),
      }));
      await store.importRecords({ customers: many, conversations: convs.map((c) => ({ ...c, updatedAt: c.createdAt })) });
      const newest = [...convs].reverse();
      const walk = async (customer: string) => {
        const out: string[] = [];
        for (let cursor: string | undefined; ;) {
          const page = await store.searchTranscripts({ customer, channelId }, { limit: 200, ...(cursor ? { cursor } : {}) });
          out.push(...ids(page));
          if (!page.nextCursor) return out;
          cursor = page.nextCursor;
        }
      };
      expect(await walk('perez')).toEqual(newest.map((c) => c.id));
      expect(await walk('lucia perez')).toEqual(newest.filter((_, i) => (convs.length - 1 - i) % 2 === 1).map((c) => c.id));
      expect(await walk(many[7].id)).toEqual([convs[7].id]);
    });

    test('messages of many conversations come grouped in the given order', async () => {
      const { k1, k3 } = await history();
      expect((await store.listMessagesOf([k3.id, k1.id])).map((m) => `${m.conversationId === k3.id ? 'k3' : 'k1'}:${m.seq}`)).toEqual([
        'k3:1',
        'k1:1',
        'k1:2',
        'k1:3',
      ]);
      expect(await store.listMessagesOf([])).toEqual([]);
    });

    test('live writes keep the indexed facts: running sentiment, every agent who held the chat, tags', async () => {
      const conv = await newConversation('queued');
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'bad', sentiment: -1, activityId: 's1' });
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'worse', sentiment: -0.5, activityId: 's2' });
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'worse', sentiment: -0.5, activityId: 's2' });
      const only = async (f: Parameters<Store['searchTranscripts']>[0]) => (await store.searchTranscripts({ customerId: conv.customerId, ...f })).items;
      expect((await only({}))[0].sentiment).toBe(-0.75);
      expect((await store.claimConversation({ conversationId: conv.id, agentId: 'ag-a', fromStates: ['queued'], maxActive: 3 })).ok).toBe(true);
      expect(
        (await store.claimConversation({ conversationId: conv.id, agentId: 'ag-b', fromStates: ['agent'], expectedAgentId: 'ag-a', maxActive: 3 })).ok,
      ).toBe(true);
      const closed = await store.setConversationState({ conversationId: conv.id, to: 'closed', fromStates: ['agent'], patch: { tags: ['reviewed'] } });
      expect(closed.ok && closed.conversation.handledBy).toEqual(['ag-a', 'ag-b']);
      expect((await only({ agentId: 'ag-a', tag: 'reviewed' })).length).toBe(1);
      await store.eraseMessages(conv.id);
      expect((await only({}))[0].sentiment).toBeNull();
    });
  });

  describe('profile merges and erasure', () => {
    test('conversations move between customers, all or only the named ones', async () => {
      const a = await newConversation();
      const b = await newConversation();
      const target = await store.createCustomer({});
      expect(await store.moveConversations(a.customerId, target.id)).toEqual([a.id]);
      expect((await store.getConversation(a.id))?.customerId).toBe(target.id);
      expect(await store.moveConversations(b.customerId, target.id, ['someone-else'])).toEqual([]);
      expect((await store.listConversations({ customerId: target.id })).map((c) => c.id)).toEqual([a.id]);
    });

    test('erasing a conversation blanks texts and derived data, keeps the sequence, and search no longer finds it', async () => {
      const conv = await newConversation();
      await store.appendMessage({
        conversationId: conv.id,
        role: 'customer',
        text: 'my secret zebra address',
        intent: 'contact.change',
        sentiment: -0.5,
        activityId: 'z1',
      });
      await store.appendMessage({ conversationId: conv.id, role: 'bot', text: 'noted zebra' });
      expect((await store.searchMessages('secret zebra')).length).toBe(1);
      expect(await store.eraseMessages(conv.id)).toBe(2);
      const msgs = await store.listMessages(conv.id);
      expect(msgs.map((m) => [m.seq, m.role, m.text, m.intent, m.sentiment])).toEqual([
        [1, 'customer', '', undefined, undefined],
        [2, 'bot', '', undefined, undefined],
      ]);
      expect(await store.searchMessages('zebra')).toEqual([]);
    });

    test('eraseConversation blanks the messages and replaces channel keys that may carry an identifier; scrub() then resolves', async () => {
      const conv = await newConversation();
      const handleKey = uniq('@handle');
      const { conversation: keyed } = await store.getOrCreateConversation({
        channelId: 'mention:x',
        channelConversationId: handleKey,
        customerId: conv.customerId,
        reference: {
          channelId: 'mention:x',
          serviceUrl: 'https://x.example/handle/1',
          conversation: { id: handleKey },
          user: { id: handleKey, name: 'Handle' },
        },
      });
      await store.updateConversation(keyed.id, { tags: ['vip'], satisfaction: { score: 2, at: new Date().toISOString() } });
      await store.appendMessage({ conversationId: keyed.id, role: 'customer', text: 'my secret ocelot', sentiment: -0.5, activityId: 'o1' });
      const opaque = uniq('erased');
      expect(await store.eraseConversation(keyed.id, opaque)).toBe(1);
      const after = await store.getConversation(keyed.id);
      expect(after).toMatchObject({
        channelConversationId: opaque,
        reference: { channelId: 'mention:x', serviceUrl: '', conversation: { id: opaque } },
        tags: [],
      });
      expect(after?.satisfaction).toBeUndefined();
      expect(JSON.stringify(after)).not.toContain(handleKey);
      expect(await store.findConversationByChannel('mention:x', handleKey)).toBeNull();
      expect((await store.findConversationByChannel('mention:x', opaque))?.id).toBe(keyed.id);
      expect((await store.listMessages(keyed.id)).map((m) => m.text)).toEqual(['']);
      expect(await store.searchMessages('ocelot')).toEqual([]);
      expect((await store.searchTranscripts({ customerId: conv.customerId, tag: 'vip' })).items).toEqual([]);
      expect(await store.eraseConversation('missing', uniq('erased'))).toBe(0);
      await store.forgetCustomer(uniq('nobody'));
      // The store goes on working after a scrub.
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'after scrub' });
      expect((await store.searchMessages('after scrub')).map((h) => h.conversationId)).toEqual([conv.id]);
    });
  });

  describe('the full-text index follows every change', () => {
    test('messages erased or deleted before or after a search are never found again; new ones always are', async () => {
      const a = await newConversation();
      const b = await newConversation();
      await store.appendMessage({ conversationId: a.id, role: 'customer', text: 'walrus before any search' });
      await store.eraseMessages(a.id);
      await store.appendMessage({ conversationId: b.id, role: 'customer', text: 'walrus in a kept chat' });
      expect((await store.searchMessages('walrus')).map((h) => h.conversationId)).toEqual([b.id]);
      const c = await newConversation();
      await store.appendMessage({ conversationId: c.id, role: 'customer', text: 'narwhal deleted soon' });
      expect((await store.searchMessages('narwhal')).map((h) => h.conversationId)).toEqual([c.id]);
      await store.deleteConversation(c.id);
      await store.deleteConversation(b.id);
      expect(await store.searchMessages('narwhal')).toEqual([]);
      expect(await store.searchMessages('walrus')).toEqual([]);
      await store.appendMessage({ conversationId: a.id, role: 'customer', text: 'walrus again' });
      expect((await store.searchTranscripts({ text: 'walrus' })).items.map((t) => t.conversation.id)).toEqual([a.id]);
    });
  });

  describe('a phrase means the same on both stores (store/searchText.ts)', () => {
    test.each([
      ["can't log in", ['apostrophe']],
      ['CAN T LOG IN', ['apostrophe']],
      ['cant log in', []],
      ['log in', ['apostrophe']],
      ['e-mail', ['hyphen', 'spaced']],
      ['E-Mail address', ['hyphen']],
      ['123-456', ['digits']],
      ['123 456', ['digits']],
      ['123456', []],
      ['line second', ['break']],
      ['cafe creme', ['accents']],
      ['crème', ['accents']],
      ['in since', ['apostrophe']],
      ['since in', ['apostrophe']],
      ['"since in"', []],
      ['"in since"', ['apostrophe']],
      ['tuesday log', ['apostrophe']],
      ['c course', ['symbols']],
      ['50 refund', ['symbols']],
      ['file not found', ['compatibility']],
    ])('%j finds %j', async (query, expected) => {
      const conv = await newConversation();
      const texts: Record<string, string> = {
        apostrophe: "I can't log in since Tuesday",
        hyphen: 'Please update my e-mail address',
        spaced: 'e mail me please',
        digits: 'Order 123-456 arrived broken',
        break: 'first line\nsecond line',
        accents: 'Café crème',
        substring: 'I read a blog inside the app',
        symbols: 'C++ course: £50 refund?',
        compatibility: 'ﬁle not found',
      };
      const seqOf: Record<number, string> = {};
      for (const [name, text] of Object.entries(texts))
        seqOf[(await store.appendMessage({ conversationId: conv.id, role: 'customer', text })).message.seq] = name;
      const hits = (await store.searchMessages(query)).filter((h) => h.conversationId === conv.id);
      expect(hits.map((h) => seqOf[h.seq]).sort()).toEqual([...expected].sort());
      const transcripts = (await store.searchTranscripts({ text: query, customerId: conv.customerId })).items.map((i) => i.conversation.id);
      expect(transcripts).toEqual(expected.length ? [conv.id] : []);
    });
  });

  describe('two writes that belong together: a failure between them is repaired', () => {
    test('a failed count after an append: the retry and the repair leave lastSeq and sentiment right, gap-free', async () => {
      const conv = await newConversation();
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'bad', sentiment: -1, activityId: 'r1' });
      failAt = 'message.afterInsert';
      await expect(store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'good', sentiment: 1, activityId: 'r2' })).rejects.toThrow();
      // The channel retries the activity: stored once, counted once.
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'good', sentiment: 1, activityId: 'r2' });
      await store.repair();
      await store.repair();
      const third = await store.appendMessage({ conversationId: conv.id, role: 'bot', text: 'noted' });
      expect(third.message.seq).toBe(3);
      expect((await store.listMessages(conv.id)).map((m) => [m.seq, m.text])).toEqual([
        [1, 'bad'],
        [2, 'good'],
        [3, 'noted'],
      ]);
      expect((await store.getConversation(conv.id))?.lastSeq).toBe(3);
      expect((await store.searchTranscripts({ customerId: conv.customerId })).items[0].sentiment).toBe(0);
      expect((await store.searchTranscripts({ customerId: conv.customerId, sentimentMin: 0, sentimentMax: 0 })).items).toHaveLength(1);
    });

    test('a failed count that nobody retries: the repair alone brings lastSeq and sentiment to what is stored', async () => {
      const conv = await newConversation();
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'meh', sentiment: -0.5, activityId: 'q1' });
      failAt = 'message.afterInsert';
      await expect(store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'fine', sentiment: 0.5, activityId: 'q2' })).rejects.toThrow();
      await store.repair();
      const stored = await store.listMessages(conv.id);
      expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
      expect((await store.getConversation(conv.id))?.lastSeq).toBe(stored.length);
      const scores = stored.map((m) => m.sentiment!);
      expect((await store.searchTranscripts({ customerId: conv.customerId })).items[0].sentiment).toBe(scores.reduce((a, b) => a + b, 0) / scores.length);
    });

    test('a failure while changed days are marked, passed on or rebuilt: the dashboard still equals the records, and the repair completes', async () => {
      const conv = await newConversation();
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'where is my order', intent: 'order.track', sentiment: -1 });
      const day = conv.createdAt.slice(0, 10);
      const next = new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
      const q = { from: day, to: next };
      expect(await store.conversationStats(q)).toMatchObject({ total: 1, botOnly: 1, handoffReasons: [], intents: [{ intent: 'order.track', count: 1 }] });
      // The day's rollup is built before the writes whose marking fails (MongoDB: each fault point below is a step
      // of the repair; the embedded store marks and rebuilds inside its transactions and never reaches them).
      await store.repair();
      await store.updateConversation(conv.id, { handoffReason: 'customer_asked', satisfaction: { score: 2, at: conv.createdAt } });
      failAt = 'rollup.beforeClear';
      await store.repair().catch(() => undefined);
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'blorp', intent: 'none', sentiment: 1 });
      failAt = 'rollup.beforeMark';
      await store.repair().catch(() => undefined);
      failAt = 'rollup.beforeStore';
      await store.repair().catch(() => undefined);
      failAt = undefined;
      expect((await store.getConversation(conv.id))?.handoffReason).toBe('customer_asked');
      const expected = {
        total: 1,
        botOnly: 0,
        handoffReasons: [{ reason: 'customer_asked', count: 1 }],
        satisfaction: [{ score: 2, count: 1 }],
        intents: [
          { intent: 'none', count: 1 },
          { intent: 'order.track', count: 1 },
        ],
        unrecognized: [{ text: 'blorp', count: 1, conversationId: conv.id }],
      };
      // Right at once (a day whose rebuild failed is read from the records), and right after the repair.
      expect(await store.conversationStats(q)).toMatchObject(expected);
      await store.repair();
      const stats = await store.conversationStats(q);
      expect(stats).toMatchObject(expected);
      expect(stats.sentiment.find((s) => s.segment === '*')).toMatchObject({ day, average: 0, n: 2 });
    });

    test('a close that failed after its first write: capacity is whole again after the repair', async () => {
      const agentId = uniq('agent');
      const conv = await newConversation('queued');
      expect((await store.claimConversation({ conversationId: conv.id, agentId, fromStates: ['queued'], maxActive: 1 })).ok).toBe(true);
      failAt = 'conversation.afterWrite';
      const close = () => store.setConversationState({ conversationId: conv.id, to: 'closed', fromStates: ['agent'], expectedAgentId: agentId });
      await expect(close()).rejects.toThrow();
      await close();
      await store.repair();
      expect((await store.getConversation(conv.id))?.state).toBe('closed');
      expect(await store.countActiveChats(agentId)).toBe(0);
      const next = await newConversation('queued');
      expect(await store.claimConversation({ conversationId: next.id, agentId, fromStates: ['queued'], maxActive: 1 })).toMatchObject({ ok: true });
    });

    test('a transfer that failed after its first write: neither agent keeps a phantom chat after the repair', async () => {
      const [from, to] = [uniq('from'), uniq('to')];
      const conv = await newConversation('queued');
      await store.claimConversation({ conversationId: conv.id, agentId: from, fromStates: ['queued'], maxActive: 1 });
      failAt = 'conversation.afterWrite';
      await store
        .claimConversation({ conversationId: conv.id, agentId: to, fromStates: ['agent'], expectedAgentId: from, maxActive: 1 })
        .catch(() => undefined);
      await store.repair();
      const owner = (await store.getConversation(conv.id))?.agentId;
      const other = owner === from ? to : from;
      expect([await store.countActiveChats(owner!), await store.countActiveChats(other)]).toEqual([1, 0]);
      const next = await newConversation('queued');
      expect(await store.claimConversation({ conversationId: next.id, agentId: other, fromStates: ['queued'], maxActive: 1 })).toMatchObject({ ok: true });
    });

    test('a claim that failed after reserving capacity: the agent can take a chat after the repair', async () => {
      const agentId = uniq('agent');
      const conv = await newConversation('queued');
      failAt = 'claim.afterReserve';
      await expect(store.claimConversation({ conversationId: conv.id, agentId, fromStates: ['queued'], maxActive: 1 })).rejects.toThrow();
      await store.repair();
      expect((await store.getConversation(conv.id))?.state).toBe('queued');
      const other = await newConversation('queued');
      expect(await store.claimConversation({ conversationId: other.id, agentId, fromStates: ['queued'], maxActive: 1 })).toMatchObject({ ok: true });
      expect(await store.countActiveChats(agentId)).toBe(1);
    });
  });

  test("an agent's first claims, made at once, are all granted while capacity lasts", async () => {
    for (let round = 0; round < 20; round++) {
      const agentId = uniq('first-claims');
      const convs = await Promise.all(Array.from({ length: 4 }, () => newConversation('queued')));
      const results = await Promise.all(convs.map((c) => store.claimConversation({ conversationId: c.id, agentId, fromStates: ['queued'], maxActive: 4 })));
      expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
      expect(await store.countActiveChats(agentId)).toBe(4);
    }
  });

  describe('dashboard figures equal the figures of the records (daily rollups, both stores)', () => {
    /** The figures of `q` computed here, from the records themselves (what conversationStats promises). */
    function reference(q: StatsQuery, customers: Customer[], conversations: Conversation[], messages: Message[]): ConversationStats {
      const inRange = (at: string) => at >= q.from && at < q.to;
      const convs = conversations.filter((c) => inRange(c.createdAt) && (q.channelId === undefined || c.channelId === q.channelId));
      const channelOf = new Map(conversations.map((c) => [c.id, c.channelId]));
      const said = messages.filter(
        (m) => m.role === 'customer' && inRange(m.createdAt) && (q.channelId === undefined || channelOf.get(m.conversationId) === q.channelId),
      );
      const count = <K>(keys: K[]) => {
        const out = new Map<K, number>();
        for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
        return [...out];
      };
      const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      const sentimentOf = (c: Conversation) => {
        const scores = messages.filter((m) => m.conversationId === c.id && m.role === 'customer' && typeof m.sentiment === 'number');
        return { sum: scores.reduce((a, m) => a + m.sentiment!, 0), n: scores.length };
      };
      const segmentsOf = new Map(customers.map((c) => [c.id, c.segments]));
      const sentiment: ConversationStats['sentiment'] = [];
      const keys = new Set(
        convs.filter((c) => sentimentOf(c).n > 0).flatMap((c) => ['*', ...(segmentsOf.get(c.customerId) ?? [])].map((s) => `${c.createdAt.slice(0, 10)}|${s}`)),
      );
      for (const [day, segment] of [...keys].map((k) => k.split('|'))) {
        const mine = convs.filter((c) => c.createdAt.slice(0, 10) === day && (segment === '*' || segmentsOf.get(c.customerId)?.includes(segment)));
        const sum = mine.reduce((a, c) => a + sentimentOf(c).sum, 0);
        const n = mine.reduce((a, c) => a + sentimentOf(c).n, 0);
        sentiment.push({ day, segment, average: Math.round((sum / n) * 1000) / 1000, n });
      }
      const percentiles = (values: (number | null)[]) => {
        const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
        const at = (p: number) => (v.length ? v[Math.max(0, Math.ceil(p * v.length) - 1)] / 1000 : null);
        return { p50: at(0.5), p90: at(0.9), n: v.length };
      };
      const unrecognized = new Map<string, { text: string; count: number; conversationId: string }>();
      for (const m of said.filter((m) => m.intent === 'none' && m.text !== '')) {
        const key = m.text.trim().toLowerCase();
        const u = unrecognized.get(key);
        unrecognized.set(
          key,
          u
            ? {
                text: m.text < u.text ? m.text : u.text,
                count: u.count + 1,
                conversationId: m.conversationId > u.conversationId ? m.conversationId : u.conversationId,
              }
            : { text: m.text, count: 1, conversationId: m.conversationId },
        );
      }
      return {
        perDay: count(convs.map((c) => `${c.createdAt.slice(0, 10)}|${c.channelId}`))
          .map(([k, n]) => ({ day: k.split('|')[0], channelId: k.split('|')[1], count: n }))
          .sort((a, b) => text(a.day, b.day) || text(a.channelId, b.channelId)),
        total: convs.length,
        botOnly: convs.filter((c) => !c.handoffReason && c.state !== 'external').length,
        handoffReasons: count(convs.flatMap((c) => (c.handoffReason ? [c.handoffReason] : [])))
          .map(([reason, n]) => ({ reason, count: n }))
          .sort((a, b) => b.count - a.count || text(a.reason, b.reason)),
        satisfaction: count(convs.flatMap((c) => (c.satisfaction ? [c.satisfaction.score] : [])))
          .map(([score, n]) => ({ score, count: n }))
          .sort((a, b) => a.score - b.score),
        times: {
          waiting: percentiles(convs.map((c) => conversationFacts(c).waitMs)),
          firstResponse: percentiles(convs.map((c) => conversationFacts(c).firstResponseMs)),
          handling: percentiles(convs.map((c) => conversationFacts(c).handleMs)),
        },
        intents: count(said.flatMap((m) => (m.intent ? [m.intent] : [])))
          .map(([intent, n]) => ({ intent, count: n }))
          .sort((a, b) => b.count - a.count || text(a.intent, b.intent)),
        unrecognized: [...unrecognized.values()].sort((a, b) => b.count - a.count || text(a.text, b.text)).slice(0, 20),
        sentiment: sentiment.sort((a, b) => text(a.day, b.day) || text(a.segment, b.segment)),
      };
    }

    /** Sixty conversations over five days of March 2025, some a millisecond either side of midnight (UTC, the dashboard's day). */
    function records() {
      let seed = 7;
      const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
      const customers = [
        { ...buildCustomer({ displayName: 'V', segments: ['vip'] }), id: uniq('rv') },
        { ...buildCustomer({ displayName: 'R', segments: ['at_risk', 'vip'] }), id: uniq('rr') },
        { ...buildCustomer({ displayName: 'P' }), id: uniq('rp') },
      ];
      const conversations: Conversation[] = [];
      const messages: Message[] = [];
      const base = Date.UTC(2025, 2, 10);
      for (let i = 0; i < 60; i++) {
        const ms = i % 6 === 0 ? base + (1 + (i % 4)) * 86_400_000 - (i % 12 === 0 ? 1 : 0) : base + Math.floor(rand() * 5 * 86_400_000);
        const at = (plus: number) => new Date(ms + plus).toISOString();
        const channelId = pick(['webchat', 'slack', 'msteams']);
        const handed = rand() < 0.5;
        const c: Conversation = {
          ...buildConversation({
            channelId,
            channelConversationId: uniq('r'),
            customerId: pick(customers).id,
            reference: { channelId, serviceUrl: 'x', conversation: { id: 'r' } },
          }),
          id: uniq(`r${String(i).padStart(2, '0')}`),
          createdAt: at(0),
          updatedAt: at(0),
          state: handed ? pick(['closed', 'agent', 'queued'] as const) : pick(['bot', 'closed', 'external'] as const),
          ...(handed
            ? {
                handoffReason: pick(['customer_asked', 'not_understood', 'negative_sentiment']),
                queuedAt: at(1000),
                assignedAt: at(1000 + Math.floor(rand() * 90_000)),
              }
            : {}),
          ...(handed && rand() < 0.7
            ? { firstAgentReplyAt: at(5000 + Math.floor(rand() * 60_000)), closedAt: at(200_000 + Math.floor(rand() * 600_000)) }
            : {}),
          ...(rand() < 0.4 ? { satisfaction: { score: 1 + Math.floor(rand() * 5), at: at(900_000) } } : {}),
        };
        const n = 1 + Math.floor(rand() * 4);
        for (let k = 1; k <= n; k++) {
          const unknown = rand() < 0.3;
          messages.push(
            buildMessage(
              {
                conversationId: c.id,
                role: k % 2 ? 'customer' : 'bot',
                text: unknown ? pick(['Blorp the flux', 'blorp the FLUX ', 'zorbly', '']) : pick(['where is my order', 'refund please']),
                ...(k % 2
                  ? { intent: unknown ? 'none' : pick(['order.track', 'refund.request']), sentiment: pick([-1, -0.5, -0.25, 0, 0.25, 0.5, 1, undefined]) }
                  : {}),
                // A message may fall on the next day (its own day counts for intents).
                createdAt: at(k * 3_600_000 * Math.floor(rand() * 8)),
              },
              k,
            ),
          );
        }
        c.lastSeq = n;
        conversations.push(c);
      }
      return { customers, conversations, messages };
    }

    const ranges = (channelId?: string): StatsQuery[] =>
      [
        { from: '2025-03-10T12:00:00.000Z', to: '2025-03-14T06:30:00.000Z' },
        { from: '2025-03-11T00:00:00.000Z', to: '2025-03-13T00:00:00.000Z' },
        { from: '2025-03-11', to: '2025-03-14' },
        { from: '2025-03-10T23:59:59.999Z', to: '2025-03-12T00:00:00.001Z' },
        { from: '2025-03-12T03:00:00.000Z', to: '2025-03-12T20:00:00.000Z' },
        { from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' },
      ].map((r) => ({ ...r, ...(channelId ? { channelId } : {}) }));

    test('over whole days, partial days and a day boundary, per channel, before and after erasure, deletion and a segment change', async () => {
      const { customers, conversations, messages } = records();
      await store.importRecords({ customers, conversations, messages });
      const check = async (label: string) => {
        for (const q of [...ranges(), ...ranges('slack')])
          expect([label, q, await store.conversationStats(q)]).toEqual([label, q, reference(q, customers, conversations, messages)]);
      };
      await check('imported');
      expect((await store.conversationStats(ranges()[5])).total).toBe(60);
      // Asked twice: the second answer comes from rollups the first one brought up to date.
      await check('again');
      // Privacy erasure blanks texts, intents and sentiment; retention deletes a conversation with its messages.
      const erased = conversations[3];
      await store.eraseMessages(erased.id);
      for (const m of messages.filter((x) => x.conversationId === erased.id)) Object.assign(m, { text: '', intent: undefined, sentiment: undefined });
      const deleted = conversations.splice(7, 1)[0];
      await store.deleteConversation(deleted.id);
      messages.splice(0, messages.length, ...messages.filter((m) => m.conversationId !== deleted.id));
      await check('after erasure and deletion');
      // A customer's segments change: their conversations' days count under the new segments.
      const moved = customers[2];
      const updated = await store.updateCustomer(moved.id, { segments: ['vip'] });
      customers[2] = { ...moved, segments: updated.segments };
      await check('after a segment change');
    });

    // One after the other: two connections of one process cannot wait for each other's write lock (the embedded
    // store's processes race for real in test/integration/sqliteMultiProcess.test.ts).
    test('two instances on one database: each changed day is recomputed by one of them, once, and a day nothing changed never again', async () => {
      const other = await reopen(store);
      try {
        const { customers, conversations, messages } = records();
        await store.importRecords({ customers, conversations, messages });
        const days = new Set([...conversations, ...messages.filter((m) => m.role === 'customer')].map((r) => r.createdAt.slice(0, 10)));
        const first = [await store.repair(), await other.repair()];
        expect(first.map((r) => r.rollupDays)).toEqual([days.size, 0]);
        // Nothing changed since: however often and wherever the repair runs, it recomputes nothing.
        const idle = [await other.repair(), await store.repair(), await other.repair()];
        expect(idle.map((r) => r.rollupDays)).toEqual([0, 0, 0]);
        // A live write on one instance changes one day (today); it is recomputed once between the two.
        const conv = await newConversation();
        await other.appendMessage({ conversationId: conv.id, role: 'customer', text: 'where is my order', intent: 'order.track' });
        const live = [await other.repair(), await store.repair()];
        expect(live.map((r) => r.rollupDays)).toEqual([1, 0]);
        // Either instance answers the records' figures.
        for (const q of ranges()) expect([q, await other.conversationStats(q)]).toEqual([q, reference(q, customers, conversations, messages)]);
      } finally {
        await other.close();
      }
    });

    test("today's live writes count at once", async () => {
      const conv = await newConversation();
      const day = conv.createdAt.slice(0, 10);
      const q = { from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' };
      const before = await store.conversationStats(q);
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'zorbly wimwam', intent: 'none', sentiment: 0.5 });
      await store.updateConversation(conv.id, { handoffReason: 'not_understood' });
      const after = await store.conversationStats(q);
      expect([after.total, after.botOnly, after.intents, after.unrecognized.map((u) => [u.text, u.count])]).toEqual([
        before.total,
        before.botOnly - 1,
        [{ intent: 'none', count: 1 }],
        [['zorbly wimwam', 1]],
      ]);
      expect(after.sentiment.find((s) => s.day === day && s.segment === '*')).toEqual({ day, segment: '*', average: 0.5, n: 1 });
    });
  });

  describe('full-text search over a long history (matches read newest first, week by week)', () => {
    /**
     * Fourteen conversations five days apart (ten weeks); the even ones say the phrase the day they start, number 1
     * and 3 say it only 70 and 60 days after they started (in the newest week), number 3 first the other way round.
     */
    async function weeks() {
      const customer = { ...buildCustomer({ displayName: 'W' }), id: uniq('weeks') };
      const day = 86_400_000;
      const at = (d: number, h = 9) => new Date(Date.UTC(2025, 0, 1) + d * day + h * 3_600_000).toISOString();
      const conversations: Conversation[] = [];
      const messages: Message[] = [];
      for (let i = 0; i < 14; i++) {
        const c: Conversation = {
          ...buildConversation({
            channelId: i % 2 ? 'webchat' : 'slack',
            channelConversationId: uniq('weeks'),
            customerId: customer.id,
            reference: { channelId: 'x', serviceUrl: 'http://localhost', conversation: { id: 'w' } },
          }),
          id: uniq(`weeks${String(i).padStart(2, '0')}`),
          createdAt: at(i * 5),
          updatedAt: at(i * 5),
          lastSeq: 2,
        };
        conversations.push(c);
        const lines: [number, string][] =
          i === 1
            ? [
                [5, 'hello'],
                [75, 'the Walrus-tusk is back'],
              ]
            : i === 3
              ? [
                  [15, 'tusk walrus'],
                  [74, 'Walrus tusk!'],
                ]
              : i % 2 === 0
                ? [
                    [i * 5, 'a walrus tusk please'],
                    [i * 5, 'thanks'],
                  ]
                : [
                    [i * 5, 'hello'],
                    [i * 5, 'bye'],
                  ];
        lines.forEach(([d, text], k) => messages.push(buildMessage({ conversationId: c.id, role: 'customer', text, createdAt: at(d, 10 + k) }, k + 1)));
      }
      await store.importRecords({ customers: [customer], conversations, messages });
      const saying = conversations.filter((_, i) => i % 2 === 0 || i === 1 || i === 3);
      return { conversations, saying, at };
    }

    const pages = async (filter: Parameters<Store['searchTranscripts']>[0], limit: number) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.searchTranscripts(filter, { limit, cursor });
        seen.push(...page.items.map((i) => i.conversation.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };

    test('transcripts come newest conversation first, whichever week the matching message was written in', async () => {
      const { saying, conversations, at } = await weeks();
      const newestFirst = [...saying].reverse().map((c) => c.id);
      expect(newestFirst).toHaveLength(9);
      for (const limit of [1, 2, 3, 50]) expect([limit, await pages({ text: '"walrus tusk"' }, limit)]).toEqual([limit, newestFirst]);
      // Conversations 1 and 3 started before `from`: their late messages do not bring them in.
      const from = at(20, 0);
      expect(await pages({ text: '"walrus tusk"', from }, 2)).toEqual(newestFirst.filter((id) => conversations.find((c) => c.id === id)!.createdAt >= from));
      expect(await pages({ text: '"walrus tusk"', channelId: 'webchat' }, 2)).toEqual([conversations[3].id, conversations[1].id]);
      expect(await pages({ text: '"walrus tusk"', to: at(10, 0) }, 2)).toEqual([conversations[1].id, conversations[0].id]);
      expect(await pages({ text: 'walrus narwhal' }, 2)).toEqual([]);
      const hits = await store.searchMessages('"walrus tusk"', 100);
      expect(hits.map((h) => h.conversationId).sort()).toEqual(saying.map((c) => c.id).sort());
      expect(await store.searchMessages('"walrus tusk"', 3)).toHaveLength(3);
    });

    test('an erased or deleted conversation leaves the search, in every week', async () => {
      const { saying } = await weeks();
      await store.eraseMessages(saying[0].id);
      await store.deleteConversation(saying[8].id);
      const left = saying.slice(1, 8).map((c) => c.id);
      expect(await pages({ text: '"walrus tusk"' }, 2)).toEqual([...left].reverse());
      expect((await store.searchMessages('"walrus tusk"', 100)).map((h) => h.conversationId).sort()).toEqual([...left].sort());
    });
  });

  describe('filters stay exact across keyset pages, and a bulk load can run twice', () => {
    /** Twelve conversations an hour apart; every third by a VIP, every other one with the intent, some with the phrase. */
    function many() {
      const vip = { ...buildCustomer({ displayName: 'V', segments: ['vip'] }), id: uniq('vip') };
      const plain = { ...buildCustomer({ displayName: 'P' }), id: uniq('plain') };
      const conversations: Conversation[] = [];
      const messages: Message[] = [];
      for (let i = 0; i < 12; i++) {
        const at = new Date(Date.UTC(2025, 5, 1, i)).toISOString();
        const c: Conversation = {
          ...buildConversation({
            channelId: 'x',
            channelConversationId: uniq('many'),
            customerId: i % 3 === 0 ? vip.id : plain.id,
            reference: { channelId: 'x', serviceUrl: 'http://localhost', conversation: { id: 'm' } },
          }),
          id: uniq(`many${i}`),
          createdAt: at,
          updatedAt: at,
          lastSeq: 2,
        };
        conversations.push(c);
        messages.push({
          ...buildMessage(
            {
              conversationId: c.id,
              role: 'customer',
              text: i % 4 === 0 ? 'my parcel-tracking code' : 'hello there',
              intent: i % 2 === 0 ? 'order.track' : 'greeting',
              sentiment: i % 5 === 0 ? undefined : 0.2,
              createdAt: at,
            },
            1,
          ),
        });
        messages.push({ ...buildMessage({ conversationId: c.id, role: 'bot', text: 'parcel tracking is here', createdAt: at }, 2) });
      }
      return { batch: { customers: [vip, plain], conversations, messages }, conversations };
    }

    test('paging two at a time through intent, segment, text and sentiment filters returns every match once, newest first', async () => {
      const { batch, conversations } = many();
      await store.importRecords(batch);
      const newestFirst = [...conversations].reverse();
      const mine = { from: '2025-06-01T00:00:00.000Z', to: '2025-06-02T00:00:00.000Z' };
      const cases: [Parameters<Store['searchTranscripts']>[0], Conversation[]][] = [
        [{ ...mine, intent: 'order.track' }, newestFirst.filter((_, k) => (11 - k) % 2 === 0)],
        [{ ...mine, segment: 'vip' }, newestFirst.filter((_, k) => (11 - k) % 3 === 0)],
        [{ ...mine, intent: 'order.track', segment: 'vip' }, newestFirst.filter((_, k) => (11 - k) % 6 === 0)],
        [{ ...mine, text: 'parcel tracking' }, newestFirst],
        [{ ...mine, text: 'parcel tracking code', intent: 'order.track' }, newestFirst.filter((_, k) => (11 - k) % 4 === 0)],
        [{ ...mine, sentimentMin: -1 }, newestFirst.filter((_, k) => (11 - k) % 5 !== 0)],
        [{ ...mine, sentimentMax: 1, segment: 'vip' }, newestFirst.filter((_, k) => (11 - k) % 3 === 0 && (11 - k) % 5 !== 0)],
      ];
      for (const [filter, expected] of cases) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.searchTranscripts(filter, { limit: 2, cursor });
          seen.push(...page.items.map((i) => i.conversation.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect([filter, seen]).toEqual([filter, expected.map((c) => c.id)]);
      }
    });

    test('importing the same batch again changes nothing', async () => {
      const { batch } = many();
      await store.importRecords(batch);
      const filter = { from: '2025-06-01T00:00:00.000Z', to: '2025-06-02T00:00:00.000Z' };
      const before = await store.searchTranscripts(filter, { limit: 100 });
      const statsBefore = await store.conversationStats(filter);
      await store.importRecords(batch);
      expect(await store.searchTranscripts(filter, { limit: 100 })).toEqual(before);
      expect(await store.conversationStats(filter)).toEqual(statsBefore);
      expect((await store.searchMessages('parcel tracking code')).length).toBe(3);
      expect((await store.listMessagesOf(batch.conversations.map((c) => c.id))).length).toBe(24);
    });
  });

  describe('merge suggestions, merges, segment rules and corpus additions (their own tables)', () => {
    test('one open suggestion per pair, either way round; deciding is compare-and-set', async () => {
      const [a, b, c] = [uniq('ca'), uniq('cb'), uniq('cc')];
      const first = await store.addMergeSuggestion({ customerId: a, candidateId: b, score: 0.6, evidence: ['same email'] });
      expect(first).toMatchObject({ customerId: a, candidateId: b, score: 0.6, evidence: ['same email'], status: 'open' });
      const again = await Promise.all([
        store.addMergeSuggestion({ customerId: b, candidateId: a, score: 0.9, evidence: [] }),
        store.addMergeSuggestion({ customerId: a, candidateId: b, score: 0.9, evidence: [] }),
      ]);
      expect(again.map((s) => s.id)).toEqual([first.id, first.id]);
      const other = await store.addMergeSuggestion({ customerId: c, candidateId: a, score: 0.7, evidence: [] });
      expect((await store.listMergeSuggestions({ status: 'open' })).map((s) => s.id).sort()).toEqual([first.id, other.id].sort());
      expect((await store.listMergeSuggestions({ status: 'open', customerId: b })).map((s) => s.id)).toEqual([first.id]);
      expect(await store.decideMergeSuggestion(first.id, 'confirmed')).toMatchObject({ id: first.id, status: 'confirmed' });
      expect(await store.decideMergeSuggestion(first.id, 'rejected')).toBeNull();
      expect((await store.getMergeSuggestion(first.id))?.status).toBe('confirmed');
      expect((await store.listMergeSuggestions({ status: 'confirmed' })).map((s) => s.id)).toEqual([first.id]);
      // Decided, the pair may be suggested again.
      expect((await store.addMergeSuggestion({ customerId: a, candidateId: b, score: 0.6, evidence: [] })).id).not.toBe(first.id);
      await expectCode(store.listMergeSuggestions({ status: { $ne: null } as unknown as 'open' }), 'STORE_INVALID_QUERY');
    });

    test('a merge snapshot is kept whole and undone once', async () => {
      const absorbed = buildCustomer({ displayName: 'Absorbed' });
      const survivor = buildCustomer({ displayName: 'Survivor' });
      const record = { id: uniq('merge'), absorbed, survivor, movedConversations: ['k1'], at: '2026-01-01T00:00:00.000Z' };
      await store.saveMerge(record);
      expect(await store.getMerge(record.id)).toEqual(record);
      expect(await store.markMergeUndone(record.id, '2026-01-02T00:00:00.000Z')).toBe(true);
      expect(await store.markMergeUndone(record.id, '2026-01-03T00:00:00.000Z')).toBe(false);
      expect((await store.getMerge(record.id))?.undone).toBe('2026-01-02T00:00:00.000Z');
      expect(await store.getMerge('missing')).toBeNull();
    });

    test('segment rules are absent until set, then replaced whole', async () => {
      expect(await store.readSegmentRules()).toBeNull();
      await store.writeSegmentRules([{ name: 'a', any: [] }]);
      const set = await store.writeSegmentRules([]);
      expect(await store.readSegmentRules()).toEqual({ rules: [], updatedAt: set.updatedAt });
    });

    test('a corpus addition is kept once per text (any case) and language, oldest first', async () => {
      const add = (text: string, language = 'en') => store.addCorpusAddition({ text, intent: 'none', language, by: 'sup', at: new Date().toISOString() });
      expect((await add('Zorbly wimwam')).added).toBe(true);
      const dup = await add('zorbly WIMWAM');
      expect([dup.added, dup.addition.text]).toEqual([false, 'Zorbly wimwam']);
      expect((await add('zorbly wimwam', 'es')).added).toBe(true);
      expect((await store.listCorpusAdditions()).map((a) => [a.text, a.language])).toEqual([
        ['Zorbly wimwam', 'en'],
        ['zorbly wimwam', 'es'],
      ]);
    });

    test('corpus additions are removed by text, in any case, in every language; unknown texts remove nothing', async () => {
      const add = (text: string, language = 'en') => store.addCorpusAddition({ text, intent: 'none', language, by: 'sup', at: new Date().toISOString() });
      await add('Zorbly wimwam');
      await add('zorbly wimwam', 'es');
      await add('blorp the flux');
      expect(await store.removeCorpusAdditions(['ZORBLY wimwam', 'never added'])).toBe(2);
      expect((await store.listCorpusAdditions()).map((a) => a.text)).toEqual(['blorp the flux']);
      expect(await store.removeCorpusAdditions(['zorbly wimwam'])).toBe(0);
    });

    test('forgetting a customer removes the suggestions, merges and corpus additions derived from them', async () => {
      const conv = await newConversation();
      const me = conv.customerId;
      const [other, third] = [uniq('other'), uniq('third')];
      await store.addMergeSuggestion({ customerId: other, candidateId: me, score: 0.6, evidence: ['same email ana@example.com'] });
      const kept = await store.addMergeSuggestion({ customerId: other, candidateId: third, score: 0.6, evidence: [] });
      await store.saveMerge({
        id: uniq('merge'),
        absorbed: buildCustomer({ id: me }),
        survivor: buildCustomer({ id: other }),
        movedConversations: [],
        at: 'x',
      });
      await store.addCorpusAddition({ text: 'my card number is 5555', intent: 'none', language: 'en', by: 'sup', at: 'x', conversationId: conv.id });
      await store.addCorpusAddition({ text: 'unrelated words', intent: 'none', language: 'en', by: 'sup', at: 'x' });
      expect(await store.forgetCustomer(me)).toEqual({ mergeSuggestions: 1, merges: 1, corpusAdditions: 1 });
      expect((await store.listMergeSuggestions({ status: 'open' })).map((s) => s.id)).toEqual([kept.id]);
      expect((await store.listCorpusAdditions()).map((a) => a.text)).toEqual(['unrelated words']);
      expect(await store.forgetCustomer(me)).toEqual({ mergeSuggestions: 0, merges: 0, corpusAdditions: 0 });
    });
  });

  describe('deferred durability', () => {
    test('a deferSync write is applied at once (every read sees it), and sync() then resolves', async () => {
      const conv = await newConversation();
      const { message, created } = await store.appendMessage(
        { conversationId: conv.id, role: 'customer', text: 'deferred hello', activityId: 'd1' },
        { deferSync: true },
      );
      expect(created).toBe(true);
      expect((await store.findMessageByActivity(conv.id, 'd1'))?.id).toBe(message.id);
      // Still exactly once per activity id.
      expect(
        (await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'deferred hello', activityId: 'd1' }, { deferSync: true })).created,
      ).toBe(false);
      const before = (await store.getCustomer(conv.customerId))!;
      const updated = await store.updateCustomer(conv.customerId, { displayName: 'Deferred Dana' }, before.version, { deferSync: true });
      expect((await store.getCustomer(conv.customerId))?.displayName).toBe('Deferred Dana');
      await expectCode(store.updateCustomer(conv.customerId, { displayName: 'Stale' }, before.version, { deferSync: true }), 'STORE_ETAG_CONFLICT');
      const etag = await store.writeState('deferred/state', { step: 1 }, undefined, { deferSync: true });
      expect((await store.readState(['deferred/state']))['deferred/state']).toEqual({ value: { step: 1 }, etag });
      await store.sync();
      expect((await store.getCustomer(conv.customerId))?.version).toBe(updated.version);
      expect((await store.listMessages(conv.id)).map((m) => m.text)).toEqual(['deferred hello']);
    });
  });

  describe('retention', () => {
    test('conversations can be listed by last change and deleted with their messages', async () => {
      const conv = await newConversation();
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'old quokka story' });
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await store.listConversations({ updatedBefore: future, limit: 1000 })).map((c) => c.id)).toContain(conv.id);
      expect((await store.listConversations({ updatedBefore: '2000-01-01T00:00:00.000Z' })).map((c) => c.id)).not.toContain(conv.id);
      expect(await store.deleteConversation(conv.id)).toBe(true);
      expect(await store.getConversation(conv.id)).toBeNull();
      expect(await store.listMessages(conv.id)).toEqual([]);
      expect(await store.searchMessages('quokka')).toEqual([]);
      expect(await store.deleteConversation(conv.id)).toBe(false);
    });
  });

  describe('attachments (files kept with their conversation)', () => {
    const record = (conversationId: string, content: Buffer, id = uniq('att')) => ({
      id,
      conversationId,
      messageSeq: 1,
      activityId: uniq('act'),
      name: 'receipt.png',
      contentType: 'image/png' as const,
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      uploader: { role: 'customer' as const, id: 'cust-1' },
      createdAt: new Date().toISOString(),
    });

    test('a file is stored with its record, read back byte for byte, and listed with its conversation', async () => {
      const conv = await newConversation();
      const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
      const r = record(conv.id, bytes);
      expect(await store.putAttachment(r, bytes)).toEqual(r);
      expect(await store.getAttachment(r.id)).toEqual(r);
      const read = await store.readAttachment(r.id);
      expect(read?.record).toEqual(r);
      expect(Buffer.compare(read!.content, bytes)).toBe(0);
      expect((await store.listAttachments(conv.id)).map((a) => a.id)).toEqual([r.id]);
      expect(await store.getAttachment('missing')).toBeNull();
      expect(await store.readAttachment('missing')).toBeNull();
    });

    test('the same id again (a retried upload) keeps the first record and bytes', async () => {
      const conv = await newConversation();
      const first = Buffer.from('first');
      const r = record(conv.id, first);
      await store.putAttachment(r, first);
      const again = Buffer.from('other bytes');
      expect(await store.putAttachment({ ...record(conv.id, again, r.id), name: 'other.txt' }, again)).toEqual(r);
      expect((await store.readAttachment(r.id))!.content.toString()).toBe('first');
    });

    test('bytes that do not match the record, and operator-shaped ids, are refused', async () => {
      const conv = await newConversation();
      await expectCode(store.putAttachment(record(conv.id, Buffer.from('abc')), Buffer.from('abcd')), 'STORE_INVALID_QUERY');
      await expectCode(store.getAttachment({ $ne: null } as never), 'STORE_INVALID_QUERY');
      await expectCode(store.listAttachments({ $ne: null } as never), 'STORE_INVALID_QUERY');
    });

    test('deleting, erasing or deleting the files of a conversation removes them, and only them', async () => {
      const [a, b, c, keep] = [await newConversation(), await newConversation(), await newConversation(), await newConversation()];
      const bytes = Buffer.from('x');
      for (const conv of [a, b, c, keep]) await store.putAttachment(record(conv.id, bytes), bytes);
      expect(await store.deleteConversation(a.id)).toBe(true);
      await store.eraseConversation(b.id, uniq('erased'));
      expect(await store.deleteAttachmentsOf([c.id])).toBe(1);
      for (const conv of [a, b, c]) expect(await store.listAttachments(conv.id)).toEqual([]);
      expect(await store.listAttachments(keep.id)).toHaveLength(1);
    });
  });

  describe('request input never becomes an operator', () => {
    const operators: unknown[] = [{ $ne: null }, { $gt: '' }, { $where: 'return true' }, { $regex: '.*' }];
    test.each(operators)('%j is refused by every lookup and matches nothing', async (op) => {
      await store.createCustomer({ contacts: [{ type: 'email', value: 'victim@example.com', verified: true, source: 'x', addedAt: 'x' }] });
      const conv = await newConversation();
      await store.appendMessage({ conversationId: conv.id, role: 'customer', text: 'secret', activityId: 'a' });
      await store.createUser({ email: uniq('u') + '@example.com', name: 'U', role: 'agent', skills: [], languages: [], capacity: 1, passwordHash: 'h' });
      const lookups: Array<() => Promise<unknown>> = [
        () => store.findCustomerByKey({ kind: 'email', value: op as string }),
        () => store.findCustomersByContact('email', op as string),
        () => store.getCustomer(op as string),
        () => store.getConversation(op as string),
        () => store.listMessages(op as string),
        () => store.findMessageByActivity(conv.id, op as string),
        () => store.getUserByEmail(op as string),
        () => store.getSession(op as string),
        () => store.listConversations({ agentId: op as string }),
        () => store.readState([op as string]),
        () => store.searchMessages(op as string),
      ];
      for (const lookup of lookups) {
        let result: unknown;
        let error: unknown;
        try {
          result = await lookup();
        } catch (e) {
          error = e;
        }
        if (error) expect(isAppError(error) && error.code).toBe('STORE_INVALID_QUERY');
        else
          expect(result === null || (Array.isArray(result) && result.length === 0) || (typeof result === 'object' && Object.keys(result).length === 0)).toBe(
            true,
          );
      }
    });
  });

  describe('users, sessions, audit', () => {
    test('users are unique by email, case-insensitively', async () => {
      const email = uniq('agent') + '@Example.com';
      const u = await store.createUser({ email, name: 'A', role: 'agent', skills: ['billing'], languages: ['en'], capacity: 3, passwordHash: 'h' });
      expect((await store.getUserByEmail(email.toUpperCase()))?.id).toBe(u.id);
      await expectCode(
        store.createUser({ email: email.toLowerCase(), name: 'B', role: 'agent', skills: [], languages: [], capacity: 1, passwordHash: 'h' }),
        'STORE_CONFLICT',
      );
      expect((await store.updateUser(u.id, { presence: 'online' }))?.presence).toBe('online');
      expect((await store.getUser(u.id))?.presence).toBe('online');
      expect((await store.listUsers()).some((x) => x.id === u.id)).toBe(true);
    });

    test('sessions can be revoked', async () => {
      const s = await store.createSession({
        id: uniq('s'),
        userId: 'u',
        createdAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 1000).toISOString(),
      });
      expect((await store.getSession(s.id))?.revokedAt).toBeUndefined();
      expect(await store.revokeSession(s.id, '2026-01-01T00:00:00.000Z')).toBe(true);
      expect((await store.getSession(s.id))?.revokedAt).toBe('2026-01-01T00:00:00.000Z');
      expect(await store.revokeSession('missing', 'x')).toBe(false);
    });

    test('audit entries are listed newest first and filterable', async () => {
      const actor = uniq('sup');
      await store.appendAudit({ actorId: actor, action: 'transcript.view', targetId: 't1', at: '2026-01-01T00:00:00.000Z' });
      await store.appendAudit({ actorId: actor, action: 'chat.takeover', targetId: 't2', at: '2026-01-02T00:00:00.000Z' });
      const all = await store.listAudit({ actorId: actor });
      expect(all.map((a) => a.action)).toEqual(['chat.takeover', 'transcript.view']);
      expect((await store.listAudit({ actorId: actor, action: 'transcript.view' })).map((a) => a.targetId)).toEqual(['t1']);
    });
  });

  describe('bot state', () => {
    test('eTag concurrency: a stale eTag is refused, "*" and absent eTags overwrite', async () => {
      const key = uniq('conv/state');
      const e1 = await store.writeState(key, { step: 1 });
      const read = await store.readState([key, 'absent']);
      expect(read[key]).toEqual({ value: { step: 1 }, etag: e1 });
      expect(read.absent).toBeUndefined();
      const e2 = await store.writeState(key, { step: 2 }, e1);
      expect(e2).not.toBe(e1);
      await expectCode(store.writeState(key, { step: 3 }, e1), 'STORE_ETAG_CONFLICT');
      expect((await store.readState([key]))[key].value).toEqual({ step: 2 });
      await store.writeState(key, { step: 4 }, '*');
      expect((await store.readState([key]))[key].value).toEqual({ step: 4 });
      await store.deleteState([key]);
      expect(await store.readState([key])).toEqual({});
    });

    test('two writers with the same eTag: exactly one wins', async () => {
      const key = uniq('race');
      const e = await store.writeState(key, { v: 0 });
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => store.writeState(key, { v: i + 1 }, e)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').every((r) => r.status === 'rejected' && isAppError(r.reason, 'STORE_ETAG_CONFLICT'))).toBe(true);
    });
  });

  describe('leases', () => {
    test('one holder at a time; the holder renews; another takes it only once it expired or was released', async () => {
      const name = uniq('job');
      const t0 = 1_000_000;
      expect(await store.acquireLease(name, 'a', 1000, t0)).toBe(true);
      expect(await store.acquireLease(name, 'b', 1000, t0 + 10)).toBe(false);
      // Renewal moves the expiry: at t0 + 1500 the lease taken at t0 would have expired, the renewed one has not.
      expect(await store.acquireLease(name, 'a', 1000, t0 + 900)).toBe(true);
      expect(await store.acquireLease(name, 'b', 1000, t0 + 1500)).toBe(false);
      // The holder stopped renewing (it died): once expired, the next taker has it, and the old holder does not.
      expect(await store.acquireLease(name, 'b', 1000, t0 + 1900)).toBe(true);
      expect(await store.acquireLease(name, 'a', 1000, t0 + 1950)).toBe(false);
      expect(await store.releaseLease(name, 'a')).toBe(false); // not a's to release
      expect(await store.releaseLease(name, 'b')).toBe(true);
      expect(await store.acquireLease(name, 'a', 1000, t0 + 2000)).toBe(true);
      // Leases are per name.
      expect(await store.acquireLease(uniq('other'), 'b', 1000, t0 + 2000)).toBe(true);
    });

    test('concurrent takers of a free lease: exactly one wins, whether it is new or expired', async () => {
      const name = uniq('race');
      const now = Date.now();
      const first = await Promise.all(Array.from({ length: 8 }, (_, i) => store.acquireLease(name, `h${i}`, 1000, now)));
      expect(first.filter(Boolean)).toHaveLength(1);
      const later = await Promise.all(Array.from({ length: 8 }, (_, i) => store.acquireLease(name, `k${i}`, 1000, now + 5000)));
      expect(later.filter(Boolean)).toHaveLength(1);
    });

    test('lease names and holders are plain values', async () => {
      await expectCode(store.acquireLease({ $ne: null } as unknown as string, 'a', 1000), 'STORE_INVALID_QUERY');
      await expectCode(store.acquireLease('x', 'a', -5), 'STORE_INVALID_QUERY');
    });
  });

  describe("a bot turn's reads", () => {
    test('the staff names come with the read only when asked and no customer holds the key; an account made on another instance is among them', async () => {
      const userId = uniq('u');
      const read = (staffNames?: boolean) =>
        store.readTurn({ key: { kind: 'channel', channelId: 'test', userId }, channelId: 'test', channelConversationId: uniq('c'), staffNames });
      const name = uniq('Staff Name');
      const other = await reopen(store);
      try {
        await other.createUser({ email: uniq('s') + '@example.com', name, role: 'agent', skills: [], languages: [], capacity: 1, passwordHash: 'h' });
      } finally {
        await other.close();
      }
      const first = await read(true);
      expect([first.customer, first.conversation]).toEqual([null, null]);
      expect(first.staffNames).toContain(name);
      expect((await read()).staffNames).toBeUndefined();
      await store.createCustomer({ identities: [{ channelId: 'test', userId, verified: false, addedAt: new Date().toISOString() }] });
      const known = await read(true);
      expect(known.customer?.identities[0].userId).toBe(userId);
      expect(known.staffNames).toBeUndefined();
    });
  });

  describe('quotas in a rolling window', () => {
    const HOUR = 3_600_000;
    test('at most the limit in any window: 4 uses at :59 and more at :01 of the next hour leave room for one; a use leaves when its window has passed', async () => {
      const key = uniq('addr');
      const t59 = 10 * HOUR + 59 * 60_000;
      for (let i = 0; i < 4; i++) expect(await store.takeQuota(key, 5, HOUR, t59 + i)).toBe(true);
      const t01 = 11 * HOUR + 60_000;
      expect(await store.takeQuota(key, 5, HOUR, t01)).toBe(true);
      expect(await store.takeQuota(key, 5, HOUR, t01 + 1)).toBe(false);
      // A refusal is not a use: the window still holds five, and frees one as each leaves it.
      expect(await store.takeQuota(key, 5, HOUR, t59 + HOUR - 1)).toBe(false);
      // The window is (now − windowMs, now]: an hour after the first use, that use no longer counts.
      expect(await store.takeQuota(key, 5, HOUR, t59 + HOUR)).toBe(true);
      expect(await store.takeQuota(key, 5, HOUR, t59 + HOUR)).toBe(false);
      expect(await store.takeQuota(key, 5, HOUR, t59 + HOUR + 1)).toBe(true);
      // Keys are counted apart.
      expect(await store.takeQuota(uniq('addr'), 5, HOUR, t01)).toBe(true);
    });

    test('concurrent uses never count more than the limit, and the count is shared by every instance on the database', async () => {
      const key = uniq('addr');
      const now = Date.now();
      const taken = await Promise.all(Array.from({ length: 12 }, (_, i) => store.takeQuota(key, 5, HOUR, now + i)));
      expect(taken.filter(Boolean)).toHaveLength(5);
      // One after the other (two connections of one process cannot wait for each other's write lock; processes race
      // for real in test/integration/sqliteMultiProcess.test.ts): another instance finds the window full.
      const other = await reopen(store);
      try {
        expect(await other.takeQuota(key, 5, HOUR, now + 100)).toBe(false);
        const fresh = uniq('addr');
        expect(await other.takeQuota(fresh, 1, HOUR, now)).toBe(true);
        expect(await store.takeQuota(fresh, 1, HOUR, now + 1)).toBe(false);
      } finally {
        await other.close();
      }
    });

    test('keys are plain values; the limit and window positive integers', async () => {
      await expectCode(store.takeQuota({ $ne: null } as unknown as string, 5, HOUR), 'STORE_INVALID_QUERY');
      await expectCode(store.takeQuota('x', 0, HOUR), 'STORE_INVALID_QUERY');
      await expectCode(store.takeQuota('x', 5, -1), 'STORE_INVALID_QUERY');
      await expectCode(store.takeQuota('x', 1.5, HOUR), 'STORE_INVALID_QUERY');
    });
  });

  describe('webhook outbox', () => {
    const event = (id: string, at: string) => ({ id, type: 'conversation.closed', at, data: { conversationId: 'c1', state: 'closed' } });

    test('an event stays until delivered; enqueueing it again changes nothing; due soonest first', async () => {
      const e1 = event(uniq('ev'), '2030-01-01T00:00:00.000Z');
      const e2 = event(uniq('ev'), '2030-01-01T00:00:01.000Z');
      await store.enqueueOutbox(e2);
      await store.enqueueOutbox(e1);
      await store.enqueueOutbox(e1);
      expect(await store.dueOutbox('2029-12-31T23:59:59.000Z', 10)).toEqual([]);
      const due = await store.dueOutbox('2030-01-01T00:00:05.000Z', 10);
      expect(due).toEqual([
        { event: e1, attempts: 0, nextAttemptAt: e1.at },
        { event: e2, attempts: 0, nextAttemptAt: e2.at },
      ]);
      expect(await store.outboxCounts()).toEqual({ pending: 2, dead: 0 });
      await store.completeOutbox(e1.id);
      expect((await store.dueOutbox('2030-01-01T00:00:05.000Z', 10)).map((x) => x.event.id)).toEqual([e2.id]);
      expect(await store.outboxCounts()).toEqual({ pending: 1, dead: 0 });
    });

    test('a failed delivery is counted and retried later; dead-lettered without a next attempt', async () => {
      const e = event(uniq('ev'), '2030-01-01T00:00:00.000Z');
      await store.enqueueOutbox(e);
      await store.failOutbox(e.id, { attempts: 1, error: 'refused with 503', nextAttemptAt: '2030-01-01T00:01:00.000Z' });
      expect(await store.dueOutbox('2030-01-01T00:00:30.000Z', 10)).toEqual([]);
      expect(await store.dueOutbox('2030-01-01T00:01:00.000Z', 10)).toEqual([
        { event: e, attempts: 1, nextAttemptAt: '2030-01-01T00:01:00.000Z', lastError: 'refused with 503' },
      ]);
      await store.failOutbox(e.id, { attempts: 2, error: 'refused with 404' });
      expect(await store.dueOutbox('2031-01-01T00:00:00.000Z', 10)).toEqual([]);
      expect(await store.outboxCounts()).toEqual({ pending: 0, dead: 1 });
      // A dead letter is not revived by a late failure report.
      await store.failOutbox(e.id, { attempts: 3, error: 'late', nextAttemptAt: '2030-01-01T00:02:00.000Z' });
      expect(await store.outboxCounts()).toEqual({ pending: 0, dead: 1 });
    });
  });

  // ---- turn19: a customer's message on the profile as one small write (recordCustomerMessage) ----
  describe('a customer message on the profile is one small write (recordCustomerMessage)', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
    const point = (minute: number, score = -0.25) => ({ at: at(minute), score, conversationId: 'conv-1' });
    const someone = (extra: Partial<Customer> = {}) =>
      store.createCustomer({
        identities: [{ channelId: 'test', userId: uniq('rcm'), verified: false, addedAt: at(0) }],
        firstSeenAt: at(0),
        lastSeenAt: at(0),
        ...extra,
      });
    const update = (c: Customer, minute: number, extra: Record<string, unknown> = {}) => ({
      expectedVersion: c.version,
      point: point(minute),
      keepSentiment: 200,
      recentSentiment: [...c.recentSentiment, point(minute).score].slice(-5),
      at: at(minute),
      newConversation: false,
      engagementScore: 77,
      ...extra,
    });
    /** A customer whose history holds these points (appended as messages would: the history is not part of the record). */
    const withHistory = async (points: ReturnType<typeof point>[], extra: Partial<Customer> = {}) => {
      const c = await someone(extra);
      await store.replaceSentiment(c.id, points);
      return c;
    };

    test('stores what updateCustomer stores for the same change, and nothing else changes', async () => {
      const a = await someone({ tags: ['t'], recentSentiment: [0.5], engagement: { conversations: 1, messages: 1, score: 10 } });
      const b = await withHistory([point(1, 0.5)], { tags: ['t'], recentSentiment: [0.5], engagement: { conversations: 1, messages: 1, score: 10 } });
      const whole = await store.updateCustomer(a.id, {
        recentSentiment: [0.5, point(2).score],
        engagement: { conversations: 2, messages: 2, lastContactAt: at(2), score: 77 },
        lastSeenAt: at(2),
        language: 'es',
        segments: ['at_risk'],
        reach: { followers: 0, score: 5 },
      });
      await store.recordCustomerMessage(b.id, update(b, 2, { newConversation: true, language: 'es', segments: ['at_risk'], reachScore: 5 }));
      const small = (await store.getCustomer(b.id))!;
      expect({ ...small, id: a.id, identities: a.identities }).toEqual(whole);
      expect(small.version).toBe(b.version + 1);
      expect(await store.listSentiment(b.id)).toEqual([point(1, 0.5), point(2)]);
    });

    test('leaves language, segments and the reach score alone when the write names none; counts a message, not a conversation', async () => {
      const c = await someone({ language: 'de', segments: ['vip'], reach: { followers: 10, score: 21 } });
      await store.recordCustomerMessage(c.id, update(c, 3));
      const after = (await store.getCustomer(c.id))!;
      expect([after.language, after.segments, after.reach, after.engagement]).toEqual([
        'de',
        ['vip'],
        { followers: 10, score: 21 },
        { conversations: 0, messages: 1, lastContactAt: at(3), score: 77 },
      ]);
      expect([after.lastSeenAt, after.recentSentiment, await store.listSentiment(c.id)]).toEqual([at(3), [point(3).score], [point(3)]]);
    });

    test('the history keeps its newest points, also when it held more than it may (an import)', async () => {
      const full = await withHistory([point(1), point(2), point(3)]);
      await store.recordCustomerMessage(full.id, update(full, 4, { keepSentiment: 3 }));
      expect((await store.listSentiment(full.id)).map((p) => p.at)).toEqual([at(2), at(3), at(4)]);
      const over = await withHistory([1, 2, 3, 4, 5].map((m) => point(m)));
      await store.recordCustomerMessage(over.id, update(over, 6, { keepSentiment: 2 }));
      expect((await store.listSentiment(over.id)).map((p) => p.at)).toEqual([at(5), at(6)]);
    });

    test("customers' histories written in turns stay apart, each in its order, each trimmed to its own newest points", async () => {
      const customers = [await someone(), await someone(), await someone()];
      const versions = customers.map((c) => c.version);
      for (let minute = 1; minute <= 12; minute++)
        for (const [i, c] of customers.entries()) {
          // Each customer's points in turn with the others', as relayed messages of several chats arrive.
          if (minute % (i + 1)) continue;
          await store.recordCustomerMessage(c.id, { ...update({ ...c, version: versions[i] }, minute), point: point(minute, i / 10), keepSentiment: 4 });
          versions[i]++;
        }
      expect((await store.listSentiment(customers[0].id)).map((p) => p.at)).toEqual([9, 10, 11, 12].map(at));
      expect((await store.listSentiment(customers[1].id)).map((p) => p.at)).toEqual([6, 8, 10, 12].map(at));
      expect(await store.listSentiment(customers[2].id)).toEqual([3, 6, 9, 12].map((m) => point(m, 0.2)));
      expect((await store.listSentiment(customers[1].id, 2)).map((p) => p.at)).toEqual([10, 12].map(at));
      // A history replaced (a merge) numbers on from nothing, and the next point still comes after it.
      await store.replaceSentiment(customers[0].id, [point(1), point(2)]);
      await store.recordCustomerMessage(customers[0].id, { ...update({ ...customers[0], version: versions[0] }, 13), keepSentiment: 4 });
      expect((await store.listSentiment(customers[0].id)).map((p) => p.at)).toEqual([1, 2, 13].map(at));
    });

    test('the history is not in the record: the record keeps only the newest scores it is given', async () => {
      let c = await someone();
      for (let minute = 1; minute <= 7; minute++) {
        await store.recordCustomerMessage(c.id, {
          ...update(c, minute),
          point: point(minute, minute / 10),
          recentSentiment: [...c.recentSentiment, minute / 10].slice(-5),
        });
        c = (await store.getCustomer(c.id))!;
      }
      expect(c.recentSentiment).toEqual([0.3, 0.4, 0.5, 0.6, 0.7]);
      expect(Object.keys(c)).not.toContain('sentiment');
      expect(await store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: c.identities[0].userId })).toEqual(c);
      expect((await store.listSentiment(c.id)).map((p) => p.score)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
      expect((await store.listSentiment(c.id, 2)).map((p) => p.score)).toEqual([0.6, 0.7]);
      const turn = await store.readTurn({
        key: { kind: 'channel', channelId: 'test', userId: c.identities[0].userId },
        channelId: 'test',
        channelConversationId: uniq('none'),
      });
      expect(turn.customer).toEqual(c);
    });

    test('replaceSentiment sets the whole history; an unknown customer is NOT_FOUND; an unknown one has none to list', async () => {
      const c = await withHistory([point(1), point(2)]);
      await store.replaceSentiment(c.id, [point(3, 0.9)]);
      expect(await store.listSentiment(c.id)).toEqual([point(3, 0.9)]);
      await store.replaceSentiment(c.id, []);
      expect(await store.listSentiment(c.id)).toEqual([]);
      await expectCode(store.replaceSentiment('no-such-customer', [point(1)]), 'NOT_FOUND');
      expect(await store.listSentiment('no-such-customer')).toEqual([]);
      const bad = { $gt: '' } as unknown as string;
      await expectCode(store.listSentiment(bad), 'STORE_INVALID_QUERY');
      await expectCode(store.replaceSentiment(c.id, [{ at: bad, score: 0 }]), 'STORE_INVALID_QUERY');
      await expectCode(store.listSentiment(c.id, 0), 'STORE_INVALID_QUERY');
    });

    test('an import of the record leaves its history; forgetCustomer (erasure) removes it', async () => {
      const c = await withHistory([point(1), point(2)]);
      await store.importRecords({ customers: [{ ...c, displayName: 'Imported' }] });
      expect([(await store.getCustomer(c.id))!.displayName, (await store.listSentiment(c.id)).length]).toEqual(['Imported', 2]);
      const other = await withHistory([point(1)]);
      await store.forgetCustomer(c.id);
      expect(await store.listSentiment(c.id)).toEqual([]);
      expect(await store.listSentiment(other.id)).toEqual([point(1)]);
    });

    test('a stale version is STORE_ETAG_CONFLICT and changes nothing; an unknown customer NOT_FOUND', async () => {
      const c = await someone();
      await store.updateCustomer(c.id, { displayName: 'Changed meanwhile' });
      await expectCode(store.recordCustomerMessage(c.id, update(c, 5)), 'STORE_ETAG_CONFLICT');
      const after = (await store.getCustomer(c.id))!;
      expect([after.recentSentiment, await store.listSentiment(c.id), after.engagement.messages, after.version]).toEqual([[], [], 0, c.version + 1]);
      await expectCode(store.recordCustomerMessage('no-such-customer', update(c, 5)), 'NOT_FOUND');
    });

    test('a deferSync write is applied at once and made durable by sync()', async () => {
      const c = await someone();
      await store.recordCustomerMessage(c.id, update(c, 7), { deferSync: true });
      expect((await store.getCustomer(c.id))!.engagement.messages).toBe(1);
      await store.sync();
      expect((await store.getCustomer(c.id))!.version).toBe(c.version + 1);
    });

    test('request input never becomes an operator', async () => {
      const c = await someone();
      const bad = { $gt: '' } as unknown as string;
      await expectCode(store.recordCustomerMessage(c.id, update(c, 8, { point: { at: bad, score: 0 } })), 'STORE_INVALID_QUERY');
      await expectCode(store.recordCustomerMessage(c.id, update(c, 8, { language: bad })), 'STORE_INVALID_QUERY');
      await expectCode(store.recordCustomerMessage(c.id, update(c, 8, { recentSentiment: [bad] })), 'STORE_INVALID_QUERY');
      await expectCode(store.recordCustomerMessage(c.id, update(c, 8, { recentSentiment: [1, 1, 1, 1, 1, 1] })), 'STORE_INVALID_QUERY');
      await expectCode(store.recordCustomerMessage(c.id, update(c, 8, { segments: [bad] })), 'STORE_INVALID_QUERY');
      await expectCode(store.recordCustomerMessage(bad, update(c, 8)), 'STORE_INVALID_QUERY');
      expect((await store.getCustomer(c.id))!.version).toBe(c.version);
    });
  });

  // ---- issue 19: the sentiment history apart from the record, carried by merges, undone, exported and erased ----
  describe('the sentiment history follows the person through merge, undo, export and erasure', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 0, minute)).toISOString();
    const services = () => {
      const profiles = new ProfileService(store);
      const identity = new IdentityResolution(store, profiles);
      return { profiles, identity, privacy: new PrivacyService(store, profiles, identity) };
    };
    /** A customer who wrote at these minutes with these scores, counted as a bot turn counts them. */
    const wrote = async (profiles: ProfileService, said: [number, number][]) => {
      let c = await profiles.resolve({ channelId: 'test', userId: uniq('hist') });
      for (const [minute, score] of said)
        c = await profiles.recordMessage(c.id, { sentiment: score, conversationId: uniq('k'), at: at(minute), newConversation: false }, c);
      return c;
    };
    const history = async (id: string) => (await store.listSentiment(id)).map((p) => [p.at, p.score]);

    test('a merge joins both histories in time order into the survivor, its undo gives each its own back', async () => {
      const { profiles, identity } = services();
      const survivor = await wrote(profiles, [
        [1, 0.1],
        [3, 0.3],
      ]);
      const absorbed = await wrote(profiles, [
        [2, -0.2],
        [4, -0.4],
      ]);
      const merged = await identity.merge(absorbed.id, survivor.id, 'test');
      expect(await history(survivor.id)).toEqual([
        [at(1), 0.1],
        [at(2), -0.2],
        [at(3), 0.3],
        [at(4), -0.4],
      ]);
      expect(merged.recentSentiment).toEqual([0.1, -0.2, 0.3, -0.4]);
      const [mergeId] = await identity.mergesOf(survivor.id);
      const undone = await identity.unmerge(mergeId);
      expect([await history(survivor.id), await history(absorbed.id)]).toEqual([
        [
          [at(1), 0.1],
          [at(3), 0.3],
        ],
        [
          [at(2), -0.2],
          [at(4), -0.4],
        ],
      ]);
      expect([undone.survivor.recentSentiment, undone.absorbed.recentSentiment]).toEqual([
        [0.1, 0.3],
        [-0.2, -0.4],
      ]);
    });

    test('undoing a merge made before schema 11 restores the histories its snapshots held inside the records', async () => {
      const { profiles, identity } = services();
      const survivor = await wrote(profiles, [[1, 0.1]]);
      const absorbed = await wrote(profiles, [[2, -0.2]]);
      const legacy = (c: Customer, points: [number, number][]) => {
        const { recentSentiment: _r, ...rest } = c;
        return { ...rest, sentiment: points.map(([minute, score]) => ({ at: at(minute), score })) } as unknown as Customer;
      };
      const record = {
        id: uniq('merge'),
        survivor: legacy(survivor, [
          [5, 0.5],
          [6, 0.6],
        ]),
        absorbed: legacy(absorbed, [[7, -0.7]]),
        movedConversations: [],
        at: at(8),
      };
      await store.saveMerge(record);
      const undone = await identity.unmerge(record.id);
      expect([await history(survivor.id), await history(absorbed.id)]).toEqual([
        [
          [at(5), 0.5],
          [at(6), 0.6],
        ],
        [[at(7), -0.7]],
      ]);
      expect([undone.survivor.recentSentiment, undone.absorbed.recentSentiment]).toEqual([[0.5, 0.6], [-0.7]]);
      expect([undone.survivor, undone.absorbed].some((c) => 'sentiment' in c)).toBe(false);
    });

    test("the export shows the person's history; erasure removes it from every profile of the person", async () => {
      const { profiles, identity, privacy } = services();
      const survivor = await wrote(profiles, [[1, 0.5]]);
      const absorbed = await wrote(profiles, [[2, -0.5]]);
      const bystander = await wrote(profiles, [[3, 0.9]]);
      await identity.merge(absorbed.id, survivor.id, 'test');
      const exported = await privacy.export(survivor.id);
      expect(exported.profile.sentiment.map((p) => [p.at, p.score])).toEqual([
        [at(1), 0.5],
        [at(2), -0.5],
      ]);
      await privacy.erase(survivor.id);
      expect([await history(survivor.id), await history(absorbed.id), await history(bystander.id)]).toEqual([[], [], [[at(3), 0.9]]]);
      expect([(await store.getCustomer(survivor.id))!.recentSentiment, (await store.getCustomer(absorbed.id))!.recentSentiment]).toEqual([[], []]);
    });
  });

  test('ping answers while open', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
}
