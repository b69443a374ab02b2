import { randomUUID } from 'node:crypto';
import { AppError } from '../../core/errors';
import type { AuditEntry, CorpusAddition, MergeRecord, MergeSuggestion, SegmentRuleSet, Session, StateEntry, User, UserPatch } from '../../models/records';
import type { EngineAudit, EngineCorpus, EngineMerges, EngineSettings, EngineStaff, EngineState, Keyset } from '../storeEngine';
import type { AuditQuery, WriteOptions } from '../storeTypes';
import { promised, type GroupCommit } from './groupCommit';
import { corpusTextKey, suggestionPair } from '../recordBuilders';

type Row = Record<string, unknown>;

const parse = <T>(row: Row | undefined, column = 'doc'): T | null => (row ? (JSON.parse(row[column] as string) as T) : null);

/** Staff: users (unique by normalized email) and their sessions. */
export class SqliteStaff implements EngineStaff {
  constructor(private readonly gc: GroupCommit) {}

  async insertUser(u: User): Promise<User> {
    await this.gc.tx(() => this.gc.stmt('INSERT INTO users (id, email, doc) VALUES (?, ?, ?)').run(u.id, u.email, JSON.stringify(u)));
    return u;
  }

  getUser(id: string): Promise<User | null> {
    return promised(() => parse<User>(this.gc.run(() => this.gc.stmt('SELECT doc FROM users WHERE id = ?').get(id) as Row | undefined)));
  }

  getUserByEmail(email: string): Promise<User | null> {
    return promised(() => parse<User>(this.gc.run(() => this.gc.stmt('SELECT doc FROM users WHERE email = ?').get(email) as Row | undefined)));
  }

  listUsers(): Promise<User[]> {
    return promised(() => this.gc.run(() => this.gc.stmt('SELECT doc FROM users ORDER BY email').all() as Row[]).map((r) => parse<User>(r)!));
  }

  /** Every account's name, synchronous: for a read of several aggregates at once (the engine's readTurn). */
  staffNamesNow(): string[] {
    return (this.gc.run(() => this.gc.stmt("SELECT json_extract(doc, '$.name') AS name FROM users").all()) as Row[]).map((r) =>
      typeof r.name === 'string' ? r.name : '',
    );
  }

  updateUser(id: string, patch: UserPatch): Promise<User | null> {
    return this.gc.tx(() => {
      const current = parse<User>(this.gc.stmt('SELECT doc FROM users WHERE id = ?').get(id) as Row | undefined);
      if (!current) return null;
      const next: User = { ...current, ...patch, id, updatedAt: new Date().toISOString() };
      this.gc.stmt('UPDATE users SET doc = ? WHERE id = ?').run(JSON.stringify(next), id);
      return next;
    });
  }

  async createSession(session: Session): Promise<Session> {
    await this.gc.tx(() => this.gc.stmt('INSERT INTO sessions (id, user_id, doc) VALUES (?, ?, ?)').run(session.id, session.userId, JSON.stringify(session)));
    return session;
  }

  getSession(id: string): Promise<Session | null> {
    return promised(() => parse<Session>(this.gc.run(() => this.gc.stmt('SELECT doc FROM sessions WHERE id = ?').get(id) as Row | undefined)));
  }

  revokeSession(id: string, at: string): Promise<boolean> {
    return this.gc.tx(() => {
      const s = parse<Session>(this.gc.stmt('SELECT doc FROM sessions WHERE id = ?').get(id) as Row | undefined);
      if (!s) return false;
      if (s.revokedAt) return true;
      this.gc.stmt('UPDATE sessions SET doc = ? WHERE id = ?').run(JSON.stringify({ ...s, revokedAt: at }), id);
      return true;
    });
  }
}

export class SqliteAudit implements EngineAudit {
  constructor(private readonly gc: GroupCommit) {}

  async appendAudit(e: AuditEntry): Promise<AuditEntry> {
    await this.gc.tx(() =>
      this.gc
        .stmt('INSERT INTO audit (id, at, actor_id, action, target_id, doc) VALUES (?, ?, ?, ?, ?, ?)')
        .run(e.id, e.at, e.actorId ?? null, e.action, e.targetId ?? null, JSON.stringify(e)),
    );
    return e;
  }

