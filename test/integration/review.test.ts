import type { Socket } from 'socket.io-client';
import type { Conversation, Message } from '../../models/records';
import { buildConversation, buildMessage } from '../../store/recordBuilders';
import type { TranscriptSummary } from '../../store/store';
import { parseCsv } from '../../core/csv';
import { ChannelServer } from '../helpers/channelServer';
import { createStaff, online, type Staff } from '../helpers/consoleClient';
import { ratedHandoff } from '../helpers/journeys';
import { messageActivity, post } from '../helpers/activities';
import { startTestApp, type RunningApp } from '../helpers/testApp';

/** Supervisor review over the real app: a real escalated, rated chat, then search, transcript, tags, exports, figures. */
describe('transcript review, exports and figures', () => {
  let running: RunningApp;
  let channel: ChannelServer;
  let agent: Staff;
  let otherAgent: Staff;
  let sup: Staff;
  let admin: Staff;
  let agentSocket: Socket;
  let chat: Conversation;
  const h = (s: Staff, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${s.token}`, ...extra });
  const get = (path: string, s?: Staff) => fetch(`${running.url}${path}`, { headers: s ? h(s) : {} });
  const send = (method: string, path: string, s: Staff, body: unknown) =>
    fetch(`${running.url}${path}`, { method, headers: h(s, { 'content-type': 'application/json' }), body: JSON.stringify(body) });

  beforeAll(async () => {
    running = await startTestApp();
    channel = await new ChannelServer().start();
    agent = await createStaff(running.app, { name: 'Alice Agent' });
    otherAgent = await createStaff(running.app, { name: 'Oscar Other' });
    sup = await createStaff(running.app, { role: 'supervisor', name: 'Sue Supervisor' });
    admin = await createStaff(running.app, { role: 'admin', name: 'Adam Admin' });
    agentSocket = await online(running.app, running.url, agent);
    chat = await ratedHandoff(running, channel, agentSocket, {
      conv: 'review-1',
      customerName: 'Rita Reviewed',
      // The gibberish first: after the order question it would be an answer to that, not a request of its own.
      lines: ['flibber jabber wocky', 'my blue umbrella never arrived'],
      agentReply: 'Sorry Rita, I am sending a new umbrella today.',
      rating: 5,
    });
  });
  afterAll(async () => {
    agentSocket?.disconnect();
    await running.stop();
    await channel.stop();
  });

  test('a supervisor finds the chat by a phrase the customer wrote and opens everything that happened in it', async () => {
    expect(chat).toMatchObject({ state: 'closed', handoffReason: 'customer_asked', satisfaction: { score: 5 } });
    const found = (await (await get('/api/transcripts?q=blue%20umbrella', sup)).json()) as { items: TranscriptSummary[] };
    expect(found.items.map((i) => i.conversation.id)).toEqual([chat.id]);
    expect(found.items[0]).toMatchObject({ customerName: 'Rita Reviewed', conversation: { handoffReason: 'customer_asked', satisfaction: { score: 5 } } });

    const res = await get(`/api/transcripts/${chat.id}`, sup);
    expect(res.status).toBe(200);
    const t = (await res.json()) as { messages: Message[]; staff: Record<string, string>; conversation: Conversation };
    expect(t.messages.map((m) => m.seq)).toEqual(t.messages.map((_, i) => i + 1));
    const first = t.messages.find((m) => m.text === 'my blue umbrella never arrived')!;
    expect(first).toMatchObject({ role: 'customer', intent: expect.any(String) as unknown, sentiment: expect.any(Number) as unknown });
    const states = t.messages.filter((m) => m.kind === 'event' && m.data?.type === 'state').map((m) => `${m.data!.from as string}→${m.data!.to as string}`);
    expect(states).toEqual(['bot→queued', 'queued→agent', 'agent→closed']);
    expect(t.messages.find((m) => m.data?.type === 'state' && m.data.to === 'queued')?.data?.reason).toBe('customer_asked');
    expect(t.messages.find((m) => m.data?.type === 'satisfaction')?.data?.score).toBe(5);
    expect(t.messages.some((m) => m.role === 'agent' && m.text.startsWith('Sorry Rita'))).toBe(true);
    expect(t.staff[agent.id]).toBe('Alice Agent');
    expect((await running.app.store.listAudit({ action: 'transcript.view', actorId: sup.id })).map((a) => a.targetId)).toContain(chat.id);
  });

  test('an agent sees a transcript they held; one they did not and one that does not exist get the same 404', async () => {
    expect((await get(`/api/transcripts/${chat.id}`, agent)).status).toBe(200);
    const hidden = await get(`/api/transcripts/${chat.id}`, otherAgent);
    const missing = await get('/api/transcripts/no-such-conversation', otherAgent);
    expect([hidden.status, missing.status]).toEqual([404, 404]);
    expect(await hidden.json()).toEqual(await missing.json());
    expect((await get('/api/transcripts/no-such-conversation', sup)).status).toBe(404);
  });

  test('an agent token gets 403 on every supervisor endpoint; a supervisor gets 403 on the admin ones', async () => {
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/transcripts'],
      ['GET', '/api/transcripts/export?format=csv'],
      ['POST', '/api/transcripts/export-link', { format: 'csv' }],
      ['PUT', `/api/transcripts/${chat.id}/tags`, { tags: ['x'] }],
      ['POST', `/api/transcripts/${chat.id}/annotations`, { text: 'x' }],
      ['GET', '/api/transcripts/search?q=umbrella'],
      ['GET', '/api/stats?from=2026-01-01&to=2026-12-31'],
      ['GET', '/api/nlu/corpus'],
      ['POST', '/api/nlu/utterances', { text: 'x', intent: 'order.track', language: 'en' }],
      ['POST', '/api/nlu/retrain', {}],
      ['GET', '/api/audit'],
      ['GET', '/api/audit/export?format=csv'],
      ['POST', '/api/audit/export-link', { format: 'csv' }],
    ];
    const adminOnly = (path: string) => path.startsWith('/api/audit');
    for (const [method, path, body] of calls) {
      const asAgent = method === 'GET' ? await get(path, agent) : await send(method, path, agent, body);
      expect({ path, status: asAgent.status, code: ((await asAgent.json()) as { error: { code: string } }).error.code }).toEqual({
        path,
        status: 403,
        code: 'FORBIDDEN',
      });
      if (adminOnly(path))
        expect({ path, status: (method === 'GET' ? await get(path, sup) : await send(method, path, sup, body)).status }).toEqual({ path, status: 403 });
    }
    expect((await get('/api/transcripts')).status).toBe(401);
  });

  test('malformed filters get a 400 that names the problem', async () => {
    const cases: [string, RegExp][] = [
      ['from=2026-13-45', /from/],
      ['from=yesterday', /from/],
      ['from=2026-12-31&to=2026-01-01', /before/],
      ['channel[$ne]=x', /channel/],
      ['limit=100000', /limit.*at most 200/],
      ['limit=-1', /limit/],
      ['sentimentMin=abc', /sentimentMin/],
      ['sentimentMin=0.5&sentimentMax=-0.5', /sentimentMin/],
      ['ratingMin=9', /ratingMin/],
      ['state=angry', /state/],
      ['orderBy=text', /orderBy|Unrecognized/],
      ['cursor=not-a-cursor', /cursor/],
    ];
    for (const [qs, re] of cases) {
      const res = await get(`/api/transcripts?${qs}`, sup);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect({ qs, status: res.status, ok: re.test(body.error.message) }).toEqual({ qs, status: 400, ok: true });
    }
  });

  test('tags and annotations: filterable, audited, never sent to the customer', async () => {
    const before = channel.texts('review-1').length;
    expect((await send('PUT', `/api/transcripts/${chat.id}/tags`, sup, { tags: ['coaching', 'late-delivery'] })).status).toBe(200);
    const note = await send('POST', `/api/transcripts/${chat.id}/annotations`, sup, { text: 'Good recovery: offer a voucher next time.' });
    expect(note.status).toBe(201);
    const tagged = (await (await get('/api/transcripts?tag=coaching', sup)).json()) as { items: TranscriptSummary[] };
    expect(tagged.items.map((i) => i.conversation.id)).toEqual([chat.id]);
    const t = (await (await get(`/api/transcripts/${chat.id}`, sup)).json()) as { messages: Message[] };
    expect(t.messages[t.messages.length - 1]).toMatchObject({
      kind: 'note',
      authorId: sup.id,
      text: 'Good recovery: offer a voucher next time.',
      data: { annotation: true },
    });
    expect(channel.texts('review-1').length).toBe(before);
    expect((await running.app.store.listAudit({ actorId: sup.id })).map((a) => a.action)).toEqual(
      expect.arrayContaining(['transcript.tag', 'transcript.annotate']),
    );
    expect((await send('PUT', `/api/transcripts/${chat.id}/tags`, sup, { tags: ['a|b'] })).status).toBe(400);
  });

  test('exports stream every matching conversation across store pages, as CSV and JSON; formulas are neutralized', async () => {
    // 1,200 conversations (three export pages) on their own channel, each with two messages.
    const conversations: Conversation[] = [];
    const messages: Message[] = [];
    const customer = await running.app.store.createCustomer({ displayName: 'Bulk Buyer' });
    for (let i = 0; i < 1200; i++) {
      const c = {
        ...buildConversation({
          channelId: 'bulk',
          channelConversationId: `bulk-${i}`,
          customerId: customer.id,
          reference: { channelId: 'bulk', serviceUrl: 'http://localhost', conversation: { id: `bulk-${i}` } },
        }),
        createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        state: 'closed' as const,
        lastSeq: 2,
      };
      conversations.push(c);
      messages.push(
        buildMessage(
          { conversationId: c.id, role: 'customer', text: i === 7 ? '=HYPERLINK("http://evil")' : `bulk question ${i}, with a comma`, createdAt: c.createdAt },
          1,
        ),
      );
      messages.push(buildMessage({ conversationId: c.id, role: 'bot', text: 'bulk answer', createdAt: c.createdAt }, 2));
    }
    await running.app.store.importRecords({ conversations, messages });

    const csvRes = await get('/api/transcripts/export?format=csv&channel=bulk', sup);
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csvRes.headers.get('transfer-encoding')).toBe('chunked');
    const rows = parseCsv(await csvRes.text());
    const header = rows[0];
    const body = rows.slice(1);
    expect(body.length).toBe(2400);
    const col = (name: string) => header.indexOf(name);
    expect(new Set(body.map((r) => r[col('conversation_id')])).size).toBe(1200);
    expect(body.find((r) => r[col('text')].includes('HYPERLINK'))?.[col('text')]).toBe('\'=HYPERLINK("http://evil")');
    expect(body.filter((r) => r[col('text')] === 'bulk question 5, with a comma')).toHaveLength(1);

    // One a minute from midnight: from 10:00 to the end of that day (a date alone means the whole day) holds the last 600.
    const jsonRes = await get('/api/transcripts/export?format=json&channel=bulk&from=2026-01-01T10:00:00Z&to=2026-01-01', sup);
    const exported = (await jsonRes.json()) as { conversations: { id: string; messages: Message[] }[] };
    expect(exported.conversations.length).toBe(600);
    expect(exported.conversations.every((c) => c.messages.map((m) => m.seq).join() === '1,2')).toBe(true);
    expect((await running.app.store.listAudit({ action: 'transcript.export', actorId: sup.id })).length).toBe(2);
  });

  test('a download link works without the token for one minute, for exactly its URL', async () => {
    const link = (await (await send('POST', '/api/transcripts/export-link', sup, { format: 'csv', q: 'blue umbrella' })).json()) as { url: string };
    const ok = await fetch(`${running.url}${link.url}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('my blue umbrella never arrived');
    const widened = link.url.replace('q=blue+umbrella', 'q=umbrella');
    expect(widened).not.toBe(link.url);
    expect((await fetch(`${running.url}${widened}`)).status).toBe(401);
    expect((await fetch(`${running.url}/api/transcripts/export?format=csv&ticket=forged.1.sig`)).status).toBe(401);
  });

  test('figures through the API: containment, rating, times, and the not-understood message; one click adds it to an intent', async () => {
    const day = chat.createdAt.slice(0, 10);
    type Times = { n: number; p50: number };
    const stats = (await (await get(`/api/stats?from=${day}&to=${day}&channel=test`, sup)).json()) as {
      handoffReasons: unknown;
      satisfaction: unknown;
      times: { waiting: Times; handling: Times; firstResponse: Times };
      unrecognized: { text: string }[];
    };
    expect(stats.handoffReasons).toEqual([{ reason: 'customer_asked', count: 1 }]);
    expect(stats.satisfaction).toEqual([{ score: 5, count: 1 }]);
    expect(stats.times.waiting.n).toBe(1);
    expect(stats.times.handling.n).toBe(1);
    expect(stats.times.firstResponse.p50).toBeGreaterThanOrEqual(stats.times.waiting.p50);
    expect(stats.unrecognized.map((u) => u.text)).toContain('flibber jabber wocky');

    const add = (body: unknown) => send('POST', '/api/nlu/utterances', sup, body);
    expect((await add({ text: 'flibber jabber wocky', intent: 'none', language: 'en' })).status).toBe(201);
    expect((await add({ text: 'Flibber  jabber wocky', intent: 'none', language: 'en' })).status).toBe(200);
    expect((await add({ text: 'x', intent: 'no.such.intent', language: 'en' })).status).toBe(400);
    expect((await add({ text: 'x', intent: 'order.track', language: 'xx' })).status).toBe(400);
    const corpus = (await (await get('/api/nlu/corpus', sup)).json()) as {
      additions: { text: string; intent: string; by: string }[];
      catalogue: { language: string; intents: string[] }[];
    };
    expect(corpus.additions).toEqual([expect.objectContaining({ text: 'flibber jabber wocky', intent: 'none', by: sup.id })]);
    expect(corpus.catalogue.find((c) => c.language === 'es')?.intents).toContain('order.track');
  });

  test('admins read the audit log in pages and export it', async () => {
    const page1 = (await (await get('/api/audit?limit=3', admin)).json()) as { entries: { id: string; at: string }[]; nextCursor: string };
    expect(page1.entries).toHaveLength(3);
    const page2 = (await (await get(`/api/audit?limit=3&cursor=${page1.nextCursor}`, admin)).json()) as { entries: { id: string; at: string }[] };
    expect(page2.entries.some((e) => page1.entries.some((x) => x.id === e.id))).toBe(false);
    expect(page2.entries[0].at <= page1.entries[2].at).toBe(true);
    const csv = await get('/api/audit/export?format=csv', admin);
    const rows = parseCsv(await csv.text());
    const actions = rows.slice(1).map((r) => r[3]);
    expect(actions).toEqual(expect.arrayContaining(['auth.sign_in', 'transcript.view', 'transcript.search', 'transcript.export', 'transcript.tag']));
    // The JSON export also lists the CSV export's own audit entry.
    expect(((await (await get('/api/audit/export?format=json', admin)).json()) as { entries: unknown[] }).entries.length).toBe(rows.length);
  });

  test('the bot records a message even while review runs: nothing here changes what customers get', async () => {
    const r = await post(running.url, messageActivity({ conversation: { id: 'review-2' }, text: 'where is my order 12345' }));
    expect(r.status).toBe(200);
    expect(r.replies.join(' ')).toMatch(/12345/);
  });
});
