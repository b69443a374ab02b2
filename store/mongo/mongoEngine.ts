import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { AppError } from '../../core/errors';
import { registerModels, type MongoModels } from '../../models/mongoSchemas';
import type { FaultHook } from '../faults';
import type { StoreEngine } from '../storeEngine';
import type { ForgetResult, RepairReport, StoreHealth } from '../storeTypes';
import { MongoContext, t } from './mongoContext';
import { MongoAttachments } from './mongoAttachments';
import { MongoConversations } from './mongoConversations';
import { MongoCustomers } from './mongoCustomers';
import { MongoImport } from './mongoImport';
import { MongoLeases, MongoOutbox, MongoQuotas } from './mongoJobs';
import { MongoMessages } from './mongoMessages';
import { migrate, requireCurrentSchema } from './mongoMigrations';
import { MongoAudit, MongoCorpus, MongoMerges, MongoSettings, MongoStaff, MongoState } from './mongoRecords';
import { MongoRepair } from './mongoRepair';
import { MongoReview } from './mongoReview';
import { MongoRollups } from './mongoRollups';
import { MongoTurns } from './mongoTurns';

export interface MongoOptions {
  /** Server selection and probe timeout, milliseconds. */
  timeoutMs?: number;
  dbName?: string;
  /** Apply pending migrations at start (default false: `npm run migrate` is a deployment step). */
  migrateOnStart?: boolean;
  /** Tests only: fails the store between two writes that belong together (store/faults.ts). */
  faults?: FaultHook;
  /** How long a repair waits before freeing an orphaned capacity slot, milliseconds. */
  repairConfirmMs?: number;
}

/** The lease instances migrating at start take in turn, and how long it lasts unrenewed, milliseconds. */
const MIGRATION_LEASE = 'store-migration';
const MIGRATION_LEASE_MS = 10 * 60_000;

/**
 * The production engine: MongoDB through mongoose, on a replica set (MongoDB 5.0 or later: see store/README.md).
 * sanitizeFilter is on, so an operator object that reaches a filter is neutralized to $eq (our own operators are
 * marked trusted); bufferCommands is off, so an outage fails fast instead of queueing.
 */
export class MongoEngine implements StoreEngine {
  readonly kind = 'mongo' as const;
  private conn!: Connection;
  private m!: MongoModels;
  private parts!: {
    customers: MongoCustomers;
    conversations: MongoConversations;
    messages: MongoMessages;
    review: MongoReview;
    imports: MongoImport;
    staff: MongoStaff;
    audit: MongoAudit;
    state: MongoState;
    merges: MongoMerges;
    settings: MongoSettings;
    corpus: MongoCorpus;
    repair: MongoRepair;
    turns: MongoTurns;
    leases: MongoLeases;
    quotas: MongoQuotas;
    outbox: MongoOutbox;
    attachments: MongoAttachments;
  };
  readonly privacy = { forgetCustomer: (customerId: string) => this.forgetCustomer(customerId) };

  constructor(
    private readonly uri: string,
    private readonly options: MongoOptions = {},
  ) {}

  get customers() {
    return this.parts.customers;
  }
  get conversations() {
    return this.parts.conversations;
  }
  get messages() {
    return this.parts.messages;
  }
  get review() {
    return this.parts.review;
  }
  get imports() {
    return this.parts.imports;
  }
  get staff() {
    return this.parts.staff;
  }
  get audit() {
    return this.parts.audit;
  }
  get state() {
    return this.parts.state;
  }
  get merges() {
    return this.parts.merges;
  }
  get settings() {
    return this.parts.settings;
  }
  get corpus() {
    return this.parts.corpus;
  }
  get turns() {
    return this.parts.turns;
  }
  get leases() {
    return this.parts.leases;
  }
  get quotas() {
    return this.parts.quotas;
  }
  get outbox() {
    return this.parts.outbox;
  }
  get attachments() {
    return this.parts.attachments;
  }

