import { AppError } from '../core/errors';
import type {
  ContactType,
  Conversation,
  ConversationExpectation,
  ConversationPatch,
  Customer,
  CustomerPatch,
  Message,
  NewConversation,
  NewCustomer,
  NewMessage,
  SentimentPoint,
} from '../models/records';
import { RECENT_SENTIMENT_POINTS, SENTIMENT_HISTORY_POINTS } from '../models/records';
import { maskPaymentCards } from '../models/paymentCards';
import { buildCustomer } from './recordBuilders';
import type { ClaimInput, StateChange } from './store';
import type { StoreEngine } from './storeEngine';
import { clampLimit, identityKeyString, plain, plainNumber, validateExpectation } from './storeGuards';
import { MAX_PAGE } from './storeTypes';
import type {
  AppendResult,
  ClaimResult,
  ConversationHolder,
  ConversationQuery,
  CustomerMessageUpdate,
  IdentityKey,
  MessagePage,
  RepairReport,
  StoreHealth,
  TurnRead,
  TurnSnapshot,
  UpdateCustomerOptions,
  WriteOptions,
} from './storeTypes';

/**
 * The guard layer, written once above both engines (GuardedStore is its whole): every value that reaches a query is
 * checked to be a plain string or finite number (an object such as {"$ne": null} from request input is refused with
 * STORE_INVALID_QUERY before any driver sees it), records are built with the shared defaults, limits clamped,
 * cursors decoded and search text turned into words. The engine below (store/sqlite/, store/mongo/) trusts its
 * inputs. Split by aggregate: this file the lifecycle, customers, conversations, messages and a bot turn's reads;
 * guardedReview.ts review, staff, audit, state, merges and settings; guardedStore.ts privacy, jobs, the outbox and
 * attachments.
 */
export abstract class GuardedRecords {
  constructor(protected readonly engine: StoreEngine) {}

  get kind(): 'sqlite' | 'mongo' {
    return this.engine.kind;
  }

  // ---- lifecycle

  init(): Promise<void> {
    return this.engine.init();
  }

  ping(): Promise<void> {
    return this.engine.ping();
  }

