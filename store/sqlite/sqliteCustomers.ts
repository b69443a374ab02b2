import { AppError } from '../../core/errors';
import type { Customer, CustomerPatch, SentimentPoint } from '../../models/records';
import { mergeCustomer } from '../recordBuilders';
import type { EngineCustomers } from '../storeEngine';
import { visitorNumber } from '../../models/visitorLabel';
import { nameWords } from '../searchText';
import { customerKeys, identityKeyString } from '../storeGuards';
import type { CustomerMessageUpdate, UpdateCustomerOptions, WriteOptions } from '../storeTypes';
import { isUniqueViolation, promised, type GroupCommit } from './groupCommit';

type Row = Record<string, unknown>;

/** Customers: the document, its unique identity keys, every contact point, its segments (for review filters). */
export class SqliteCustomers implements EngineCustomers {
  constructor(private readonly gc: GroupCommit) {}

  private writeKeys(c: Customer): void {
    this.gc.stmt('DELETE FROM customer_keys WHERE customer_id = ?').run(c.id);
    this.gc.stmt('DELETE FROM customer_contacts WHERE customer_id = ?').run(c.id);
    const insKey = this.gc.stmt('INSERT INTO customer_keys (key, customer_id) VALUES (?, ?)');
    for (const k of customerKeys(c)) {
      try {
        insKey.run(k, c.id);
      } catch (err) {
        if (isUniqueViolation(err))
          throw new AppError('STORE_CONFLICT', `identity ${k.split(':')[0]} belongs to another customer`, { cause: err, details: { key: k } });
        throw err;
      }
    }
    const insContact = this.gc.stmt('INSERT OR IGNORE INTO customer_contacts (customer_id, contact) VALUES (?, ?)');
    for (const p of c.contacts) insContact.run(c.id, identityKeyString({ kind: p.type, value: p.value }));
  }

  private writeSegments({ id, segments }: Pick<Customer, 'id' | 'segments'>): void {
    this.gc.stmt('DELETE FROM customer_segments WHERE customer_id = ?').run(id);
    const ins = this.gc.stmt('INSERT OR IGNORE INTO customer_segments (customer_id, segment) VALUES (?, ?)');
    for (const seg of segments) ins.run(id, seg);
  }

  /** The words of the customer's name, for the transcripts' customer filter (none once erased). */
  private writeName({ id, displayName }: Pick<Customer, 'id' | 'displayName'>): void {
    this.gc.stmt('DELETE FROM customer_names WHERE customer_id = ?').run(id);
    const ins = this.gc.stmt('INSERT OR IGNORE INTO customer_names (word, customer_id) VALUES (?, ?)');
    for (const w of nameWords(displayName)) ins.run(w, id);
  }

  /** Inside a transaction (also used by the bulk import). */
  insert(c: Customer): void {
    this.gc.stmt('INSERT INTO customers (id, version, doc, visitor_number) VALUES (?, ?, ?, ?)').run(c.id, c.version, JSON.stringify(c), visitorNumber(c.id));
    this.writeKeys(c);
    this.writeName(c);
    if (c.segments.length) this.writeSegments(c);
  }

  /** Inside a transaction: the import's upsert, written as given. */
  upsert(c: Customer): void {
    this.gc
      .stmt(
        'INSERT INTO customers (id, version, doc, visitor_number) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET version = excluded.version, doc = excluded.doc',
      )
      .run(c.id, c.version, JSON.stringify(c), visitorNumber(c.id));
    this.writeKeys(c);
    this.writeSegments(c);
    this.writeName(c);
  }

  insertCustomer(c: Customer, options?: WriteOptions): Promise<Customer> {
    return this.gc.tx(() => {
      this.insert(c);
      return c;
    }, options);
  }

  getCustomer(id: string): Promise<Customer | null> {
    return promised(() => {
      const row = this.gc.run(() => this.gc.stmt('SELECT doc FROM customers WHERE id = ?').get(id) as Row | undefined);
      return row ? (JSON.parse(row.doc as string) as Customer) : null;
    });
  }

  findCustomerByKey(key: string): Promise<Customer | null> {
    return promised(() => this.findCustomerByKeyNow(key));
  }

  /** The same read, synchronous: for a read of several aggregates at once (the engine's readTurn). */
  findCustomerByKeyNow(key: string): Customer | null {
    const row = this.gc.run(
      () => this.gc.stmt('SELECT c.doc FROM customer_keys k JOIN customers c ON c.id = k.customer_id WHERE k.key = ?').get(key) as Row | undefined,
    );
    return row ? (JSON.parse(row.doc as string) as Customer) : null;
  }

  findCustomersByContact(contact: string): Promise<Customer[]> {
    return promised(() => {
      const rows = this.gc.run(
        () =>
          this.gc
            .stmt('SELECT c.doc FROM customer_contacts p JOIN customers c ON c.id = p.customer_id WHERE p.contact = ? ORDER BY c.id')
            .all(contact) as Row[],
      );
      return rows.map((r) => JSON.parse(r.doc as string) as Customer);
    });
  }

