import { AppError } from '../../core/errors';
import type { CustomerDoc } from '../../models/mongoSchemas';
import type { Customer, CustomerPatch, SentimentPoint } from '../../models/records';
import { mergeCustomer } from '../recordBuilders';
import type { EngineCustomers } from '../storeEngine';
import { visitorNumber } from '../../models/visitorLabel';
import { nameWords } from '../searchText';
import { customerKeys, identityKeyString } from '../storeGuards';
import type { CustomerMessageUpdate, UpdateCustomerOptions } from '../storeTypes';
import { duplicateOn, t, type MongoContext } from './mongoContext';

/** The queried fields of a customer document, derived from the record. */
export function customerFields(c: Customer): Omit<CustomerDoc, '_id' | 'doc'> {
  return {
    version: c.version,
    keys: customerKeys(c),
    contacts: c.contacts.map((p) => identityKeyString({ kind: p.type, value: p.value })),
    segments: c.segments,
    nameWords: nameWords(c.displayName),
    visitorNumber: visitorNumber(c.id),
  };
}

export function customerDoc(c: Customer): CustomerDoc {
  return { _id: c.id, doc: c, ...customerFields(c) };
}

/**
 * A lookup by identity key. The unique index on `keys` is partial (customers without keys must not collide), and
 * MongoDB uses a partial index only for a query that contains its filter expression: hence the second condition,
 * true of every customer that holds a key.
 */
export function byKey(key: string) {
  return { keys: key, 'keys.0': t({ $exists: true }) };
}

const identityConflict = (err: unknown) => new AppError('STORE_CONFLICT', 'an identity belongs to another customer', { cause: err });

/** The update of a customer, as the smallest write: the fields the patch changed (the history is not in the record). */
export function customerUpdate(base: Customer, next: Customer): { $set: Record<string, unknown>; $unset?: Record<string, 1> } {
  const set: Record<string, unknown> = { version: next.version };
  const unset: Record<string, 1> = {};
  const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
  for (const key of Object.keys(next) as (keyof Customer)[]) if (!same(base[key], next[key])) set[`doc.${key}`] = next[key];
  for (const key of Object.keys(base)) if (!(key in next)) unset[`doc.${key}`] = 1;
  const fields = customerFields(next);
  if (!same(fields.keys, customerKeys(base))) set.keys = fields.keys;
  if (!same(base.contacts, next.contacts)) set.contacts = fields.contacts;
  if (!same(base.segments, next.segments)) set.segments = fields.segments;
  if (base.displayName !== next.displayName) set.nameWords = fields.nameWords;
  return { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) };
}

/** Every read of the record: the document without the sentiment history beside it (only listSentiment reads that). */
const RECORD = { doc: 1 } as const;

/**
 * A customer's message as one update of the customer document: the point pushed onto the history beside the record,
 * trimmed to its newest points ($push with $each and a negative $slice: https://www.mongodb.com/docs/manual/reference/operator/update/slice/),
 * counters and versions incremented, the rest set.
 */
export function customerMessageUpdate(u: CustomerMessageUpdate) {
  const set: Record<string, unknown> = {
    'doc.engagement.lastContactAt': u.at,
    'doc.engagement.score': u.engagementScore,
    'doc.lastSeenAt': u.at,
    'doc.recentSentiment': u.recentSentiment,
  };
  if (u.language !== undefined) set['doc.language'] = u.language;
  if (u.reachScore !== undefined) set['doc.reach.score'] = u.reachScore;
  if (u.segments !== undefined) Object.assign(set, { 'doc.segments': u.segments, segments: u.segments });
  return {
    $push: { sentiment: { $each: [u.point], $slice: -u.keepSentiment } },
    $inc: { version: 1, 'doc.version': 1, 'doc.engagement.messages': 1, 'doc.engagement.conversations': u.newConversation ? 1 : 0 },
    $set: set,
  };
}

export class MongoCustomers implements EngineCustomers {
  constructor(private readonly x: MongoContext) {}

  insertCustomer(c: Customer): Promise<Customer> {
    return this.x.wrap(async () => {
      try {
        await this.x.m.Customer.create(customerDoc(c));
      } catch (err) {
        if (duplicateOn(err, 'keys')) throw identityConflict(err);
        throw err;
      }
      return c;
    });
  }

