import { AppError } from '../core/errors';
import { offeredChoices, type OfferedChoice } from '../models/offeredChoices';
import { UNRECOGNIZED_INTENT, type Conversation, type Message, type Transcript } from '../models/records';
import type {
  AuditStore,
  ConversationStats,
  ConversationStore,
  CustomerStore,
  MessageStore,
  ReviewQueries,
  SearchHit,
  StaffStore,
  StatsQuery,
  TranscriptFilter,
  TranscriptPage,
  TranscriptResults,
  TranscriptSummary,
} from '../store/store';
import { canSee, canWatch, isReviewer, type Actor } from './accessPolicy';
import { rankIndex, UNRECOGNIZED_EXCEPT_MAX } from '../store/storeTypes';
import { realRequests, type NotUnderstood } from './notUnderstood';

/** How many times the not-understood list is ranked again without the lines that were no real requests. */
const NOT_UNDERSTOOD_ROUNDS = 5;

/**
 * Chats of the range still waiting for a person (queued, never yet held), each measured from when it first asked to
 * now: beside times.waiting, which counts only chats a person took, so a long queue shows. Seconds.
 */
export interface StillWaiting {
  p50: number | null;
  p90: number | null;
  n: number;
  longest: number | null;
}

/** What GET /api/stats answers: the store's figures, the not-understood list judged by its transcripts. */
export type ReviewFigures = Omit<ConversationStats, 'unrecognized'> & { unrecognized: NotUnderstood[]; stillWaiting: StillWaiting };

/** At most this many waiting chats are measured (the queue's own views read as many). */
const STILL_WAITING_MAX = 10_000;
import { csvCell, csvLine } from '../core/csv';
import { attachmentLine } from '../models/attachmentContent';

export { canSee, type Actor } from './accessPolicy';

// One module the browser may read too (models/records.ts); the assembly of it lives here.
export type { Transcript };

export type ExportFormat = 'csv' | 'json';

const EXPORT_PAGE = 100;
export const CSV_COLUMNS = [
  'conversation_id',
  'channel',
  'customer_id',
  'customer_name',
  'state',
  'handoff_reason',
  'rating',
  'tags',
  'conversation_started_at',
  'seq',
  'at',
  'role',
  'kind',
  'author_id',
  'text',
  'intent',
  'sentiment',
  // A bot message's buttons, in order, " | " between them, and the one the customer's next message picked (the
  // button pressed or its label typed; models/offeredChoices.ts). Empty on other lines and on messages stored before
  // buttons were kept with them.
  'choices',
  'picked',
] as const;

/** CSV cells and lines, with formula neutralization: core/csv.ts. */
export { csvCell, csvLine };

/**
 * Transcript review for supervisors: search with filters, one transcript with everything that happened,
 * tags and annotations, streamed exports, and the dashboard figures. Every view and export is audited.
 * No transport here: routes hand in an Actor and get records or text chunks back.
 */
export class ReviewService {
  constructor(private readonly store: ReviewQueries & ConversationStore & MessageStore & CustomerStore & StaffStore & AuditStore) {}

  async search(filter: TranscriptFilter, page: TranscriptPage, actor: Actor): Promise<TranscriptResults> {
    const result = await this.store.searchTranscripts(filter, page);
    await this.store.appendAudit({ actorId: actor.id, action: 'transcript.search', data: { filters: Object.keys(filter), results: result.items.length } });
    return result;
  }

  /** The same NOT_FOUND for a conversation that does not exist and one the actor may not see. */
  /** Full-text search over message texts (GET /api/transcripts/search): audited with the query's length, never its words. */
  async searchMessages(query: string, limit: number, actor: Actor): Promise<SearchHit[]> {
    await this.store.appendAudit({ actorId: actor.id, action: 'transcript.search', data: { length: query.length } });
    return this.store.searchMessages(query, limit);
  }