  updateCustomer(id: string, patch: CustomerPatch, expectedVersion?: number, options?: UpdateCustomerOptions): Promise<Customer> {
    return this.gc.tx(() => {
      let current = options?.base;
      if (current) {
        // The caller's read is the stored document when the version still matches: no need to read and parse it.
        const row = this.gc.stmt('SELECT version FROM customers WHERE id = ?').get(id) as Row | undefined;
        if (!row) throw new AppError('NOT_FOUND', 'customer not found');
        if (row.version !== current.version) throw new AppError('STORE_ETAG_CONFLICT', 'customer changed since it was read');
      } else {
        const row = this.gc.stmt('SELECT doc FROM customers WHERE id = ?').get(id) as Row | undefined;
        if (!row) throw new AppError('NOT_FOUND', 'customer not found');
        current = JSON.parse(row.doc as string) as Customer;
        if (expectedVersion !== undefined && current.version !== expectedVersion) {
          throw new AppError('STORE_ETAG_CONFLICT', 'customer changed since it was read');
        }
      }
      const next = mergeCustomer(current, patch);
      this.gc.stmt('UPDATE customers SET version = ?, doc = ? WHERE id = ?').run(next.version, JSON.stringify(next), id);
      // Most updates (engagement, a rating) leave identities alone; rewrite the key tables only when they changed.
      if (next.identities !== current.identities || next.contacts !== current.contacts) {
        if (JSON.stringify([customerKeys(next), next.contacts]) !== JSON.stringify([customerKeys(current), current.contacts])) this.writeKeys(next);
      }
      if (next.segments.join('\n') !== current.segments.join('\n')) this.writeSegments(next);
      if (next.displayName !== current.displayName) this.writeName(next);
      return next;
    }, options);
  }

  /**
   * One UPDATE of the document's few paths, guarded by the version (SQLite edits the stored JSON), then the point
   * appended to the history's own table (schema 11) and the history trimmed to its newest `keepSentiment` points,
   * in the same transaction: the document no longer carries the history, so neither the turn's read nor this write
   * touches it.
   */
  recordCustomerMessage(id: string, u: CustomerMessageUpdate, options?: WriteOptions): Promise<void> {
    return this.gc.tx(() => {
      const paths = [
        `'$.recentSentiment', json(?)`,
        `'$.engagement.messages', json_extract(doc, '$.engagement.messages') + 1`,
        `'$.engagement.conversations', json_extract(doc, '$.engagement.conversations') + ?`,
        `'$.engagement.lastContactAt', ?`,
        `'$.engagement.score', ?`,
        `'$.lastSeenAt', ?`,
        // The document carries its version too; `version` here is the row's value before this UPDATE.
        `'$.version', version + 1`,
      ];
      const args: unknown[] = [JSON.stringify(u.recentSentiment), u.newConversation ? 1 : 0, u.at, u.engagementScore, u.at];
      const also = (path: string, value: unknown) => {
        paths.push(path);
        args.push(value);
      };
      if (u.language !== undefined) also(`'$.language', ?`, u.language);
      if (u.reachScore !== undefined) also(`'$.reach.score', ?`, u.reachScore);
      if (u.segments !== undefined) also(`'$.segments', json(?)`, JSON.stringify(u.segments));
      const changed = this.gc
        .stmt(`UPDATE customers SET version = version + 1, doc = json_set(doc, ${paths.join(', ')}) WHERE id = ? AND version = ?`)
        .run(...args, id, u.expectedVersion).changes;
      if (!changed) {
        const exists = this.gc.stmt('SELECT 1 FROM customers WHERE id = ?').get(id);
        if (!exists) throw new AppError('NOT_FOUND', 'customer not found');
        throw new AppError('STORE_ETAG_CONFLICT', 'customer changed since it was read');
      }
      // A customer's points are distinct positive seqs up to the new one: with no more than `keep` of those, nothing to trim
      // (most customers never reach it, and the trim walks every point they have).
      if (this.insertPoint(id, u.point) > u.keepSentiment) this.trimSentiment(id, u.keepSentiment);
      if (u.segments) this.writeSegments({ id, segments: u.segments });
    }, options);
  }

  listSentiment(customerId: string, limit: number): Promise<SentimentPoint[]> {
    return promised(() => {
      const rows = this.gc.run(
        () =>
          this.gc
            .stmt('SELECT at, score, conversation_id FROM customer_sentiment WHERE customer_id = ? ORDER BY seq DESC LIMIT ?')
            .all(customerId, limit) as Row[],
      );
      return rows.reverse().map(toPoint);
    });
  }

  replaceSentiment(customerId: string, points: readonly SentimentPoint[]): Promise<void> {
    return this.gc.tx(() => {
      if (!this.gc.stmt('SELECT 1 FROM customers WHERE id = ?').get(customerId)) throw new AppError('NOT_FOUND', 'customer not found');
      this.deleteSentiment(customerId);
      for (const p of points) this.insertPoint(customerId, p);
    });
  }

  /** Inside a transaction: the whole history of a customer gone (also privacy erasure's forgetCustomer). */
  deleteSentiment(customerId: string): number {
    return this.gc.stmt('DELETE FROM customer_sentiment WHERE customer_id = ?').run(customerId).changes;
  }

  /** Next after the customer's newest point (schema 13: seq counts per customer, the key's second column); its seq. */
  private insertPoint(customerId: string, p: SentimentPoint): number {
    const newest = this.gc.stmt('SELECT MAX(seq) FROM customer_sentiment WHERE customer_id = ?').pluck().get(customerId) as number | null;
    const seq = (newest ?? 0) + 1;
    this.gc
      .stmt('INSERT INTO customer_sentiment (customer_id, seq, at, score, conversation_id) VALUES (?, ?, ?, ?, ?)')
      .run(customerId, seq, p.at, p.score, p.conversationId ?? null);
    return seq;
  }

  /** Keeps the newest `keep` points: the key walks the customer's points newest first and stops past `keep`. */
  private trimSentiment(customerId: string, keep: number): void {
    this.gc
      .stmt(
        `DELETE FROM customer_sentiment WHERE customer_id = ? AND seq <=
           (SELECT seq FROM customer_sentiment WHERE customer_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      )
      .run(customerId, customerId, keep);
  }
}

function toPoint(r: Row): SentimentPoint {
  return { at: r.at as string, score: r.score as number, ...(r.conversation_id !== null ? { conversationId: r.conversation_id as string } : {}) };
}
