import { AppError } from '../../core/errors';
import type { FaultHook } from '../faults';
import type { StoreEngine } from '../storeEngine';
import type { ForgetResult, RepairReport, StoreHealth } from '../storeTypes';
import { GroupCommit, promised, type GroupCommitOptions } from './groupCommit';
import { SqliteAttachments } from './sqliteAttachments';
import { SqliteConversations, SqliteMessages } from './sqliteConversations';
import { SqliteCustomers } from './sqliteCustomers';
import { SqliteLeases, SqliteOutbox, SqliteQuotas } from './sqliteJobs';
import { SqliteAudit, SqliteCorpus, SqliteMerges, SqliteSettings, SqliteStaff, SqliteState } from './sqliteRecords';
import { SqliteImport } from './sqliteImport';
import { SqliteFullText, SqliteReview } from './sqliteReview';
import { SqliteRollups } from './sqliteRollups';
import { SqliteUpkeep, type UpkeepOptions } from './sqliteUpkeep';
import { SCHEMA_VERSION, applySchema, migrateExclusively, registerFunctions, schemaVersion } from './sqliteSchema';

export interface SqliteOptions extends GroupCommitOptions {
  /** Tests only: fails the store between two writes that belong together (store/faults.ts). */
  faults?: FaultHook;
  /** Apply pending schema upgrades at start (default true); otherwise a file behind this release is refused. */
  migrateOnStart?: boolean;
  /** Tests: the background indexing and rollups' pace (sqliteUpkeep.ts). */
  upkeep?: UpkeepOptions;
  /**
   * 0: no background catch-up at all (tests that count who rebuilt what: searches and dashboards catch up first
   * anyway); otherwise how often it looks for work, milliseconds (the upkeep's everyMs).
   */
  backgroundMs?: number;
}

/** The embedded engine: one SQLite file through one connection (groupCommit.ts), one object per aggregate. */
export class SqliteEngine implements StoreEngine {
  readonly kind = 'sqlite' as const;
  readonly gc: GroupCommit;
  readonly customers: SqliteCustomers;
  readonly conversations: SqliteConversations;
  readonly messages: SqliteMessages;
  readonly fullText: SqliteFullText;
  readonly review: SqliteReview;
  readonly rollups: SqliteRollups;
  readonly imports: SqliteImport;
  readonly staff: SqliteStaff;
  readonly audit: SqliteAudit;
  readonly state: SqliteState;
  readonly merges: SqliteMerges;
  readonly settings: SqliteSettings;
  readonly corpus: SqliteCorpus;
  readonly leases: SqliteLeases;
  readonly quotas: SqliteQuotas;
  readonly outbox: SqliteOutbox;
  readonly attachments: SqliteAttachments;
  readonly privacy = { forgetCustomer: (customerId: string) => this.forgetCustomer(customerId) };
  /**
   * In-process reads: one call, three indexed lookups (and the staff names, for a first contact that asks), run one
   * after another with nothing awaited between them.
   */
  readonly turns = {
    readTurn: (key: string, channelId: string, channelConversationId: string, stateKeys: readonly string[], staffNames: boolean) =>
      promised(() => {
        const customer = this.customers.findCustomerByKeyNow(key);
        return {
          customer,
          conversation: this.conversations.findConversationByChannelNow(channelId, channelConversationId),
          state: stateKeys.length ? this.state.readStateNow(stateKeys) : {},
          ...(staffNames && !customer ? { staffNames: this.staff.staffNamesNow() } : {}),
        };
      }),
  };
  /** Background indexing and rollups, between the group commits. */
  readonly upkeep: SqliteUpkeep;

