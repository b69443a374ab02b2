import { z } from 'zod';
import type { ErrorCode } from '../../core/errors';
import { hasVisibleText } from '../../core/visibleText';
import type { Conversation, Customer, Message, Presence, SentimentPoint } from '../../models/records';

/**
 * The agent console's Socket.IO protocol, typed once. agent-console/PROTOCOL.md documents it.
 * Client → server events carry a payload validated by the schema of the same name, and an ack callback.
 */
const id = z.string().min(1).max(200);
// Something to read: only spaces, line breaks or invisible characters would reach the customer as an empty bubble.
// Bounded by MAX_MESSAGE_CHARS in socketGuards (characters, textLength); this only caps what is parsed at all.
const text = z.string().max(40_000).refine(hasVisibleText, 'text is empty (nothing visible)');

export const ClientSchemas = {
  'presence:set': z.object({ presence: z.enum(['online', 'away', 'offline']) }).strict(),
  'queue:list': z.object({}).strict(),
  'conversation:claim': z.object({ conversationId: id }).strict(),
  'conversation:join': z.object({ conversationId: id, afterSeq: z.number().int().min(0).optional() }).strict(),
  'conversation:leave': z.object({ conversationId: id }).strict(),
  'conversation:transfer': z
    .object({ conversationId: id, toAgentId: id.optional(), skill: z.string().min(1).max(100).optional(), note: z.string().max(2000).optional() })
    .strict()
    .refine((v) => !!v.toAgentId !== !!v.skill, 'give exactly one of toAgentId or skill'),
  'conversation:return': z.object({ conversationId: id }).strict(),
  'conversation:close': z.object({ conversationId: id }).strict(),
  'conversation:takeover': z.object({ conversationId: id }).strict(),
  'message:send': z.object({ conversationId: id, text, clientMessageId: z.string().min(1).max(100) }).strict(),
  'note:add': z.object({ conversationId: id, text, whisper: z.boolean().optional() }).strict(),
  'typing:start': z.object({ conversationId: id }).strict(),
  sync: z.object({ cursors: z.record(id, z.number().int().min(0)).refine((c) => Object.keys(c).length <= 500, 'at most 500 cursors') }).strict(),
  'agents:list': z.object({}).strict(),
  'customer:consent': z
    .object({
      customerId: id,
      purpose: z.enum(['service', 'proactive', 'marketing']),
      // A channel id ("email", "msteams", "twilio-sms") or "*": "<b>x</b>" was once answered "no address for <b>x</b>".
      channel: z.string().regex(/^(?:\*|[A-Za-z0-9][A-Za-z0-9._-]{0,39})$/, 'a channel id (letters, digits, ".", "_", "-") or "*"'),
      granted: z.boolean(),
    })
    .strict(),
  'customer:update': z
    .object({ customerId: id, tags: z.array(z.string().trim().min(1).max(40)).max(50).optional(), addNote: z.string().trim().min(1).max(2000).optional() })
    .strict()
    .refine((v) => v.tags !== undefined || v.addNote !== undefined, 'give tags or addNote'),
} as const;

export type ClientEventName = keyof typeof ClientSchemas;
export type ClientPayload<K extends ClientEventName> = z.infer<(typeof ClientSchemas)[K]>;

export type Ack<T> = (res: { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } }) => void;

export interface ConversationView extends Conversation {
  customerName?: string;
  waitingSeconds?: number;
}

/**
 * The queue as numbered by the server's queue feed (queueFeed.ts): `epoch` names the feed (one per server process),
 * `seq` counts its deltas. A console applies delta `seq + 1` of the epoch it holds and asks `queue:list` again
 * for anything else (a gap: a delta lost, or another epoch: a restarted server or another instance).
 */
export interface QueueSnapshot {
  epoch: string;
  seq: number;
  queue: ConversationView[];
}

/**
 * A queued chat's change as its fields' new values (a re-offer is its queue info, version and time, not the whole
 * chat): applies to the entry at version `from` only; `unset` names fields it no longer has. A console holding
 * another version than `from` (and older than the patch) fetches the whole queue.
 */
export interface QueueEntryPatch {
  id: string;
  from: number;
  set: Partial<ConversationView>;
  unset?: (keyof ConversationView)[];
}

/**
 * Why a chat left the queue, when the server knows: an agent took it (`claimed`), a supervisor took it over or
 * reassigned it, the customer no longer wanted a person (`withdrawn`, back to the bot), it was closed, or the
 * customer's data was erased (`erased`: an admin's privacy erasure ends their open chats).
 */
export type QueueLeaveReason = 'claimed' | 'taken_over' | 'reassigned' | 'withdrawn' | 'closed' | 'erased';

/**
 * One change of the queue: entries that came (whole), patches of entries that changed, ids that left (with why, in
 * `reasons`, for those whose change this server saw or was told of); `order` only when it is not "what stayed, then
 * what came".
 */
export interface QueueDelta {
  epoch: string;
  seq: number;
  added: ConversationView[];
  changed: QueueEntryPatch[];
  removed: string[];
  reasons?: Record<string, QueueLeaveReason>;
  order?: string[];
}

