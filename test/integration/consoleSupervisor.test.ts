import { t } from '../../locale/replies';
import { createStaff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

interface Row {
  text: string;
  count: number;
  language: string;
}

/** The supervisors' REST side of the console: the not-understood list, removing corpus additions, merges undone from the sidebar. */
describe('console supervisor routes', () => {
  let running: RunningApp;
  let lead: string;
  let agent: string;
  beforeAll(async () => {
    running = await startTestApp();
    lead = (await createStaff(running.app, { role: 'supervisor' })).token;
    agent = (await createStaff(running.app)).token;
  });
  afterAll(async () => running.stop());
  const api = (path: string, token: string, body?: unknown) =>
    fetch(`${running.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test("the not-understood list keeps customers' own requests with their language, not answers to the bot's prompts or survey comments", async () => {
    const store = running.app.store;
    const customer = await store.createCustomer({ displayName: 'Nina' });
    const { conversation: c } = await store.getOrCreateConversation({
      channelId: 'test',
      channelConversationId: 'nu-1',
      customerId: customer.id,
      reference: { channelId: 'test', serviceUrl: 'http://localhost', conversation: { id: 'nu-1' } },
    });
    const say = (role: 'customer' | 'bot' | 'system', text: string, over: Record<string, unknown> = {}) =>
      store.appendMessage({
        conversationId: c.id,
        role,
        kind: 'message',
        text,
        ...(role === 'customer' ? { intent: 'none', authorId: customer.id } : {}),
        ...over,
      });
    await say('customer', 'can you engrave my bracelet with a name', { language: 'en' });
    await say('bot', t('en', 'notUnderstood'));
    await say('customer', '¿hacéis envíos a Canarias en barco?', { language: 'es' });
    await say('bot', t('en', 'askOrderEmail', { order: '12345' }));
    await say('customer', 'the one I always use I think', { language: 'en' });
    await say('bot', t('es', 'confirmCancel', { order: '12345', items: '1 x lámpara' }));
    await say('customer', 'vale', { language: 'es' });
    await say('customer', 'nina@example.com', { language: 'en' });
    await say('system', t('en', 'survey'));
    await say('customer', 'the agent was slow to answer', { language: 'en' });
    await store.appendMessage({ conversationId: c.id, role: 'system', kind: 'event', text: 'satisfaction', data: { type: 'satisfaction', score: 2 } });

    const today = new Date().toISOString().slice(0, 10);
    const res = await api(`/api/stats?from=${today}&to=${today}`, lead);
    expect(res.status).toBe(200);
    const rows = ((await res.json()) as { unrecognized: Row[] }).unrecognized;
    expect(rows.map((r) => [r.text, r.language]).sort()).toEqual([
      ['can you engrave my bracelet with a name', 'en'],
      ['¿hacéis envíos a Canarias en barco?', 'es'],
    ]);
  });

  test('an addition can be removed (that language only); agents may not; an unknown one is 404', async () => {
    const add = async (text: string, language: string, intent: string) =>
      expect((await api('/api/nlu/utterances', lead, { text, intent, language })).status).toBe(201);
    await add('where is my parcel now', 'en', 'none');
    await add('where is my parcel now', 'es', 'none');
    expect((await api('/api/nlu/utterances/remove', agent, { text: 'where is my parcel now', language: 'en' })).status).toBe(403);
    expect((await api('/api/nlu/utterances/remove', lead, { text: 'never added', language: 'en' })).status).toBe(404);
    expect((await api('/api/nlu/utterances/remove', lead, { text: 'x', language: 'english' })).status).toBe(400);
    expect((await api('/api/nlu/utterances/remove', lead, { text: 'Where is my parcel NOW', language: 'en' })).status).toBe(200);
    const corpus = (await (await api('/api/nlu/corpus', lead)).json()) as { additions: { text: string; language: string }[] };
    expect(corpus.additions.filter((a) => a.text === 'where is my parcel now').map((a) => a.language)).toEqual(['es']);
    expect((await running.app.store.listAudit({ action: 'nlu.utterance_remove' })).length).toBe(1);
  });

  test('merges of a customer are listed for supervisors and undone; agents get 403; a merge with an erased side is refused with a sentence-ready code', async () => {
    const { identity } = running.app.services;
    const store = running.app.store;
    const survivor = await store.createCustomer({ displayName: 'Maria Main' });
    const absorbed = await store.createCustomer({ displayName: 'Maria Twitter' });
    await identity.merge(absorbed.id, survivor.id, 'test', 'someone');
    expect((await api(`/api/customers/${survivor.id}/merges`, agent)).status).toBe(403);
    const list = (await (await api(`/api/customers/${survivor.id}/merges`, lead)).json()) as {
      merges: { mergeId: string; absorbedName?: string; undone?: string }[];
    };
    expect(list.merges).toHaveLength(1);
    expect(list.merges[0].absorbedName).toBe('Maria Twitter');
    expect((await api(`/api/merges/${list.merges[0].mergeId}/undo`, agent, {})).status).toBe(403);
    expect((await api(`/api/merges/${list.merges[0].mergeId}/undo`, lead, {})).status).toBe(200);
    const after = (await (await api(`/api/customers/${survivor.id}/merges`, lead)).json()) as { merges: { undone?: string }[] };
    expect(after.merges[0].undone).toBeTruthy();
    // Undone twice: a merge's own code, not a handoff one.
    const again = await api(`/api/merges/${list.merges[0].mergeId}/undo`, lead, {});
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('MERGE_ALREADY_UNDONE');

    // One side erased since: listed without a name, and the undo refused.
    const other = await store.createCustomer({ displayName: 'Pia Private' });
    await identity.merge(other.id, survivor.id, 'test', 'someone');
    await store.updateCustomer(other.id, { erasedAt: new Date().toISOString() });
    const erased = (await (await api(`/api/customers/${survivor.id}/merges`, lead)).json()) as {
      merges: { mergeId: string; absorbedName?: string; erased?: boolean }[];
    };
    const e = erased.merges.find((m) => m.erased)!;
    expect(e.absorbedName).toBeUndefined();
    const refused = await api(`/api/merges/${e.mergeId}/undo`, lead, {});
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('PROFILE_ERASED');
  });

  test('a merge suggestion decided twice answers MERGE_SUGGESTION_DECIDED (409), and the first decision stands', async () => {
    const store = running.app.store;
    const a = await store.createCustomer({ displayName: 'Rita One' });
    const b = await store.createCustomer({ displayName: 'Rita Two' });
    const s = await store.addMergeSuggestion({ customerId: a.id, candidateId: b.id, score: 0.9, evidence: ['same name'] });
    expect((await api(`/api/merge-suggestions/${s.id}`, lead, { confirm: false })).status).toBe(200);
    const again = await api(`/api/merge-suggestions/${s.id}`, lead, { confirm: true });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('MERGE_SUGGESTION_DECIDED');
    expect((await store.getMergeSuggestion(s.id))?.status).toBe('rejected');
    expect((await store.getCustomer(a.id))?.mergedInto ?? null).toBeNull();
  });
});