  listAudit(query: Omit<AuditQuery, 'cursor'> & { limit: number; after?: Keyset }): Promise<AuditEntry[]> {
    return promised(() => {
      const where: string[] = [];
      const args: unknown[] = [];
      if (query.actorId !== undefined) {
        where.push('actor_id = ?');
        args.push(query.actorId);
      }
      if (query.action !== undefined) {
        where.push('action = ?');
        args.push(query.action);
      }
      if (query.targetId !== undefined) {
        where.push('target_id = ?');
        args.push(query.targetId);
      }
      if (query.after) {
        where.push('(at < ? OR (at = ? AND id < ?))');
        args.push(query.after.createdAt, query.after.createdAt, query.after.id);
      }
      const sql = `SELECT doc FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`;
      return this.gc.run(() => this.gc.stmt(sql).all(...args, query.limit) as Row[]).map((r) => parse<AuditEntry>(r)!);
    });
  }
}

/** Key-value state with eTags (botbuilder's Storage). */
export class SqliteState implements EngineState {
  constructor(private readonly gc: GroupCommit) {}

  readState(keys: readonly string[]): Promise<Record<string, StateEntry>> {
    return promised(() => this.readStateNow(keys));
  }

  /** The same read, synchronous: for a read of several aggregates at once (the engine's readTurn). */
  readStateNow(keys: readonly string[]): Record<string, StateEntry> {
    const out: Record<string, StateEntry> = {};
    const stmt = this.gc.stmt('SELECT etag, value FROM bot_state WHERE key = ?');
    this.gc.run(() => {
      for (const key of keys) {
        const row = stmt.get(key) as Row | undefined;
        if (row) out[key] = { etag: row.etag as string, value: JSON.parse(row.value as string) as StateEntry['value'] };
      }
    });
    return out;
  }

  writeState(key: string, value: Record<string, unknown>, expectedEtag?: string, options?: WriteOptions): Promise<string> {
    return this.gc.tx(() => {
      const etag = randomUUID();
      // One statement: a new key is inserted whatever was expected; an existing one is replaced only while its eTag is
      // the expected one (none expected, or '*': always).
      const expected = expectedEtag === undefined || expectedEtag === '*' ? null : expectedEtag;
      const changed = this.gc
        .stmt(
          `INSERT INTO bot_state (key, etag, value) VALUES (?, ?, ?)
           ON CONFLICT(key) DO UPDATE SET etag = excluded.etag, value = excluded.value WHERE ? IS NULL OR bot_state.etag = ?`,
        )
        .run(key, etag, JSON.stringify(value), expected, expected).changes;
      if (changed === 0) throw new AppError('STORE_ETAG_CONFLICT', `state ${key} changed since it was read`);
      return etag;
    }, options);
  }

  async deleteState(keys: readonly string[]): Promise<void> {
    await this.gc.tx(() => {
      const stmt = this.gc.stmt('DELETE FROM bot_state WHERE key = ?');
      for (const key of keys) stmt.run(key);
    });
  }
}

/** Merge suggestions (at most one open per pair, by a partial unique index) and merge snapshots. */
export class SqliteMerges implements EngineMerges {
  constructor(private readonly gc: GroupCommit) {}

