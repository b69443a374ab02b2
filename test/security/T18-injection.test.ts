/**
 * T18: operator, SQL and full-text injection from outside. Operator-shaped query keys and JSON values are refused
 * (400) or taken as plain strings; SQL in texts is stored as text; full-text syntax (prefixes, NEAR, OR, column
 * filters, unbalanced quotes) is searched as plain words and never widens a search or breaks it.
 */
import { messageActivity, post } from '../helpers/activities';
import { createStaff, online, request as ask } from '../helpers/consoleClient';
import { request, startSecurityApp, type SecurityApp } from './helpers';

describe('T18 injection', () => {
  let s: SecurityApp;
  let lead: { id: string; token: string };
  const auth = () => ({ authorization: `Bearer ${lead.token}` });
  beforeAll(async () => {
    s = await startSecurityApp();
    lead = await createStaff(s.app, { role: 'admin' });
    await post(s.url, messageActivity({ conversation: { id: 't18-a' }, from: { id: 't18-user-a' }, text: 'the secret plan is ready' }));
    await post(s.url, messageActivity({ conversation: { id: 't18-b' }, from: { id: 't18-user-b' }, text: "invoice 4411'; DROP TABLE messages; --" }));
  });
  afterAll(async () => s.stop());

  test.each([
    '/api/transcripts?channel[$ne]=x',
    '/api/transcripts?customer[$gt]=',
    '/api/transcripts?state[$in][]=bot',
    '/api/transcripts?agent=a&agent=b',
    '/api/audit?actor[$regex]=.*',
    '/api/stats?from=2026-01-01&to=2026-02-01&channel[$ne]=',
  ])('operator-shaped query %s: 400', async (path) => {
    const r = await request(`${s.url}${path}`, { headers: auth() });
    expect(r.status).toBe(400);
  });

  test('operator-shaped JSON values and ids are refused or taken as plain strings', async () => {
    const id = encodeURIComponent('{"$ne":null}');
    expect((await request(`${s.url}/api/customers/${id}`, { headers: auth() })).status).toBe(404);
    expect((await request(`${s.url}/api/transcripts/${id}`, { headers: auth() })).status).toBe(404);
    expect((await request(`${s.url}/api/merge-suggestions/x`, { headers: auth(), body: { confirm: { $ne: null } } })).status).toBe(400);
    expect((await request(`${s.url}/api/transcripts/x/tags`, { method: 'PUT', headers: auth(), body: { tags: [{ $set: 'x' }] } })).status).toBe(400);
    const bf = await post(s.url, messageActivity({ conversation: { id: { $ne: null } }, from: { id: { $gt: '' } } }));
    expect(bf.status).toBe(400);
    const agent = await createStaff(s.app);
    const socket = await online(s.app, s.url, agent);
    for (const payload of [{ conversationId: { $ne: null } }, { conversationId: ['a'] }]) {
      expect((await ask(socket, 'conversation:join', payload)).error?.code).toBe('VALIDATION_FAILED');
    }
    // Markup or operators as a consent channel: refused as such, never read as a channel with no address.
    for (const channel of ['<b>x</b>', '{"$ne":null}', 'e mail', '']) {
      const consent = { customerId: 'someone', purpose: 'marketing', channel, granted: true };
      expect((await ask(socket, 'customer:consent', consent)).error?.code).toBe('VALIDATION_FAILED');
    }
    socket.disconnect();
  });

  test('SQL in a message is stored as text, and the tables are intact', async () => {
    const conv = (await s.app.store.findConversationByChannel('test', 't18-b'))!;
    expect((await s.app.store.listMessages(conv.id))[0].text).toBe("invoice 4411'; DROP TABLE messages; --");
    const hits = await request(`${s.url}/api/transcripts/search?q=${encodeURIComponent("4411'; DROP TABLE messages; --")}`, { headers: auth() });
    expect(hits.status).toBe(200);
    expect(await s.app.store.findConversationByChannel('test', 't18-a')).not.toBeNull();
  });

  test.each([
    ['secre*', 0], // a prefix query would find "secret"
    ['NEAR(secret ready)', 0],
    ['secret OR invoice', 0],
    ['text:secret', 0],
    ['"secret', 1], // an unbalanced quote is just the word
    ['secret plan', 1],
    ['{secret}', 1],
    ['*', 0],
    ["secret' OR '1'='1", 0],
    ['invoice -secret', 0], // NOT syntax is words too: no message says "invoice secret"
  ])('full-text query %s: plain words, %d conversation(s), never an error', async (q, expected) => {
    const r = await request(`${s.url}/api/transcripts/search?q=${encodeURIComponent(q)}`, { headers: auth() });
    expect([200, 400]).toContain(r.status);
    const conversations = new Set(((r.body.hits ?? []) as { conversationId: string }[]).map((h) => h.conversationId));
    expect(conversations.size).toBe(expected);
    const filtered = await request(`${s.url}/api/transcripts?q=${encodeURIComponent(q)}`, { headers: auth() });
    expect([200, 400]).toContain(filtered.status);
  });
});
