import type { DemoCommerceBackend } from '../../commerce/demoCommerceBackend';
import { Chat } from '../helpers/chat';
import { createStaff, type Staff } from '../helpers/consoleClient';
import { startTestApp, type RunningApp } from '../helpers/testApp';

interface Suggestion {
  id: string;
  customerId: string;
  candidateId: string;
  score: number;
  evidence: string[];
}

/**
 * A merge never turns a claim into verification (fresh-eyes finding 2), tried as the tester did: an anonymous visitor
 * asks for a person with nobody online, answers the bot's e-mail question with a known customer's address, a
 * supervisor reads the suggestion over REST (it says who the other person is, masked, and what merging does not do)
 * and merges; the visitor then asks for that customer's order and is asked for the ownership proof, not shown it.
 */
describe('merging on a typed e-mail gives a visitor nothing of the other person', () => {
  let running: RunningApp;
  let supervisor: Staff;
  beforeAll(async () => {
    running = await startTestApp();
    // The demo shop's customers as the running product seeds them: Ben Carter, ben@example.com (verified, import).
    await (running.app.services.backend as DemoCommerceBackend).seed({ customers: true });
    supervisor = await createStaff(running.app, { role: 'supervisor' });
  });
  afterAll(async () => running.stop());

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${running.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${supervisor.token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });

  test('the suggestion names both people; after the merge the e-mail is still a claim and order 67890 needs proof', async () => {
    const visitor = new Chat(running, { channelId: 'emulator' });
    expect((await visitor.say('I want to talk to a person')).replies.join(' ')).toMatch(/What e-mail address should we answer to/);
    expect((await visitor.say('ben@example.com')).status).toBe(200);
    const me = await visitor.customer();

    const listed = (await (await api('/api/merge-suggestions')).json()) as { suggestions: Suggestion[] };
    const s = listed.suggestions.find((x) => x.customerId === me.id)!;
    expect(s).toBeDefined();
    const ben = (await running.app.store.findCustomerByKey({ kind: 'email', value: 'ben@example.com' }))!;
    expect(s.candidateId).toBe(ben.id);
    // Who the other person is, e-mail masked, and what the visitor side is.
    expect(s.evidence).toContain('other profile: Ben Carter · b•••@example.com (verified, import) · no channel identity · 0 conversations');
    expect(s.evidence.find((e) => e.startsWith('this profile:'))).toMatch(/b•••@example\.com \(unverified, chat\) · channels emulator/);
    expect(s.evidence.join('\n')).toMatch(/merging does not verify anything typed in chat/);

    const decided = await api(`/api/merge-suggestions/${s.id}`, { method: 'POST', body: JSON.stringify({ confirm: true }) });
    expect(decided.status).toBe(200);

    const merged = await visitor.customer();
    expect(merged.id).toBe(ben.id);
    expect(merged.displayName).toBe('Ben Carter');
    expect(merged.contacts.filter((c) => c.type === 'email')).toEqual([expect.objectContaining({ value: 'ben@example.com', verified: false })]);

    // The visitor withdraws their request and asks for Ben's order: the ownership proof is asked, nothing is shown.
    await visitor.say('cancel my request');
    const asked = (await visitor.say('where is my order 67890?')).replies.join(' ');
    expect(asked).not.toMatch(/delivered/i);
    expect(asked).toMatch(/e-mail address the order was placed with/);

    // Undoing the merge gives Ben his verified e-mail back exactly as it was.
    const merges = await running.app.services.identity.mergesOf(ben.id);
    expect((await api(`/api/merges/${merges[0]}/undo`, { method: 'POST', body: '{}' })).status).toBe(200);
    const restored = (await running.app.store.getCustomer(ben.id))!;
    expect(restored.contacts).toEqual([expect.objectContaining({ value: 'ben@example.com', verified: true, source: 'import' })]);
  });
});