  addMergeSuggestion(s: MergeSuggestion): Promise<MergeSuggestion> {
    return this.gc.tx(() => {
      const pair = suggestionPair(s.customerId, s.candidateId);
      const open = parse<MergeSuggestion>(this.gc.stmt("SELECT doc FROM merge_suggestions WHERE pair = ? AND status = 'open'").get(pair) as Row | undefined);
      if (open) return open;
      this.gc
        .stmt('INSERT INTO merge_suggestions (id, customer_id, candidate_id, pair, status, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(s.id, s.customerId, s.candidateId, pair, s.status, s.createdAt, JSON.stringify(s));
      return s;
    });
  }

  getMergeSuggestion(id: string): Promise<MergeSuggestion | null> {
    return promised(() => parse<MergeSuggestion>(this.gc.run(() => this.gc.stmt('SELECT doc FROM merge_suggestions WHERE id = ?').get(id) as Row | undefined)));
  }

  listMergeSuggestions(query: { status: MergeSuggestion['status']; customerId?: string }): Promise<MergeSuggestion[]> {
    return promised(() => {
      const rows = this.gc.run(() =>
        query.customerId === undefined
          ? (this.gc.stmt('SELECT doc FROM merge_suggestions WHERE status = ? ORDER BY created_at, id').all(query.status) as Row[])
          : (this.gc
              .stmt('SELECT doc FROM merge_suggestions WHERE status = ? AND (customer_id = ? OR candidate_id = ?) ORDER BY created_at, id')
              .all(query.status, query.customerId, query.customerId) as Row[]),
      );
      return rows.map((r) => parse<MergeSuggestion>(r)!);
    });
  }

  decideMergeSuggestion(id: string, status: 'confirmed' | 'rejected'): Promise<MergeSuggestion | null> {
    return this.gc.tx(() => {
      const s = parse<MergeSuggestion>(this.gc.stmt("SELECT doc FROM merge_suggestions WHERE id = ? AND status = 'open'").get(id) as Row | undefined);
      if (!s) return null;
      const next: MergeSuggestion = { ...s, status };
      this.gc.stmt('UPDATE merge_suggestions SET status = ?, doc = ? WHERE id = ?').run(status, JSON.stringify(next), id);
      return next;
    });
  }

  async saveMerge(r: MergeRecord): Promise<void> {
    await this.gc.tx(() =>
      this.gc
        .stmt('INSERT INTO merges (id, absorbed_id, survivor_id, at, undone_at, doc) VALUES (?, ?, ?, ?, ?, ?)')
        .run(r.id, r.absorbed.id, r.survivor.id, r.at, r.undone ?? null, JSON.stringify(r)),
    );
  }

  getMerge(id: string): Promise<MergeRecord | null> {
    return promised(() => parse<MergeRecord>(this.gc.run(() => this.gc.stmt('SELECT doc FROM merges WHERE id = ?').get(id) as Row | undefined)));
  }

  markMergeUndone(id: string, at: string): Promise<boolean> {
    return this.gc.tx(() => {
      const r = parse<MergeRecord>(this.gc.stmt('SELECT doc FROM merges WHERE id = ? AND undone_at IS NULL').get(id) as Row | undefined);
      if (!r) return false;
      this.gc.stmt('UPDATE merges SET undone_at = ?, doc = ? WHERE id = ?').run(at, JSON.stringify({ ...r, undone: at }), id);
      return true;
    });
  }
}

export class SqliteSettings implements EngineSettings {
  constructor(private readonly gc: GroupCommit) {}

  readSegmentRules(): Promise<SegmentRuleSet | null> {
    return promised(() => {
      const row = this.gc.run(() => this.gc.stmt('SELECT rules, updated_at FROM segment_rules WHERE id = 1').get() as Row | undefined);
      return row ? { rules: JSON.parse(row.rules as string) as SegmentRuleSet['rules'], updatedAt: row.updated_at as string } : null;
    });
  }

  async writeSegmentRules(set: SegmentRuleSet): Promise<SegmentRuleSet> {
    await this.gc.tx(() =>
      this.gc
        .stmt(
          'INSERT INTO segment_rules (id, rules, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at',
        )
        .run(JSON.stringify(set.rules), set.updatedAt),
    );
    return set;
  }
}

export class SqliteCorpus implements EngineCorpus {
  constructor(private readonly gc: GroupCommit) {}

  listCorpusAdditions(): Promise<CorpusAddition[]> {
    return promised(() => this.gc.run(() => this.gc.stmt('SELECT doc FROM corpus_additions ORDER BY id').all() as Row[]).map((r) => parse<CorpusAddition>(r)!));
  }

  removeCorpusAdditions(texts: readonly string[]): Promise<number> {
    return this.gc.tx(() => {
      const del = this.gc.stmt('DELETE FROM corpus_additions WHERE text_key = ?');
      return [...new Set(texts.map(corpusTextKey))].reduce((n, key) => n + del.run(key).changes, 0);
    });
  }

  addCorpusAddition(a: CorpusAddition): Promise<{ addition: CorpusAddition; added: boolean }> {
    return this.gc.tx(() => {
      const key = corpusTextKey(a.text);
      const same = parse<CorpusAddition>(
        this.gc.stmt('SELECT doc FROM corpus_additions WHERE language = ? AND text_key = ?').get(a.language, key) as Row | undefined,
      );
      if (same) return { addition: same, added: false };
      this.gc
        .stmt('INSERT INTO corpus_additions (language, text_key, conversation_id, doc) VALUES (?, ?, ?, ?)')
        .run(a.language, key, a.conversationId ?? null, JSON.stringify(a));
      return { addition: a, added: true };
    });
  }
}