  async init(): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 2000;
    this.conn = mongoose.createConnection(this.uri, {
      bufferCommands: false,
      autoIndex: false,
      autoCreate: false,
      serverSelectionTimeoutMS: timeoutMs,
      socketTimeoutMS: 30000,
      dbName: this.options.dbName,
    });
    this.conn.set('sanitizeFilter', true);
    this.conn.set('strictQuery', true);
    await this.conn.asPromise();
    this.m = registerModels(this.conn);
    const x = new MongoContext(this.m, this.options.faults);
    const messages = new MongoMessages(x);
    const rollups = new MongoRollups(x);
    const leases = new MongoLeases(x);
    this.parts = {
      customers: new MongoCustomers(x),
      conversations: new MongoConversations(x),
      messages,
      review: new MongoReview(x, rollups),
      imports: new MongoImport(x),
      staff: new MongoStaff(x),
      audit: new MongoAudit(x),
      state: new MongoState(x),
      merges: new MongoMerges(x),
      settings: new MongoSettings(x),
      corpus: new MongoCorpus(x),
      repair: new MongoRepair(x, messages, rollups, leases, this.options.repairConfirmMs),
      turns: new MongoTurns(x, messages),
      leases,
      quotas: new MongoQuotas(x),
      outbox: new MongoOutbox(x),
      attachments: new MongoAttachments(x),
    };
    if (this.options.migrateOnStart) await this.migrateAlone();
    else await requireCurrentSchema(this.m);
    // No repair of its own: it runs once across instances, as the leased job `store-repair` (app/appServices.ts).
  }

  /**
   * The migration at start under a lease: instances started together each run it, one after another (index builds
   * run at once on one collection conflict), the later ones finding little to do. The lease outlives a migration
   * (MIGRATION_LEASE_MS) and is released at its end; one whose holder died expires.
   */
  private async migrateAlone(): Promise<void> {
    const holder = randomUUID();
    const until = Date.now() + MIGRATION_LEASE_MS;
    while (!(await this.parts.leases.acquireLease(MIGRATION_LEASE, holder, MIGRATION_LEASE_MS, Date.now()))) {
      if (Date.now() > until) throw new AppError('STORE_UNAVAILABLE', 'another instance has been migrating the database for too long');
      await new Promise((r) => setTimeout(r, 1000));
    }
    try {
      await migrate(this.m);
    } finally {
      await this.parts.leases.releaseLease(MIGRATION_LEASE, holder).catch(() => undefined);
    }
  }

  async migrate(): Promise<void> {
    await this.wrapAdmin(() => migrate(this.m));
  }

  repair(): Promise<RepairReport> {
    return this.wrapAdmin(() => this.parts.repair.run());
  }

  private async wrapAdmin<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('STORE_UNAVAILABLE', (err as Error)?.message, { cause: err });
    }
  }

  async ping(): Promise<void> {
    try {
      const db = this.conn?.db;
      if (!db || this.conn.readyState !== mongoose.ConnectionStates.connected) throw new Error('not connected');
      await db.admin().command({ ping: 1 }, { timeoutMS: this.options.timeoutMs ?? 2000 });
    } catch (err) {
      throw new AppError('STORE_UNAVAILABLE', undefined, { cause: err });
    }
  }

  /** The driver reconnects by itself: an unreachable server is a readiness matter, never a reason to restart. */
  health(): StoreHealth {
    return { status: 'ok' };
  }

  async close(): Promise<void> {
    await this.conn?.close();
  }

  /**
   * Every write here resolves only once the server acknowledged it under the connection's write concern (set
   * `w=majority&journal=true` in the URI for writes that survive a failover and a power loss). What is left for
   * sync() is the counting step of deferSync appends (mongoMessages.ts), which runs while the turn goes on.
   */
  async sync(): Promise<void> {
    if (!this.conn || this.conn.readyState !== mongoose.ConnectionStates.connected) throw new AppError('STORE_UNAVAILABLE', 'not connected');
    await this.wrapAdmin(() => this.parts.messages.settle());
  }

  /** Test helper: drops this store's database and builds its schema again. */
  async dropAll(): Promise<void> {
    await this.conn.dropDatabase();
    await migrate(this.m);
  }

  private forgetCustomer(customerId: string): Promise<ForgetResult> {
    return this.wrapAdmin(async () => {
      const mergeSuggestions = (await this.m.MergeSuggestion.deleteMany({ $or: t([{ customerId }, { candidateId: customerId }]) })).deletedCount;
      const merges = (await this.m.Merge.deleteMany({ $or: t([{ absorbedId: customerId }, { survivorId: customerId }]) })).deletedCount;
      const conversations = await this.m.Conversation.find({ customerId }).select({ _id: 1, channelId: 1, channelConversationId: 1 }).lean();
      const corpusAdditions = conversations.length
        ? (await this.m.CorpusAddition.deleteMany({ conversationId: t({ $in: conversations.map((c) => c._id) }) })).deletedCount
        : 0;
      // Their sentiment history, kept beside the record (schema 11; the record's blanking leaves it).
      await this.m.Customer.updateOne({ _id: customerId }, { $unset: { sentiment: 1 } });
      // Their conversations' dialog state (botbuilder's ConversationState keys): what they typed into a dialog.
      if (conversations.length)
        await this.m.BotState.deleteMany({ _id: t({ $in: conversations.map((c) => `${c.channelId}/conversations/${c.channelConversationId}`) }) });
      return { mergeSuggestions, merges, corpusAdditions };
    });
  }
}