  getCustomer(id: string): Promise<Customer | null> {
    return this.x.wrap(async () => (await this.x.m.Customer.findOne({ _id: id }).select(RECORD).lean())?.doc ?? null);
  }

  findCustomerByKey(key: string): Promise<Customer | null> {
    return this.x.wrap(async () => (await this.x.m.Customer.findOne(byKey(key)).select(RECORD).lean())?.doc ?? null);
  }

  findCustomersByContact(contact: string): Promise<Customer[]> {
    return this.x.wrap(async () => (await this.x.m.Customer.find({ contacts: contact }).select(RECORD).sort({ _id: 1 }).lean()).map((d) => d.doc));
  }

  updateCustomer(id: string, patch: CustomerPatch, expectedVersion?: number, options?: UpdateCustomerOptions): Promise<Customer> {
    return this.x.wrap(async () => {
      // Optimistic: merge into the version read (the caller's, when given), write only if it is still the stored one.
      for (let attempt = 0; attempt < 50; attempt++) {
        let current = attempt === 0 ? options?.base : undefined;
        if (!current) {
          const row = await this.x.m.Customer.findOne({ _id: id }).select(RECORD).lean();
          if (!row) throw new AppError('NOT_FOUND', 'customer not found');
          current = row.doc;
          if (expectedVersion !== undefined && current.version !== expectedVersion)
            throw new AppError('STORE_ETAG_CONFLICT', 'customer changed since it was read');
        }
        const next = mergeCustomer(current, patch);
        try {
          const res = await this.x.m.Customer.updateOne({ _id: id, version: current.version }, customerUpdate(current, next));
          if (res.matchedCount === 1) {
            // Segments weigh in the dashboard's sentiment per segment, on the days of this customer's conversations.
            if (current.segments.join('\u0000') !== next.segments.join('\u0000')) await this.x.markCustomerDays([id]);
            return next;
          }
        } catch (err) {
          if (duplicateOn(err, 'keys')) throw identityConflict(err);
          throw err;
        }
        if (expectedVersion !== undefined) {
          if (!(await this.x.m.Customer.exists({ _id: id }))) throw new AppError('NOT_FOUND', 'customer not found');
          throw new AppError('STORE_ETAG_CONFLICT', 'customer changed since it was read');
        }
      }
      throw new AppError('STORE_ETAG_CONFLICT', 'customer kept changing; gave up');
    });
  }

  /**
   * One atomic updateOne, guarded by the version: the point pushed onto the history beside the record, trimmed to its
   * newest points ($push with $each and a negative $slice), the counters and versions incremented, the rest set (the
   * record's recentSentiment among them).
   */
  recordCustomerMessage(id: string, u: CustomerMessageUpdate): Promise<void> {
    return this.x.wrap(async () => {
      const res = await this.x.m.Customer.updateOne({ _id: id, version: u.expectedVersion }, customerMessageUpdate(u));
      if (res.matchedCount !== 1) {
        if (!(await this.x.m.Customer.exists({ _id: id }))) throw new AppError('NOT_FOUND', 'customer not found');
        throw new AppError('STORE_ETAG_CONFLICT', 'customer changed since it was read');
      }
      // Segments weigh in the dashboard's sentiment per segment, on the days of this customer's conversations.
      if (u.segments !== undefined) await this.x.markCustomerDays([id]);
    });
  }

  /** The newest `limit` points, oldest first: the array's tail, sliced on the server. */
  listSentiment(customerId: string, limit: number): Promise<SentimentPoint[]> {
    return this.x.wrap(async () => {
      const [row] = await this.x.m.Customer.aggregate<{ points: SentimentPoint[] }>([
        { $match: { _id: customerId } },
        { $project: { _id: 0, points: { $slice: [{ $ifNull: ['$sentiment', []] }, -limit] } } },
      ]);
      return row?.points ?? [];
    });
  }

  replaceSentiment(customerId: string, points: readonly SentimentPoint[]): Promise<void> {
    return this.x.wrap(async () => {
      const res = await this.x.m.Customer.updateOne({ _id: customerId }, { $set: { sentiment: [...points] } });
      if (res.matchedCount !== 1) throw new AppError('NOT_FOUND', 'customer not found');
    });
  }
}
