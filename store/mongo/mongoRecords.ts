import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { AppError } from '../../core/errors';
import type { AuditEntry, CorpusAddition, MergeRecord, MergeSuggestion, SegmentRuleSet, Session, StateEntry, User, UserPatch } from '../../models/records';
import { corpusTextKey, suggestionPair } from '../recordBuilders';
import type { EngineAudit, EngineCorpus, EngineMerges, EngineSettings, EngineStaff, EngineState, Keyset } from '../storeEngine';
import type { AuditQuery } from '../storeTypes';
import { isDuplicateKey, t, type MongoContext } from './mongoContext';

export class MongoStaff implements EngineStaff {
  constructor(private readonly x: MongoContext) {}

  insertUser(u: User): Promise<User> {
    return this.x.wrap(async () => {
      await this.x.m.User.create({ _id: u.id, email: u.email, doc: u });
      return u;
    });
  }

  getUser(id: string): Promise<User | null> {
    return this.x.wrap(async () => (await this.x.m.User.findOne({ _id: id }).lean())?.doc ?? null);
  }

  getUserByEmail(email: string): Promise<User | null> {
    return this.x.wrap(async () => (await this.x.m.User.findOne({ email }).lean())?.doc ?? null);
  }

  listUsers(): Promise<User[]> {
    return this.x.wrap(async () => (await this.x.m.User.find({}).sort({ email: 1 }).lean()).map((r) => r.doc));
  }

  updateUser(id: string, patch: UserPatch): Promise<User | null> {
    return this.x.wrap(async () => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const row = await this.x.m.User.findOne({ _id: id }).lean();
        if (!row) return null;
        const next: User = { ...row.doc, ...patch, id, updatedAt: new Date().toISOString() };
        const res = await this.x.m.User.updateOne({ _id: id, 'doc.updatedAt': row.doc.updatedAt }, { $set: { doc: next } });
        if (res.matchedCount === 1) return next;
      }
      throw new AppError('STORE_ETAG_CONFLICT', 'user kept changing; gave up');
    });
  }

  createSession(session: Session): Promise<Session> {
    return this.x.wrap(async () => {
      await this.x.m.Session.create({ _id: session.id, userId: session.userId, doc: session });
      return session;
    });
  }

  getSession(id: string): Promise<Session | null> {
    return this.x.wrap(async () => (await this.x.m.Session.findOne({ _id: id }).lean())?.doc ?? null);
  }

  revokeSession(id: string, at: string): Promise<boolean> {
    return this.x.wrap(async () => {
      // One conditional write: revokes once, and an earlier revocation's time is kept.
      const res = await this.x.m.Session.updateOne({ _id: id, 'doc.revokedAt': t({ $exists: false }) }, { $set: { 'doc.revokedAt': at } });
      return res.matchedCount === 1 || !!(await this.x.m.Session.exists({ _id: id }));
    });
  }
}

export class MongoAudit implements EngineAudit {
  constructor(private readonly x: MongoContext) {}

  appendAudit(e: AuditEntry): Promise<AuditEntry> {
    return this.x.wrap(async () => {
      await this.x.m.Audit.create({ _id: e.id, at: e.at, actorId: e.actorId, action: e.action, targetId: e.targetId, doc: e });
      return e;
    });
  }

  listAudit(query: Omit<AuditQuery, 'cursor'> & { limit: number; after?: Keyset }): Promise<AuditEntry[]> {
    const f: Record<string, unknown> = {};
    if (query.actorId !== undefined) f.actorId = query.actorId;
    if (query.action !== undefined) f.action = query.action;
    if (query.targetId !== undefined) f.targetId = query.targetId;
    if (query.after) f.$or = t([{ at: t({ $lt: query.after.createdAt }) }, { at: query.after.createdAt, _id: t({ $lt: query.after.id }) }]);
    return this.x.wrap(async () => (await this.x.m.Audit.find(f).sort({ at: -1, _id: -1 }).limit(query.limit).lean()).map((r) => r.doc));
  }
}

export class MongoState implements EngineState {
  constructor(private readonly x: MongoContext) {}

  readState(keys: readonly string[]): Promise<Record<string, StateEntry>> {
    return this.x.wrap(async () => {
      const rows = await this.x.m.BotState.find({ _id: t({ $in: [...keys] }) }).lean();
      const out: Record<string, StateEntry> = {};
      for (const r of rows) out[r._id] = { etag: r.etag, value: r.value };
      return out;
    });
  }

  writeState(key: string, value: Record<string, unknown>, expectedEtag?: string): Promise<string> {
    const etag = randomUUID();
    const conflict = () => new AppError('STORE_ETAG_CONFLICT', `state ${key} changed since it was read`);
    return this.x.wrap(async () => {
      if (expectedEtag === undefined || expectedEtag === '*') {
        await this.x.m.BotState.updateOne({ _id: key }, { $set: { etag, value } }, { upsert: true });
        return etag;
      }
      const res = await this.x.m.BotState.updateOne({ _id: key, etag: expectedEtag }, { $set: { etag, value } });
      if (res.matchedCount === 1) return etag;
      if (await this.x.m.BotState.exists({ _id: key })) throw conflict();
      try {
        await this.x.m.BotState.create({ _id: key, etag, value });
        return etag;
      } catch (err) {
        if (isDuplicateKey(err)) throw conflict();
        throw err;
      }
    });
  }