  health(): StoreHealth {
    return this.engine.health();
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  migrate(): Promise<void> {
    return this.engine.migrate();
  }

  repair(): Promise<RepairReport> {
    return this.engine.repair();
  }

  // ---- customers

  async createCustomer(input: NewCustomer, options?: WriteOptions): Promise<Customer> {
    if (input.id !== undefined) plain(input.id, 'id');
    return this.engine.customers.insertCustomer(buildCustomer(input), options);
  }

  async getCustomer(id: string): Promise<Customer | null> {
    return this.engine.customers.getCustomer(plain(id, 'id'));
  }

  async findCustomerByKey(key: IdentityKey): Promise<Customer | null> {
    return this.engine.customers.findCustomerByKey(identityKeyString(key));
  }

  async findCustomersByContact(type: ContactType, value: string): Promise<Customer[]> {
    return this.engine.customers.findCustomersByContact(identityKeyString(type === 'email' ? { kind: 'email', value } : { kind: 'phone', value }));
  }

  async updateCustomer(id: string, patch: CustomerPatch, expectedVersion?: number, options?: UpdateCustomerOptions): Promise<Customer> {
    plain(id, 'id');
    if (expectedVersion !== undefined) plainNumber(expectedVersion, 'expectedVersion');
    if (options?.base && (options.base.id !== id || options.base.version !== expectedVersion)) {
      throw new AppError('STORE_INVALID_QUERY', 'base must be the customer as read at expectedVersion');
    }
    return this.engine.customers.updateCustomer(id, patch, expectedVersion, options);
  }

  async recordCustomerMessage(id: string, update: CustomerMessageUpdate, options?: WriteOptions): Promise<void> {
    plain(id, 'id');
    plainNumber(update.expectedVersion, 'expectedVersion');
    plain(update.point.at, 'point.at');
    plainNumber(update.point.score, 'point.score');
    if (update.point.conversationId !== undefined) plain(update.point.conversationId, 'point.conversationId');
    if (!Number.isInteger(update.keepSentiment) || update.keepSentiment < 1)
      throw new AppError('STORE_INVALID_QUERY', 'keepSentiment must be a positive integer');
    plain(update.at, 'at');
    plainNumber(update.engagementScore, 'engagementScore');
    if (update.language !== undefined) plain(update.language, 'language');
    if (update.reachScore !== undefined) plainNumber(update.reachScore, 'reachScore');
    update.segments?.forEach((s) => plain(s, 'segment'));
    recentScores(update.recentSentiment);
    // Only the fields the write names: anything else on the point would be stored unchecked.
    const point = {
      at: update.point.at,
      score: update.point.score,
      ...(update.point.conversationId !== undefined ? { conversationId: update.point.conversationId } : {}),
    };
    return this.engine.customers.recordCustomerMessage(id, { ...update, point, newConversation: update.newConversation === true }, options);
  }

  async listSentiment(customerId: string, limit = SENTIMENT_HISTORY_POINTS): Promise<SentimentPoint[]> {
    plain(customerId, 'customerId');
    if (!Number.isInteger(plainNumber(limit, 'limit')) || limit < 1) throw new AppError('STORE_INVALID_QUERY', 'limit must be a positive integer');
    return this.engine.customers.listSentiment(customerId, limit);
  }

  async replaceSentiment(customerId: string, points: readonly SentimentPoint[]): Promise<void> {
    plain(customerId, 'customerId');
    const given: unknown = points;
    if (!Array.isArray(given)) throw new AppError('STORE_INVALID_QUERY', 'points must be an array');
    // Only the point's own fields are stored, checked as recordCustomerMessage checks its point.
    const clean = points.map((p) => ({
      at: plain(p.at, 'point.at'),
      score: plainNumber(p.score, 'point.score'),
      ...(p.conversationId !== undefined ? { conversationId: plain(p.conversationId, 'point.conversationId') } : {}),
    }));
    return this.engine.customers.replaceSentiment(customerId, clean);
  }

  // ---- conversations

  async getOrCreateConversation(input: NewConversation, options?: WriteOptions): Promise<{ conversation: Conversation; created: boolean }> {
    plain(input.channelId, 'channelId');
    plain(input.channelConversationId, 'channelConversationId');
    plain(input.customerId, 'customerId');
    if (input.id !== undefined) plain(input.id, 'id');
    return this.engine.conversations.getOrCreateConversation(input, options);
  }

  async getConversation(id: string): Promise<Conversation | null> {
    return this.engine.conversations.getConversation(plain(id, 'id'));
  }

  async getConversationHolder(id: string): Promise<ConversationHolder | null> {
    return this.engine.conversations.getConversationHolder(plain(id, 'id'));
  }

  async findConversationByChannel(channelId: string, channelConversationId: string): Promise<Conversation | null> {
    return this.engine.conversations.findConversationByChannel(plain(channelId, 'channelId'), plain(channelConversationId, 'channelConversationId'));
  }

  async listConversations(query: ConversationQuery): Promise<Conversation[]> {
    if (query.states) {
      if (query.states.length === 0) return [];
      query.states.forEach((s) => plain(s, 'state'));
    }
    if (query.agentId !== undefined) plain(query.agentId, 'agentId');
    if (query.customerId !== undefined) plain(query.customerId, 'customerId');
    if (query.updatedBefore !== undefined) plain(query.updatedBefore, 'updatedBefore');
    return this.engine.conversations.listConversations({ ...query, limit: clampLimit(query.limit, 100, MAX_PAGE) });
  }

  async deleteConversation(id: string): Promise<boolean> {
    return this.engine.conversations.deleteConversation(plain(id, 'id'));
  }

  async moveConversations(fromCustomerId: string, toCustomerId: string, onlyIds?: readonly string[]): Promise<string[]> {
    plain(fromCustomerId, 'fromCustomerId');
    plain(toCustomerId, 'toCustomerId');
    onlyIds?.forEach((id) => plain(id, 'conversationId'));
    return this.engine.conversations.moveConversations(fromCustomerId, toCustomerId, onlyIds);
  }

  async updateConversation(id: string, patch: ConversationPatch, expect?: ConversationExpectation): Promise<Conversation | null> {
    plain(id, 'id');
    validateExpectation(expect);
    return this.engine.conversations.updateConversation(id, patch, expect);
  }

  async claimConversation(input: ClaimInput): Promise<ClaimResult> {
    plain(input.conversationId, 'conversationId');
    plain(input.agentId, 'agentId');
    plainNumber(input.maxActive, 'maxActive');
    validateExpectation({ states: input.fromStates, agentId: input.expectedAgentId });
    return this.engine.conversations.claimConversation(input);
  }

  async setConversationState(input: StateChange): Promise<ClaimResult> {
    plain(input.conversationId, 'conversationId');
    plain(input.to, 'to');
    if (input.expectedVersion !== undefined) plainNumber(input.expectedVersion, 'expectedVersion');
    validateExpectation({ states: input.fromStates, agentId: input.expectedAgentId, version: input.expectedVersion });
    return this.engine.conversations.setConversationState(input);
  }

  async eraseConversation(id: string, channelConversationId: string): Promise<number> {
    plain(id, 'id');
    plain(channelConversationId, 'channelConversationId');
    const messages = await this.engine.messages.eraseMessages(id);
    await this.engine.attachments.deleteAttachmentsOf([id]);
    await this.engine.conversations.eraseChannelKeys(id, channelConversationId);
    return messages;
  }

  async countActiveChats(agentId: string): Promise<number> {
    return this.engine.conversations.countActiveChats(plain(agentId, 'agentId'));
  }

  // ---- messages

  async appendMessage(input: NewMessage, options?: WriteOptions): Promise<AppendResult> {
    plain(input.conversationId, 'conversationId');
    if (input.activityId !== undefined) plain(input.activityId, 'activityId');
    return this.engine.messages.appendMessage(withoutCards(input), options);
  }

  async appendMessageIf(input: NewMessage, expect: ConversationExpectation, options?: WriteOptions): Promise<AppendResult | null> {
    plain(input.conversationId, 'conversationId');
    if (input.activityId !== undefined) plain(input.activityId, 'activityId');
    validateExpectation(expect);
    return this.engine.messages.appendMessageIf(withoutCards(input), expect, options);
  }

  async listMessages(conversationId: string, page: MessagePage = {}): Promise<Message[]> {
    plain(conversationId, 'conversationId');
    const afterSeq = page.afterSeq === undefined ? 0 : plainNumber(page.afterSeq, 'afterSeq');
    return this.engine.messages.listMessages(conversationId, { afterSeq, limit: clampLimit(page.limit, MAX_PAGE, MAX_PAGE) });
  }

  async findMessageByActivity(conversationId: string, activityId: string): Promise<Message | null> {
    return this.engine.messages.findMessageByActivity(plain(conversationId, 'conversationId'), plain(activityId, 'activityId'));
  }

  async eraseMessages(conversationId: string): Promise<number> {
    return this.engine.messages.eraseMessages(plain(conversationId, 'conversationId'));
  }

  // ---- a bot turn's reads

  async readTurn(input: TurnRead): Promise<TurnSnapshot> {
    const key = identityKeyString(input.key);
    plain(input.channelId, 'channelId');
    plain(input.channelConversationId, 'channelConversationId');
    const stateKeys = input.stateKeys ?? [];
    stateKeys.forEach((k) => plain(k, 'key'));
    return this.engine.turns.readTurn(key, input.channelId, input.channelConversationId, stateKeys, input.staffNames === true);
  }
}

/**
 * PCI: every message enters the store here, whoever wrote it (customer, agent, bot, system), so a payment card number
 * is masked to its last four digits before either engine, the search words, a console push or an export sees it
 * (models/paymentCards.ts).
 */
function withoutCards(input: NewMessage): NewMessage {
  const masked = maskPaymentCards(input.text);
  return masked.cards ? { ...input, text: masked.text } : input;
}

/** A record's recentSentiment: at most RECENT_SENTIMENT_POINTS numbers. */
function recentScores(scores: unknown): number[] {
  if (!Array.isArray(scores) || scores.length > RECENT_SENTIMENT_POINTS)
    throw new AppError('STORE_INVALID_QUERY', `recentSentiment must be an array of at most ${RECENT_SENTIMENT_POINTS} numbers`);
  return scores.map((n) => plainNumber(n, 'recentSentiment'));
}