  constructor(
    file: string,
    private readonly options: SqliteOptions = {},
  ) {
    const gc = (this.gc = new GroupCommit(file, options));
    this.customers = new SqliteCustomers(gc);
    this.conversations = new SqliteConversations(gc, options.faults);
    this.messages = new SqliteMessages(gc, options.faults);
    this.fullText = new SqliteFullText(gc);
    this.rollups = new SqliteRollups(gc);
    this.review = new SqliteReview(gc, this.fullText, this.rollups);
    this.imports = new SqliteImport(gc, { customers: this.customers, conversations: this.conversations, messages: this.messages, fullText: this.fullText });
    this.staff = new SqliteStaff(gc);
    this.audit = new SqliteAudit(gc);
    this.state = new SqliteState(gc);
    this.merges = new SqliteMerges(gc);
    this.settings = new SqliteSettings(gc);
    this.corpus = new SqliteCorpus(gc);
    this.leases = new SqliteLeases(gc);
    this.quotas = new SqliteQuotas(gc);
    this.outbox = new SqliteOutbox(gc);
    this.attachments = new SqliteAttachments(gc);
    this.upkeep = new SqliteUpkeep(gc, this.fullText, this.rollups, { everyMs: options.backgroundMs || undefined, ...options.upkeep });
  }

  async init(): Promise<void> {
    this.gc.open();
    registerFunctions(this.gc.db);
    if (this.options.migrateOnStart !== false) migrateExclusively(this.gc.db);
    else {
      const version = schemaVersion(this.gc.db);
      if (version < SCHEMA_VERSION) {
        await this.gc.close();
        throw new AppError('STORE_UNAVAILABLE', `the data file is at schema version ${version}, this release needs ${SCHEMA_VERSION}: run npm run migrate`);
      }
    }
    if (this.options.backgroundMs !== 0) this.upkeep.start();
  }

  /** A write like any other (one savepoint in the group's IMMEDIATE transaction), so other processes see all or nothing. */
  migrate(): Promise<void> {
    return this.gc.tx(() => applySchema(this.gc.db));
  }

  /**
   * Every multi-row invariant is kept inside one transaction here: nothing can disagree. What is left is the
   * dashboard's dirty days, recomputed now (each by one process: SqliteRollups.refresh).
   */
  async repair(): Promise<RepairReport> {
    const rollupDays = await this.rollups.refresh({ first: '0000-01-01', end: '9999-12-31' });
    // Committed before it answers: the catch-up's own writes are deferred, and a repair is a step to wait for.
    await this.gc.sync();
    return { slots: 0, counters: 0, rollupDays };
  }

  ping(): Promise<void> {
    return this.gc.ping();
  }

  health(): StoreHealth {
    return this.gc.health();
  }

  sync(): Promise<void> {
    return this.gc.sync();
  }

  async close(): Promise<void> {
    // Writes already queued are committed (or fail) before the file closes.
    this.upkeep.stop();
    await this.gc.close();
  }

  private async forgetCustomer(customerId: string): Promise<ForgetResult> {
    const gc = this.gc;
    // The dashboard's rollups keep a sample text of each not-understood request: every day the erasure touched is
    // rebuilt from the records now, not by the background catch-up (T28 found an erased text there).
    await this.rollups.refresh({ first: '0000-01-01', end: '9999-12-31' });
    const result = await gc.tx(() => {
      const mergeSuggestions = gc.stmt('DELETE FROM merge_suggestions WHERE customer_id = ? OR candidate_id = ?').run(customerId, customerId).changes;
      const merges = gc.stmt('DELETE FROM merges WHERE absorbed_id = ? OR survivor_id = ?').run(customerId, customerId).changes;
      const corpusAdditions = gc
        .stmt('DELETE FROM corpus_additions WHERE conversation_id IN (SELECT id FROM conversations WHERE customer_id = ?)')
        .run(customerId).changes;
      // Their sentiment history (its own table since schema 11; the record's blanking leaves it).
      this.customers.deleteSentiment(customerId);
      // Their conversations' dialog state (botbuilder's ConversationState keys): what they typed into a dialog.
      gc.stmt(
        "DELETE FROM bot_state WHERE key IN (SELECT channel_id || '/conversations/' || channel_conversation_id FROM conversations WHERE customer_id = ?)",
      ).run(customerId);
      // Erased texts left the full-text index as tombstones over segments that still hold their words: merging
      // every segment into one drops them (and secure_delete zeroes the pages the old segments leave).
      gc.stmt("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')").run();
      return { mergeSuggestions, merges, corpusAdditions };
    });
    await gc.checkpointTruncate();
    return result;
  }
}