  async deleteState(keys: readonly string[]): Promise<void> {
    await this.x.wrap(() => this.x.m.BotState.deleteMany({ _id: t({ $in: [...keys] }) }));
  }
}

export class MongoMerges implements EngineMerges {
  constructor(private readonly x: MongoContext) {}

  addMergeSuggestion(s: MergeSuggestion): Promise<MergeSuggestion> {
    const pair = suggestionPair(s.customerId, s.candidateId);
    return this.x.wrap(async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const open = await this.x.m.MergeSuggestion.findOne({ pair, status: 'open' }).lean();
        if (open) return open.doc;
        try {
          await this.x.m.MergeSuggestion.create({
            _id: s.id,
            customerId: s.customerId,
            candidateId: s.candidateId,
            pair,
            status: s.status,
            createdAt: s.createdAt,
            doc: s,
          });
          return s;
        } catch (err) {
          // Another suggestion for the pair was opened meanwhile (the partial unique index): return that one.
          if (!isDuplicateKey(err)) throw err;
        }
      }
      throw new AppError('STORE_CONFLICT', 'suggestions for this pair kept changing');
    });
  }

  getMergeSuggestion(id: string): Promise<MergeSuggestion | null> {
    return this.x.wrap(async () => (await this.x.m.MergeSuggestion.findOne({ _id: id }).lean())?.doc ?? null);
  }

  listMergeSuggestions(query: { status: MergeSuggestion['status']; customerId?: string }): Promise<MergeSuggestion[]> {
    const f: Record<string, unknown> = { status: query.status };
    if (query.customerId !== undefined) f.$or = t([{ customerId: query.customerId }, { candidateId: query.customerId }]);
    return this.x.wrap(async () => (await this.x.m.MergeSuggestion.find(f).sort({ createdAt: 1, _id: 1 }).lean()).map((r) => r.doc));
  }

  decideMergeSuggestion(id: string, status: 'confirmed' | 'rejected'): Promise<MergeSuggestion | null> {
    return this.x.wrap(async () => {
      const row = await this.x.m.MergeSuggestion.findOneAndUpdate(
        { _id: id, status: 'open' },
        { $set: { status, 'doc.status': status } },
        { returnDocument: 'after' },
      ).lean();
      return row?.doc ?? null;
    });
  }

  async saveMerge(r: MergeRecord): Promise<void> {
    await this.x.wrap(() =>
      this.x.m.Merge.create({ _id: r.id, absorbedId: r.absorbed.id, survivorId: r.survivor.id, at: r.at, undoneAt: r.undone ?? null, doc: r }),
    );
  }

  getMerge(id: string): Promise<MergeRecord | null> {
    return this.x.wrap(async () => (await this.x.m.Merge.findOne({ _id: id }).lean())?.doc ?? null);
  }

  markMergeUndone(id: string, at: string): Promise<boolean> {
    return this.x.wrap(
      async () => (await this.x.m.Merge.updateOne({ _id: id, undoneAt: null }, { $set: { undoneAt: at, 'doc.undone': at } })).matchedCount === 1,
    );
  }
}

const RULES_ID = 'current';

export class MongoSettings implements EngineSettings {
  constructor(private readonly x: MongoContext) {}

  readSegmentRules(): Promise<SegmentRuleSet | null> {
    return this.x.wrap(async () => {
      const row = await this.x.m.SegmentRules.findOne({ _id: RULES_ID }).lean();
      return row ? { rules: row.rules, updatedAt: row.updatedAt } : null;
    });
  }

  writeSegmentRules(set: SegmentRuleSet): Promise<SegmentRuleSet> {
    return this.x.wrap(async () => {
      await this.x.m.SegmentRules.replaceOne({ _id: RULES_ID }, { _id: RULES_ID, rules: set.rules, updatedAt: set.updatedAt }, { upsert: true });
      return set;
    });
  }
}

/** Corpus additions by text key. Marked trusted: sanitizeFilter would turn a bare `$in` into a value to compare. */
export function corpusKeys(keys: readonly string[]) {
  return { textKey: t({ $in: [...keys] }) };
}

export class MongoCorpus implements EngineCorpus {
  constructor(private readonly x: MongoContext) {}

  listCorpusAdditions(): Promise<CorpusAddition[]> {
    return this.x.wrap(async () => (await this.x.m.CorpusAddition.find({}).sort({ _id: 1 }).lean()).map((r) => r.doc));
  }

  removeCorpusAdditions(texts: readonly string[]): Promise<number> {
    const keys = [...new Set(texts.map(corpusTextKey))];
    return this.x.wrap(async () => (await this.x.m.CorpusAddition.deleteMany(corpusKeys(keys))).deletedCount);
  }

  addCorpusAddition(a: CorpusAddition): Promise<{ addition: CorpusAddition; added: boolean }> {
    const textKey = corpusTextKey(a.text);
    return this.x.wrap(async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const same = await this.x.m.CorpusAddition.findOne({ language: a.language, textKey }).lean();
        if (same) return { addition: same.doc, added: false };
        try {
          // An ObjectId's hex form sorts by creation (time, then a per-process counter): the list's order.
          await this.x.m.CorpusAddition.create({
            _id: new Types.ObjectId().toHexString(),
            language: a.language,
            textKey,
            conversationId: a.conversationId ?? null,
            at: a.at,
            doc: a,
          });
          return { addition: a, added: true };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      throw new AppError('STORE_CONFLICT', 'corpus additions kept changing');
    });
  }
}