  private async visible(id: string, actor: Actor): Promise<Conversation> {
    const c = await this.store.getConversation(id);
    if (!c || !canSee(actor, c)) throw new AppError('NOT_FOUND', 'no such conversation');
    return c;
  }

  /** Reviewers' reads of chats they do not hold are audited, whatever the door (REST, console open, sync, history). */
  private async auditRead(actor: Actor, c: Conversation, data: Record<string, unknown>): Promise<void> {
    if (isReviewer(actor) && c.agentId !== actor.id) {
      await this.store.appendAudit({ actorId: actor.id, action: 'transcript.view', targetType: 'conversation', targetId: c.id, data });
    }
  }

  /** The live rule, with the same HANDOFF_NOT_FOUND for a chat that does not exist and one the actor may not watch. */
  async watchable(id: string, actor: Actor): Promise<Conversation> {
    const c = await this.store.getConversation(id);
    if (!c || !canWatch(actor, c)) throw new AppError('HANDOFF_NOT_FOUND');
    return c;
  }

  /**
   * A live chat as the console opens it: its messages after `afterSeq`, and the customer's last five other chats
   * (the agent serving a customer sees their history). Every chat shown to a reviewer is an audited read.
   */
  async openLive(
    id: string,
    actor: Actor,
    afterSeq = 0,
  ): Promise<{ conversation: Conversation; messages: Message[]; history: { conversation: Conversation; messages: Message[] }[] }> {
    const conversation = await this.watchable(id, actor);
    await this.auditRead(actor, conversation, { via: 'console', live: conversation.state === 'agent' });
    const [messages, past] = await Promise.all([
      this.store.listMessages(conversation.id, { afterSeq }),
      this.store.listConversations({ customerId: conversation.customerId, limit: 20 }),
    ]);
    const history = [];
    for (const x of past.filter((p) => p.id !== conversation.id).slice(-5)) {
      await this.auditRead(actor, x, { via: 'history', of: conversation.id });
      history.push({ conversation: x, messages: await this.store.listMessages(x.id, { limit: 200 }) });
    }
    return { conversation, messages, history };
  }

  /**
   * What a console missed while disconnected: every message after each cursor, of the chats the actor may watch
   * (others are skipped, as if they did not exist). A reviewer's read of messages of a chat they do not hold is
   * audited. Returns the chats read, so the console can follow them live.
   */
  async syncLive(cursors: Record<string, number>, actor: Actor): Promise<{ conversations: Conversation[]; messages: Message[] }> {
    const conversations: Conversation[] = [];
    const messages: Message[] = [];
    for (const [conversationId, afterSeq] of Object.entries(cursors)) {
      const c = await this.store.getConversation(conversationId);
      if (!c || !canWatch(actor, c)) continue;
      const page = await this.store.listMessages(c.id, { afterSeq });
      if (page.length) await this.auditRead(actor, c, { via: 'sync', afterSeq, messages: page.length });
      conversations.push(c);
      messages.push(...page);
    }
    return { conversations, messages };
  }

  async transcript(id: string, actor: Actor): Promise<Transcript> {
    const conversation = await this.visible(id, actor);
    const messages: Message[] = [];
    for (let after = 0; ;) {
      const page = await this.store.listMessages(id, { afterSeq: after });
      messages.push(...page);
      if (page.length === 0 || page[page.length - 1].seq >= conversation.lastSeq) break;
      after = page[page.length - 1].seq;
    }
    const customer = await this.store.getCustomer(conversation.customerId);
    const staffIds = new Set<string>([...(conversation.handledBy ?? []), ...messages.filter((m) => m.role === 'agent' && m.authorId).map((m) => m.authorId!)]);
    const staff: Record<string, string> = {};
    for (const sid of staffIds) {
      const u = await this.store.getUser(sid);
      if (u) staff[sid] = u.name;
    }
    await this.store.appendAudit({ actorId: actor.id, action: 'transcript.view', targetType: 'conversation', targetId: id });
    return {
      conversation,
      customer:
        customer && !customer.erasedAt
          ? { id: customer.id, displayName: customer.displayName, language: customer.language, segments: customer.segments }
          : null,
      messages,
      staff,
    };
  }