export interface AgentView {
  id: string;
  name: string;
  role: string;
  presence: Presence;
  skills: string[];
  languages: string[];
  capacity: number;
  activeChats: number;
  /** When the agent last answered a customer; absent when not since the server started. */
  lastReplyAt?: string;
}

export interface ClientToServerEvents {
  'presence:set': (p: ClientPayload<'presence:set'>, ack: Ack<{ presence: Presence }>) => void;
  'queue:list': (p: ClientPayload<'queue:list'>, ack: Ack<QueueSnapshot & { mine: ConversationView[] }>) => void;
  'conversation:claim': (p: ClientPayload<'conversation:claim'>, ack: Ack<{ conversation: ConversationView }>) => void;
  'conversation:join': (
    p: ClientPayload<'conversation:join'>,
    ack: Ack<{
      conversation: ConversationView;
      messages: Message[];
      customer: Customer;
      /** The customer's newest sentiment points, oldest first (the profile's chart; kept apart from the record). */
      sentiment: SentimentPoint[];
      history: { conversation: Conversation; messages: Message[] }[];
    }>,
  ) => void;
  'conversation:leave': (p: ClientPayload<'conversation:leave'>, ack: Ack<Record<string, never>>) => void;
  'conversation:transfer': (p: ClientPayload<'conversation:transfer'>, ack: Ack<{ conversation: ConversationView }>) => void;
  'conversation:return': (p: ClientPayload<'conversation:return'>, ack: Ack<{ conversation: ConversationView }>) => void;
  'conversation:close': (p: ClientPayload<'conversation:close'>, ack: Ack<{ conversation: ConversationView }>) => void;
  'conversation:takeover': (p: ClientPayload<'conversation:takeover'>, ack: Ack<{ conversation: ConversationView }>) => void;
  'message:send': (p: ClientPayload<'message:send'>, ack: Ack<{ message: Message }>) => void;
  'note:add': (p: ClientPayload<'note:add'>, ack: Ack<{ message: Message }>) => void;
  'typing:start': (p: ClientPayload<'typing:start'>, ack: Ack<Record<string, never>>) => void;
  sync: (p: ClientPayload<'sync'>, ack: Ack<{ messages: Message[] }>) => void;
  'agents:list': (p: ClientPayload<'agents:list'>, ack: Ack<{ agents: AgentView[] }>) => void;
  'customer:update': (p: ClientPayload<'customer:update'>, ack: Ack<{ customer: Customer }>) => void;
  /** A withdrawal is recorded at once; a grant asks the customer (asked: true) and changes consent only on their yes. */
  'customer:consent': (p: ClientPayload<'customer:consent'>, ack: Ack<{ customer: Customer; asked?: boolean }>) => void;
}

export interface ServerToClientEvents {
  /** What changed in the queue (coalesced), numbered: a console that misses one asks queue:list for the whole queue. */
  'queue:changed': (p: QueueDelta) => void;
  /** A conversation this agent now owns (claimed, offered and taken, or transferred to them). */
  'conversation:assigned': (p: { conversation: ConversationView }) => void;
  /** A conversation this agent no longer owns (transferred away, returned, closed, taken over, its customer erased, back to the queue as they went offline). */
  /** `takenOverBy`: the supervisor who took the chat (taken_over only): the released agent no longer sees its events. */
  /**
   * `reassignedBy`: the supervisor who moved the chat to someone else, and where to: `reassignedTo` (an agent) or
   * `reassignedToSkill` (back to the queue for that group) (reassigned only): the console says so in its notice line,
   * since a chat that is not open would otherwise just vanish from Mine.
   */
  'conversation:released': (p: {
    conversationId: string;
    reason: 'transferred' | 'returned' | 'closed' | 'taken_over' | 'reassigned' | 'erased' | 'requeued' | 'offline';
    takenOverBy?: string;
    reassignedBy?: string;
    reassignedTo?: string;
    reassignedToSkill?: string;
  }) => void;
  'conversation:offered': (p: { conversation: ConversationView }) => void;
  /** Every stored message of a conversation the socket may see; `message.seq` orders and dedupes them. */
  'message:new': (p: { conversationId: string; message: Message }) => void;
  /** `userId`: who is typing (from 'agent'); `internal`: a note or whisper, which the customer never sees. */
  typing: (p: { conversationId: string; from: 'customer' | 'agent'; userId?: string; internal?: boolean }) => void;
  'agents:updated': (p: { agents: AgentView[] }) => void;
  'session:ended': (p: { code: ErrorCode }) => void;
  /** The server is shutting down (SIGTERM); a server disconnect follows. Reconnect: another instance answers. */
  'server:shutdown': (p: { code: 'SERVER_SHUTTING_DOWN' }) => void;
}

export interface SocketData {
  userId: string;
  sessionId: string;
  role: 'agent' | 'supervisor' | 'admin';
  /** The chat this socket shows now (liveGateway.ts chat:viewing): collision signals read it. */
  viewing?: string;
}
