import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Customer } from '../../models/records';
import { messageActivity, post } from '../helpers/activities';
import { createStaff, type Staff } from '../helpers/consoleClient';
import { sharedModelCache } from '../helpers/sharedRecognizer';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * T28, erasure (issue 15, item 4): after `POST /api/customers/:id/erase`, nothing derived from the person remains,
 * asserted from outside through the API, and in the embedded store's raw files (database and WAL) byte for byte.
 * The person: two channel profiles merged by a verified e-mail, and a social mention author merged into them; with a
 * merge suggestion, an NLU corpus addition made from their words, dialog state, and a mention conversation.
 */
const KEY = 'listening-tool-key-0123456789';
const EMAIL = 'eve.erasable@example.com';
const CARD = 'my new card is 5555';
const PARCEL = 'where is my parcel zanzibarquill';
const HANDLE = 'EveErasable';
const PASSPORT = 'XQ7719284PASS';
const MENTION = `Terrible service from you, @Brand, my parcel never came. Worst shop ever! ${HANDLE}`;

describe('T28 erasure is complete and final', () => {
  let running: RunningApp;
  let sup: Staff;
  let admin: Staff;
  const auth = (s: Staff, json = false) => ({ authorization: `Bearer ${s.token}`, ...(json ? { 'content-type': 'application/json' } : {}) });
  const get = async (p: string, s: Staff) => {
    const r = await fetch(`${running.url}${p}`, { headers: auth(s) });
    return { status: r.status, text: await r.text() };
  };
  const send = async (method: string, p: string, s: Staff, body?: unknown) => {
    const r = await fetch(`${running.url}${p}`, { method, headers: auth(s, true), body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };
  const says = (channelId: string, user: string, conv: string, text: string) =>
    post(running.url, messageActivity({ channelId, conversation: { id: conv }, from: { id: user, name: 'Eve Erasable' }, text }));
  /** The embedded store's files: the database and its WAL. */
  const rawFiles = () => {
    const file = path.join(running.dir, 'crm.sqlite');
    return [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => ({ name: path.basename(f), bytes: fs.readFileSync(f) }));
  };
  /** Where each secret still appears in the raw files (case-insensitive, as `strings | grep -i` would find it). */
  const traces = (secrets: string[]) =>
    rawFiles().flatMap(({ name, bytes }) => {
      const text = bytes.toString('latin1').toLowerCase();
      return secrets.filter((s) => text.includes(s.toLowerCase())).map((s) => `${name}: ${s}`);
    });

  beforeAll(async () => {
    // A retrain after the erasure finds the shipped corpus's model in the shared test cache.
    running = await startTestApp({ MENTIONS_API_KEY: KEY, NLU_MODEL_CACHE: sharedModelCache() });
    sup = await createStaff(running.app, { role: 'supervisor' });
    admin = await createStaff(running.app, { role: 'admin' });
  });
  afterAll(async () => running.stop());

  test('profiles, merges, suggestions, corpus additions, mention handles, channel keys and raw store files hold nothing of the person', async () => {
    // --- The person, built the way it happens in production.
    await says('facebook', 'eve-fb-user', 't28-eve-fb', PARCEL);
    await says('test', 'eve-test-user', 't28-eve-test', 'I want to change my email');
    await says('test', 'eve-test-user', 't28-eve-test', CARD);
    const store = running.app.store;
    const fb = (await store.findCustomerByKey({ kind: 'channel', channelId: 'facebook', userId: 'eve-fb-user' }))!;
    const tst = (await store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: 'eve-test-user' }))!;
    const { identity } = running.app.services;
    await identity.applyVerifiedContact(fb.id, { type: 'email', value: EMAIL }, 'agent');
    await identity.applyVerifiedContact(fb.id, { type: 'phone', value: '+34 600 55 44 33' }, 'agent');
    await identity.applyVerifiedContact(tst.id, { type: 'email', value: EMAIL }, 'signed_token'); // merges tst into fb
    const mergeId = String((await store.listAudit({ action: 'profile.merge', targetId: fb.id }))[0].data?.mergeId);
    // A social mention by the same person, merged in by an agent.
    const mention = await fetch(`${running.url}/api/mentions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: JSON.stringify({ network: 'x', handle: `@${HANDLE}`, text: MENTION, reach: 250_000, url: `https://x.example/${HANDLE}/status/1` }),
    });
    const mentioned = (await mention.json()) as { customerId: string; conversationId?: string };
    expect(mentioned.conversationId).toBeDefined();
    const mentionConv = (await store.getConversation(mentioned.conversationId!))!;
    // New mention conversations never carry the handle in their keys.
    expect(JSON.stringify([mentionConv.channelConversationId, mentionConv.reference.conversation])).not.toMatch(new RegExp(HANDLE, 'i'));
    await identity.merge(mentioned.customerId, fb.id, 'same person', sup.id);
    // Someone else typed her phone number: a merge suggestion (its evidence holds the number).
    await says('webchat', 'other-visitor', 't28-other', 'hello');
    const other = (await store.findCustomerByKey({ kind: 'channel', channelId: 'webchat', userId: 'other-visitor' }))!;
    await identity.applyUnverifiedContact(other.id, { type: 'phone', value: '+34 600 55 44 33' }, 'chat');
    // A supervisor added her words to the NLU corpus.
    expect((await send('POST', '/api/nlu/utterances', sup, { text: PARCEL, intent: 'none', language: 'en' })).status).toBe(201);
    const dialogKey = 'test/conversations/t28-eve-test/'; // botbuilder's ConversationState key
    // A file she sent (a scan of her passport, say), kept with her conversation.
    const evesChat = (await store.findConversationByChannel('test', 't28-eve-test'))!;
    const scan = Buffer.from(`passport ${PASSPORT} Eve Erasable`);
    await store.putAttachment(
      {
        id: 't28-eve-scan',
        conversationId: evesChat.id,
        name: 'passport-eve.txt',
        contentType: 'text/plain',
        size: scan.length,
        sha256: createHash('sha256').update(scan).digest('hex'),
        uploader: { role: 'customer', id: 'eve-test-user' },
        createdAt: new Date().toISOString(),
      },
      scan,
    );

    // --- Positive controls: everything is there, through the API and in the raw files.
    const person = await get(`/api/customers/${fb.id}`, sup);
    expect(person.status).toBe(200);
    expect(person.text).toContain(EMAIL);
    const suggestions = async () =>
      (await send('GET', '/api/merge-suggestions', sup)).json.suggestions as { customerId: string; candidateId: string; evidence: string[] }[];
    expect((await suggestions()).some((s) => [s.customerId, s.candidateId].includes(fb.id))).toBe(true);
    const corpus = async () => (await send('GET', '/api/nlu/corpus', sup)).json as { additions: { text: string }[]; model: { training: boolean } };
    expect((await corpus()).additions.map((a) => a.text)).toContain(PARCEL);
    expect(Object.keys(await store.readState([dialogKey]))).toEqual([dialogKey]);
    await store.sync();
    const secrets = [EMAIL, CARD, PARCEL, 'zanzibarquill', HANDLE, 'eve-fb-user', 'eve-test-user', 't28-eve-test', 't28-eve-fb', PASSPORT, 'passport-eve'];
    expect(traces([EMAIL, CARD, PARCEL]).length).toBeGreaterThan(0);
    expect(traces([PASSPORT]).length).toBeGreaterThan(0);

    // --- The erasure.
    const erased = await send('POST', `/api/customers/${tst.id}/erase`, admin);
    expect(erased.status).toBe(200);
    expect(erased.json).toMatchObject({ profiles: 3, merges: 2, mergeSuggestions: 1, corpusAdditions: 1 });

    // --- Through the API: the person is gone, and cannot be brought back.
    for (const id of [fb.id, tst.id, mentioned.customerId]) {
      expect((await get(`/api/customers/${id}`, sup)).status).toBe(404);
      expect((await get(`/api/customers/${id}/export`, sup)).status).toBe(404);
    }
    const undo = await send('POST', `/api/merges/${mergeId}/undo`, sup);
    expect(undo).toEqual({ status: 409, json: { error: expect.objectContaining({ code: 'PROFILE_ERASED' }) as unknown } });
    expect((await store.getCustomer(tst.id))?.erasedAt).toBeDefined();
    expect((await store.getCustomer(tst.id))?.identities).toEqual([]);
    expect((await suggestions()).filter((s) => [s.customerId, s.candidateId].some((id) => [fb.id, tst.id, mentioned.customerId].includes(id)))).toEqual([]);
    expect((await corpus()).additions.map((a) => a.text)).not.toContain(PARCEL);
    expect(await store.readState([dialogKey])).toEqual({});
    expect(await store.getAttachment('t28-eve-scan')).toBeNull();
    for (const q of ['zanzibarquill', '5555', HANDLE])
      expect((JSON.parse((await get(`/api/transcripts/search?q=${q}`, sup)).text) as { hits: unknown[] }).hits).toEqual([]);
    const listed = JSON.parse((await get(`/api/transcripts?customer=${fb.id}`, sup)).text) as { items: { conversation: { id: string } }[] };
    expect(listed.items.length).toBe(3);
    for (const { conversation } of listed.items) {
      const transcript = await get(`/api/transcripts/${conversation.id}`, sup);
      expect(transcript.status).toBe(200);
      for (const s of secrets)
        expect({ conversation: conversation.id, leaks: transcript.text.toLowerCase().includes(s.toLowerCase()) ? s : null }).toEqual({
          conversation: conversation.id,
          leaks: null,
        });
    }
    const audit = (await get('/api/audit?action=privacy.erase', admin)).text;
    for (const s of secrets) expect(audit.toLowerCase()).not.toContain(s.toLowerCase());

    // --- In the raw files: not in the database's free pages, not in the WAL.
    expect(traces(secrets)).toEqual([]);
    // The recognizer is retrained without her words (wait for it before the app stops).
    while ((await corpus()).model.training) await new Promise((r) => setTimeout(r, 50));
    // Others are untouched.
    expect(((await store.getCustomer(other.id)) as Customer).contacts.map((c) => c.value)).toEqual(['+34600554433']);
  });
});
