import { DRAFT_LIMITS, forgetAllDrafts, forgetDrafts, loadDrafts, saveDraft, type DraftStorage } from '../../agent-console/web/draftStore';

/** A Web Storage stand-in; `quota` (characters) makes setItem throw as a full localStorage does. */
function memoryStorage(quota = Infinity): DraftStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem(k, v) {
      const used = [...items].filter(([key]) => key !== k).reduce((n, [key, val]) => n + key.length + val.length, 0);
      if (used + k.length + v.length > quota) throw new Error('QuotaExceededError');
      items.set(k, v);
    },
    removeItem: (k) => void items.delete(k),
  };
}

describe('console drafts kept in the browser (draftStore)', () => {
  const t0 = Date.parse('2026-11-30T20:00:00Z');

  test('kept per user and chat; empty drafts are forgotten; another user reads none of them', () => {
    const s = memoryStorage();
    saveDraft(s, 'agent1', 'c1', { reply: 'Hola, siento lo del pedido', note: 'refund?', own: true }, t0);
    saveDraft(s, 'agent1', 'c2', { reply: 'second', note: '', own: true }, t0);
    expect([...loadDrafts(s, 'agent1', t0)].map(([id, d]) => [id, d.reply, d.note])).toEqual([
      ['c1', 'Hola, siento lo del pedido', 'refund?'],
      ['c2', 'second', ''],
    ]);
    expect(loadDrafts(s, 'agent2', t0).size).toBe(0);
    saveDraft(s, 'agent1', 'c1', { reply: '', note: '  ', own: true }, t0);
    expect([...loadDrafts(s, 'agent1', t0).keys()]).toEqual(['c2']);
    forgetDrafts(s, 'agent1', ['c2'], t0);
    expect(s.items.size).toBe(0);
  });

  test('bounded: texts cut at the limit, the oldest chats dropped past the count, old drafts expire', () => {
    const s = memoryStorage();
    saveDraft(s, 'a', 'long', { reply: 'x'.repeat(DRAFT_LIMITS.chars + 5), note: '', own: true }, t0);
    expect(loadDrafts(s, 'a', t0).get('long')!.reply).toHaveLength(DRAFT_LIMITS.chars);
    for (let i = 0; i < DRAFT_LIMITS.chats + 3; i++) saveDraft(s, 'a', `c${i}`, { reply: `r${i}`, note: '', own: true }, t0 + 1 + i);
    const kept = loadDrafts(s, 'a', t0 + 100);
    expect(kept.size).toBe(DRAFT_LIMITS.chats);
    expect(kept.has('long')).toBe(false);
    expect(kept.has(`c${DRAFT_LIMITS.chats + 2}`)).toBe(true);
    expect(loadDrafts(s, 'a', t0 + DRAFT_LIMITS.maxAgeMs + 1000).size).toBe(0);
  });

  test('a full storage keeps the newest drafts rather than failing; unreadable data reads as none', () => {
    const s = memoryStorage(2_000);
    for (let i = 0; i < 10; i++) saveDraft(s, 'a', `c${i}`, { reply: 'y'.repeat(300), note: '', own: true }, t0 + i);
    const kept = loadDrafts(s, 'a', t0 + 10);
    expect(kept.size).toBeGreaterThan(0);
    expect(kept.has('c9')).toBe(true);
    s.items.set('console-drafts:b', '{not json');
    expect(loadDrafts(s, 'b', t0).size).toBe(0);
  });

  test('sign-out forgets every draft of that user only', () => {
    const s = memoryStorage();
    saveDraft(s, 'a', 'c1', { reply: 'mine', note: '', own: true }, t0);
    saveDraft(s, 'b', 'c1', { reply: 'theirs', note: '', own: true }, t0);
    forgetAllDrafts(s, 'a');
    expect(loadDrafts(s, 'a', t0).size).toBe(0);
    expect(loadDrafts(s, 'b', t0).get('c1')!.reply).toBe('theirs');
  });
});