  async setTags(id: string, tags: string[], actor: Actor): Promise<Conversation> {
    const c = await this.visible(id, actor);
    const next = await this.store.updateConversation(c.id, { tags: [...new Set(tags)] });
    if (!next) throw new AppError('NOT_FOUND', 'no such conversation');
    await this.store.appendAudit({ actorId: actor.id, action: 'transcript.tag', targetType: 'conversation', targetId: id, data: { tags: next.tags } });
    return next;
  }

  /** A reviewer's annotation: an internal note in the transcript, never sent to the customer. */
  async annotate(id: string, text: string, actor: Actor): Promise<Message> {
    const c = await this.visible(id, actor);
    const { message } = await this.store.appendMessage({
      conversationId: c.id,
      role: 'agent',
      kind: 'note',
      authorId: actor.id,
      text,
      data: { annotation: true },
    });
    await this.store.appendAudit({ actorId: actor.id, action: 'transcript.annotate', targetType: 'conversation', targetId: id, data: { seq: message.seq } });
    return message;
  }

  /**
   * The dashboard's figures. The not-understood list keeps only customers' own requests (not answers to the bot's
   * questions, not survey comments), each with its detected language (review/notUnderstood.ts).
   */
  async figures(q: StatsQuery): Promise<ReviewFigures> {
    // The store ranks the lines; whether one is a real request is read in its transcript. Lines that are not are
    // left out of the store's ranking and it is asked again, so the list has its full length whenever that many real
    // requests exist (it once cut first and filtered after, and came back short).
    const left: { text: string; count: number }[] = [];
    const messages = new Map<string, Message[]>();
    let stats = await this.store.conversationStats(q);
    let unrecognized: NotUnderstood[] = [];
    for (let round = 0; ; round++) {
      // Each transcript read once, whatever the round that needs it.
      const ids = [...new Set(stats.unrecognized.map((u) => u.conversationId))];
      const unread = ids.filter((id) => !messages.has(id));
      for (const id of unread) messages.set(id, []);
      for (const m of unread.length ? await this.store.listMessagesOf(unread) : []) messages.get(m.conversationId)?.push(m);
      unrecognized = realRequests(
        stats.unrecognized,
        ids.flatMap((id) => messages.get(id) ?? []),
      );
      const kept = new Set(unrecognized.map((u) => `${u.conversationId}\u0000${u.text}`));
      const answers = stats.unrecognized.filter((u) => !kept.has(`${u.conversationId}\u0000${u.text}`));
      left.push(...answers);
      if (answers.length === 0 || round === NOT_UNDERSTOOD_ROUNDS || left.length > UNRECOGNIZED_EXCEPT_MAX) break;
      stats = await this.store.conversationStats({ ...q, unrecognizedExcept: left.map((u) => u.text) });
    }
    // The intents chart's "none" bar counts what the list counts: answers to the bot's questions ("4" to the survey,
    // an e-mail asked for) left out of one are left out of the other (review 21: the two disagreed).
    const answers = left.reduce((n, u) => n + u.count, 0);
    const intents = stats.intents
      .map((i) => (i.intent === UNRECOGNIZED_INTENT ? { ...i, count: i.count - answers } : i))
      .filter((i) => i.count > 0)
      .sort((a, b) => b.count - a.count || (a.intent < b.intent ? -1 : a.intent > b.intent ? 1 : 0));
    return { ...stats, intents, unrecognized, stillWaiting: await this.stillWaiting(q) };
  }

