import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runMigrate } from '../../store/migrateCli';
import { SqliteStore } from '../../store/sqlite/sqliteStore';
import { SCHEMA_VERSION } from '../../store/sqlite/sqliteSchema';

/**
 * Schema 14 (PCI): card numbers are masked when a message is stored, but a file of version 13 still holds the ones
 * stored before, in full, in the text, the document and the full-text index. `npm run migrate` masks them in place;
 * order numbers and phone numbers stay as they were.
 */
const CARDS = ['4111 1111 1111 1111', '5500-0000-0000-0004', '378282246310005'];
const LINES = [
  `my card is ${CARDS[0]} thanks`,
  `card ${CARDS[1]} for order 1234567`,
  `amex ${CARDS[2]}, call me on +34 600 123 456`,
  'order 1234567 arrived broken, phone 600123456',
];

/** A version-13 file: made by this release, its messages then given their card numbers back as an older one stored them. */
async function versionThirteenFile(): Promise<{ file: string; conversationId: string }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cards-')), 'v13.sqlite');
  const store = new SqliteStore(file);
  await store.init();
  const customer = await store.createCustomer({ displayName: 'Card Holder' });
  const { conversation } = await store.getOrCreateConversation({
    channelId: 'webchat',
    channelConversationId: 'cards-1',
    customerId: customer.id,
    reference: { channelId: 'webchat', serviceUrl: 'http://x', conversation: { id: 'cards-1' } },
  });
  for (let i = 0; i < LINES.length; i++)
    await store.appendMessage({ conversationId: conversation.id, role: i % 2 ? 'agent' : 'customer', text: `placeholder ${i}` });
  await store.close();
  const raw = new Database(file);
  const write = raw.prepare("UPDATE messages SET text = ?, doc = json_set(doc, '$.text', ?) WHERE conversation_id = ? AND seq = ?");
  LINES.forEach((text, i) => write.run(text, text, conversation.id, i + 1));
  raw.exec("UPDATE store_meta SET value = '13' WHERE key = 'schema_version'");
  raw.close();
  return { file, conversationId: conversation.id };
}

const digits = (s: string) => s.replace(/[ -]/g, '');

test('a version-13 file with card numbers in its messages: refused, then `npm run migrate` masks them everywhere they are read', async () => {
  const { file, conversationId } = await versionThirteenFile();
  try {
    // What the old file holds is findable before the migration (the test's premise).
    const before = new SqliteStore(file, { migrateOnStart: false });
    const refused = await before.init().then(
      () => 'started',
      (err: { code?: string; message?: string }) => `${err.code}: ${err.message}`,
    );
    expect(refused).toMatch(/^STORE_UNAVAILABLE: .*version 13.*npm run migrate/);
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare("SELECT COUNT(*) AS n FROM messages WHERE text LIKE '%4111 1111%'").get()).toEqual({ n: 1 });
    raw.close();
    expect(fs.readFileSync(file).toString('latin1')).toContain(CARDS[2]);

    const out: string[] = [];
    expect(await runMigrate({ NODE_ENV: 'test', DATABASE_URL: file, MIGRATE_ON_START: 'false', LOG_LEVEL: 'silent' }, (s) => out.push(s))).toBe(0);
    const store = new SqliteStore(file, { migrateOnStart: false });
    await store.init();
    try {
      // Transcript and export read these.
      const texts = (await store.listMessages(conversationId)).map((m) => m.text);
      const exported = (await store.listMessagesOf([conversationId])).map((m) => m.text);
      expect(texts).toEqual([
        'my card is •••• •••• •••• 1111 thanks',
        'card •••• •••• •••• 0004 for order 1234567',
        'amex •••• •••• •••• 0005, call me on +34 600 123 456',
        'order 1234567 arrived broken, phone 600123456',
      ]);
      expect(exported).toEqual(texts);
      for (const card of CARDS) {
        expect(await store.searchMessages(digits(card))).toEqual([]);
        expect((await store.searchTranscripts({ text: digits(card) })).items).toEqual([]);
      }
      // Groups of a card no longer there; the last four, the order and the phone still found.
      expect(await store.searchMessages('5500')).toEqual([]);
      expect(await store.searchMessages('378282246310005')).toEqual([]);
      expect((await store.searchMessages('1234567')).map((h) => h.seq).sort()).toEqual([2, 4]);
      expect((await store.searchMessages('600123456')).map((h) => h.seq)).toEqual([4]);
      expect((await store.searchTranscripts({ text: '0004' })).items.map((i) => i.conversation.id)).toEqual([conversationId]);
    } finally {
      await store.close();
    }
    const after = new Database(file, { readonly: true });
    const rows = after.prepare('SELECT text, doc FROM messages ORDER BY seq').all() as { text: string; doc: string }[];
    after.close();
    for (const r of rows) {
      expect((JSON.parse(r.doc) as { text: string }).text).toBe(r.text);
      for (const card of CARDS) expect(digits(r.text)).not.toContain(digits(card));
    }
    // Not in the file's bytes either: the full-text segments kept the old words as tombstones until merged.
    const bytes = () =>
      ['', '-wal']
        .filter((suffix) => fs.existsSync(file + suffix))
        .map((suffix) => fs.readFileSync(file + suffix).toString('latin1'))
        .join('');
    expect(bytes()).not.toContain(CARDS[2]);
    expect(out.join('')).toContain('up to date');
    // Again: nothing left to mask, the same texts.
    expect(await runMigrate({ NODE_ENV: 'test', DATABASE_URL: file, MIGRATE_ON_START: 'false', LOG_LEVEL: 'silent' }, () => undefined)).toBe(0);
    const again = new Database(file, { readonly: true });
    expect((again.prepare('SELECT text FROM messages ORDER BY seq').all() as { text: string }[]).map((r) => r.text)).toEqual(rows.map((r) => r.text));
    expect((again.prepare("SELECT value FROM store_meta WHERE key = 'schema_version'").get() as { value: string }).value).toBe(String(SCHEMA_VERSION));
    again.close();
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
