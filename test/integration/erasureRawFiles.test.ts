import fs from 'node:fs';
import path from 'node:path';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { tempStoreFile } from '../helpers/storeFiles';

/** Every byte of the store's raw files (database and write-ahead log), as `strings` would read them. */
function rawFiles(file: string): string {
  return [file, `${file}-wal`]
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('\n');
}

/**
 * Issue 15.4 (the raw files): after an erasure the embedded store's files hold none of the erased texts, names or
 * e-mail addresses, not in free pages (secure_delete), old WAL frames (a truncating checkpoint) or the full-text
 * index's old segments (merged). What the privacy service does, through the store: blank the messages and the
 * profile, then forgetCustomer.
 */
test('after an erasure, the database file and its WAL hold no erased text, name or e-mail address', async () => {
  const file = tempStoreFile('erase-raw');
  const store = new SqliteStore(file, { synchronous: 'normal' });
  await store.init();
  try {
    const at = new Date().toISOString();
    const erased = await store.createCustomer({
      displayName: 'Zelda Quuxington',
      identities: [{ channelId: 'webchat', userId: 'zelda-visitor-7731', verified: false, addedAt: at }],
      contacts: [{ type: 'email', value: 'zelda.quuxington@example.com', verified: true, source: 'signed_token', addedAt: at }],
    });
    const kept = await store.createCustomer({
      displayName: 'Kept Karl',
      contacts: [{ type: 'email', value: 'karl.kept@example.com', verified: true, source: 'agent', addedAt: at }],
    });
    const conversation = async (customerId: string, id: string) =>
      (
        await store.getOrCreateConversation({
          channelId: 'webchat',
          channelConversationId: id,
          customerId,
          reference: { channelId: 'webchat', serviceUrl: 'http://x', conversation: { id } },
        })
      ).conversation;
    const mine = await conversation(erased.id, 'erase-me');
    const theirs = await conversation(kept.id, 'keep-me');
    for (let i = 0; i < 40; i++) {
      await store.appendMessage({
        conversationId: mine.id,
        role: 'customer',
        text: `my tangerine xylophone card is 4815-1623-${i} (${i})`,
        intent: 'none',
        sentiment: -0.2,
      });
      await store.appendMessage({ conversationId: theirs.id, role: 'customer', text: `karl writes about mangoes ${i}` });
      await store.updateCustomer(erased.id, { attributes: { note: `zelda.quuxington@example.com visit ${i}` } });
    }
    await store.writeState('webchat/conversations/erase-me', { dialogState: { typedEmail: 'zelda.quuxington@example.com' } });
    await store.addMergeSuggestion({ customerId: erased.id, candidateId: kept.id, score: 0.6, evidence: ['same email zelda.quuxington@example.com'] });
    expect((await store.searchMessages('tangerine xylophone')).length).toBeGreaterThan(0);
    await store.sync();
    const before = rawFiles(file);
    for (const needle of ['tangerine xylophone', 'xylophone', 'zelda.quuxington@example.com', 'Zelda Quuxington'])
      expect([needle, before.includes(needle)]).toEqual([needle, true]);

    await store.eraseMessages(mine.id);
    await store.updateCustomer(erased.id, { displayName: '', identities: [], contacts: [], attributes: {}, erasedAt: new Date().toISOString() });
    await store.forgetCustomer(erased.id);

    const after = rawFiles(file);
    for (const needle of ['tangerine', 'xylophone', '4815-1623', 'zelda.quuxington', 'Zelda Quuxington', 'zelda-visitor-7731'])
      expect([needle, after.includes(needle)]).toEqual([needle, false]);
    // What was not erased is still there, and still found.
    expect(after.includes('karl.kept@example.com')).toBe(true);
    expect((await store.searchMessages('karl writes about mangoes')).length).toBe(40);
    expect(await store.searchMessages('tangerine xylophone')).toEqual([]);
    expect(fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0).toBe(0);
  } finally {
    await store.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