  /** The range's chats still in the queue, measured to now (nearest-rank percentiles, as the store's figures). */
  private async stillWaiting(q: StatsQuery, now = Date.now()): Promise<StillWaiting> {
    const queued = await this.store.listConversations({ states: ['queued'], limit: STILL_WAITING_MAX });
    const waits = queued
      // Never held yet: a chat back in the queue after a person held it is in times.waiting already.
      .filter((c) => !c.firstAssignedAt && c.createdAt >= q.from && c.createdAt < q.to && (q.channelId === undefined || c.channelId === q.channelId))
      .map((c) => c.queuedAt)
      .filter((at): at is string => !!at)
      .map((at) => Math.max(0, Math.round((now - Date.parse(at)) / 1000)))
      .sort((a, b) => a - b);
    const at = (p: number) => (waits.length ? waits[rankIndex(waits.length, p)] : null);
    return { p50: at(0.5), p90: at(0.9), n: waits.length, longest: waits.at(-1) ?? null };
  }

  /**
   * The filtered set as text chunks, one store page (EXPORT_PAGE conversations and their messages) at a time:
   * memory stays flat however large the export. CSV has one line per message; JSON is one object with a
   * `conversations` array, each with its messages.
   */
  async *export(filter: TranscriptFilter, format: ExportFormat, actor: Actor): AsyncGenerator<string> {
    await this.store.appendAudit({ actorId: actor.id, action: 'transcript.export', data: { format, filters: Object.keys(filter) } });
    // The header goes out with the first page, so a store that fails at once fails before anything is sent.
    let pending =
      format === 'csv'
        ? csvLine([...CSV_COLUMNS])
        : `{"exportedAt":${JSON.stringify(new Date().toISOString())},"filter":${JSON.stringify(filter)},"conversations":[`;
    let first = true;
    let cursor: string | undefined;
    do {
      const page = await this.store.searchTranscripts(filter, { limit: EXPORT_PAGE, cursor });
      cursor = page.nextCursor ?? undefined;
      if (page.items.length === 0) break;
      const messages = await this.store.listMessagesOf(page.items.map((i) => i.conversation.id));
      const byConversation = new Map<string, Message[]>();
      for (const m of messages) {
        const list = byConversation.get(m.conversationId);
        if (list) list.push(m);
        else byConversation.set(m.conversationId, [m]);
      }
      const chunk: string[] = [pending];
      pending = '';
      for (const item of page.items) {
        const msgs = byConversation.get(item.conversation.id) ?? [];
        const offered = offeredChoices(msgs);
        if (format === 'csv') for (const m of msgs) chunk.push(csvLine(csvRow(item, m, offered.get(m.seq))));
        else {
          chunk.push(`${first ? '' : ','}${JSON.stringify(exportedConversation(item, msgs, offered))}`);
          first = false;
        }
      }
      yield chunk.join('');
    } while (cursor);
    if (pending) yield pending;
    if (format === 'json') yield ']}';
  }
}

function csvRow(item: TranscriptSummary, m: Message, choices: OfferedChoice[] | undefined): unknown[] {
  const c = item.conversation;
  const files = (m.attachments ?? []).map(attachmentLine);
  const text = m.kind === 'event' ? JSON.stringify(m.data ?? {}) : [m.text, ...files].filter(Boolean).join('\n');
  return [
    c.id,
    c.channelId,
    c.customerId,
    item.customerName,
    c.state,
    c.handoffReason,
    c.satisfaction?.score,
    c.tags.join(' '),
    c.createdAt,
    m.seq,
    m.createdAt,
    m.role,
    m.kind,
    m.authorId,
    text,
    m.intent,
    m.sentiment,
    choices?.map((c) => c.title).join(' | '),
    choices?.find((c) => c.picked)?.title,
  ];
}

/** A conversation as the JSON export writes it: a bot message that offered buttons carries them as `choices`, the picked one marked. */
function exportedConversation(item: TranscriptSummary, messages: Message[], offered: Map<number, OfferedChoice[]>) {
  const { reference: _reference, queueInfo: _queueInfo, ...conversation } = item.conversation;
  const withChoices = messages.map((m) => {
    const choices = offered.get(m.seq);
    return choices ? { ...m, choices } : m;
  });
  return { ...conversation, customerName: item.customerName, averageSentiment: item.sentiment, messages: withChoices };
}
