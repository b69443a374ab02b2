import { AppError } from '../../core/errors';
import type { Customer, CustomerPatch } from '../../models/records';
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
      // Most updates (sentiment, engagement) leave identities alone; rewrite the key tables only when they changed.
      if (next.identities !== current.identities || next.contacts !== current.contacts) {
        if (JSON.stringify([customerKeys(next), next.contacts]) !== JSON.stringify([customerKeys(current), current.contacts])) this.writeKeys(next);
      }
      if (next.segments.join('\n') !== current.segments.join('\n')) this.writeSegments(next);
      if (next.displayName !== current.displayName) this.writeName(next);
      return next;
    }, options);
  }

  /**
   * One UPDATE of the document's few paths, guarded by the version: SQLite edits the stored JSON. (Measured: about the
   * CPU of writing the whole document from JavaScript, since SQLite still rewrites the row; the gain is on MongoDB.)
   * A history longer than it should be (an import) is trimmed by a second statement.
   */
  recordCustomerMessage(id: string, u: CustomerMessageUpdate, options?: WriteOptions): Promise<void> {
    return this.gc.tx(() => {
      const paths = [
        `'$.sentiment[#]', json(?)`,
        `'$.engagement.messages', json_extract(doc, '$.engagement.messages') + 1`,
        `'$.engagement.conversations', json_extract(doc, '$.engagement.conversations') + ?`,
        `'$.engagement.lastContactAt', ?`,
        `'$.engagement.score', ?`,
        `'$.lastSeenAt', ?`,
        // The document carries its version too; `version` here is the row's value before this UPDATE.
        `'$.version', version + 1`,
      ];
      const args: unknown[] = [JSON.stringify(u.point), u.newConversation ? 1 : 0, u.at, u.engagementScore, u.at];
      const also = (path: string, value: unknown) => {
        paths.push(path);
        args.push(value);
      };
      if (u.language !== undefined) also(`'$.language', ?`, u.language);
      if (u.reachScore !== undefined) also(`'$.reach.score', ?`, u.reachScore);
      if (u.segments !== undefined) also(`'$.segments', json(?)`, JSON.stringify(u.segments));
      const row = this.gc
        .stmt(
          `UPDATE customers SET version = version + 1, doc = json_set(
             CASE WHEN json_array_length(doc, '$.sentiment') >= ? THEN json_remove(doc, '$.sentiment[0]') ELSE doc END, ${paths.join(', ')})
           WHERE id = ? AND version = ? RETURNING json_array_length(doc, '$.sentiment') AS n`,
        )
        .get(u.keepSentiment, ...args, id, u.expectedVersion) as Row | undefined;
      if (!row) {
        const exists = this.gc.stmt('SELECT 1 FROM customers WHERE id = ?').get(id);
        if (!exists) throw new AppError('NOT_FOUND', 'customer not found');
        throw new AppError('STORE_ETAG_CONFLICT', 'customer changed since it was read');
      }
      if ((row.n as number) > u.keepSentiment) {
        this.gc
          .stmt(
            `UPDATE customers SET doc = json_set(doc, '$.sentiment', (SELECT json_group_array(json(value)) FROM
               (SELECT value FROM json_each(customers.doc, '$.sentiment') ORDER BY key LIMIT -1 OFFSET ?))) WHERE id = ?`,
          )
          .run((row.n as number) - u.keepSentiment, id);
      }
      if (u.segments) this.writeSegments({ id, segments: u.segments });
    }, options);
  }
}
