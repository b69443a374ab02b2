/**
 * The records the system keeps. Plain data, no framework imports: both stores map to and
 * from these shapes, and every service speaks them.
 */

export type ContactType = 'email' | 'phone';

export interface ChannelIdentity {
  channelId: string;
  userId: string;
  /** True when the channel (or a signed website token) vouches for the identity. */
  verified: boolean;
  name?: string;
  addedAt: string;
}

export interface ContactPoint {
  type: ContactType;
  /** Emails lower-cased, phones in E.164. */
  value: string;
  verified: boolean;
  /** Where it came from: 'channel', 'signed_token', 'chat', 'agent', 'import'. */
  source: string;
  addedAt: string;
}

export type ConsentPurpose = 'service' | 'proactive' | 'marketing';

export interface ConsentEvent {
  purpose: ConsentPurpose;
  /** A channel id, or '*' for every channel. */
  channel: string;
  granted: boolean;
  at: string;
  /** Where it was given: a channel id, 'console', 'import'. */
  source: string;
  /** How: 'chat', 'agent', 'form', 'import'. */
  method: string;
  /**
   * The contact point a grant was given for (an e-mail, a phone in E.164), on channels reached at one (e-mail, SMS,
   * WhatsApp by phone): it counts for that address only (profile/consentAddress.ts). Absent on withdrawals, on grants
   * for a chat or channel identity, and on grants recorded before it was kept (those keep their old meaning).
   */
  address?: string;
}

export interface SentimentPoint {
  at: string;
  /** -1 (very negative) to 1 (very positive). */
  score: number;
  conversationId?: string;
}

/** A customer's sentiment history keeps its newest this many points (the store's, apart from the record: listSentiment). */
export const SENTIMENT_HISTORY_POINTS = 200;
/** The record keeps the newest this many scores (Customer.recentSentiment): what the segment rules and the escalation trend read. */
export const RECENT_SENTIMENT_POINTS = 5;

export interface Customer {
  id: string;
  displayName?: string;
  identities: ChannelIdentity[];
  contacts: ContactPoint[];
  language?: string;
  timeZone?: string;
  preferences: Record<string, unknown>;
  /** Full history; the current state per purpose and channel is the latest event. */
  consent: ConsentEvent[];
  /**
   * The scores of the newest RECENT_SENTIMENT_POINTS points of the sentiment history, oldest first: all a bot turn
   * decides on (the escalation trend, the at_risk segment), written in the same compare-and-set as the record. The
   * history itself (up to SENTIMENT_HISTORY_POINTS points) lives apart, so the turn's read does not parse it
   * (store.listSentiment; schema 11).
   */
  recentSentiment: number[];
  engagement: { conversations: number; messages: number; lastContactAt?: string; score: number };
  reach: { followers: number; score: number; source?: string };
  lifetimeValue: number;
  segments: string[];
  tags: string[];
  attributes: Record<string, unknown>;
  /** Set when this profile was merged into another; lookups follow it. Null after an unmerge. */
  mergedInto?: string | null;
  /** Set when the customer's data was erased; nothing personal remains. */
  erasedAt?: string;
  firstSeenAt: string;
  lastSeenAt: string;
  version: number;
}

export type NewCustomer = Partial<Omit<Customer, 'id' | 'version'>> & { id?: string };

/** Fields a caller may change; id and version are the store's. */
export type CustomerPatch = Partial<Omit<Customer, 'id' | 'version' | 'firstSeenAt'>>;

/** The Bot Framework conversation reference needed to write back (botbuilder's ConversationReference shape). */
export interface ChannelReference {
  channelId: string;
  serviceUrl: string;
  conversation: { id: string; isGroup?: boolean; conversationType?: string; tenantId?: string; name?: string };
  user?: { id: string; name?: string; role?: string };
  bot?: { id: string; name?: string; role?: string };
  locale?: string;
  activityId?: string;
}

/** Closed set; the transition rules live in handoff/handoffStatus.ts. */
export type ConversationState = 'bot' | 'queued' | 'agent' | 'external' | 'closed';

export interface Conversation {
  id: string;
  channelId: string;
  /** The channel's own conversation id; unique together with channelId. */
  channelConversationId: string;
  reference: ChannelReference;
  customerId: string;
  state: ConversationState;
  agentId: string | null;
  priority: number;
  skill?: string;
  language?: string;
  tags: string[];
  handoffReason?: string;
  queuedAt?: string;
  assignedAt?: string;
  firstAgentReplyAt?: string;
  /**
   * When a person first held the chat, and when the customer had asked for one then: the wait and the handling are
   * measured from these, not from the last transfer or return to the queue (queuedAt, assignedAt). Set by the store
   * (patchConversation) in the same compare-and-set as the first assignment; absent on records from before review 21.
   */
  firstAssignedAt?: string;
  firstQueuedAt?: string;
  /**
   * When an agent last answered, and when the customer was last told their message reached the holder (the
   * agentStillThere notice): a customer's message on a held chat reads these instead of the transcript. Absent on
   * chats from before they were kept; the transcript settles it then (handoffMessaging.ts customerWroteToAgent).
   */
  lastAgentReplyAt?: string;
  holdingNoticeAt?: string;
  closedAt?: string;
  satisfaction?: { score: number; comment?: string; at: string };
  /**
   * Routing state while queued: who was offered the chat, the standing offer's time (absent once declined or lapsed),
   * when each agent last passed on it (declined, or let the offer lapse: the cool-down), what the customer was last told.
   */
  queueInfo?: {
    offeredTo: string[];
    offeredAt?: string;
    passedAt?: Record<string, string>;
    /**
     * Whether the customer is still there (handoff/customerAway.ts): `seenAt` when they last wrote or opened a web chat
     * stream, `watching` while a stream is open, `leftAt` when the last one closed, `awaySince` when the chat was
     * marked gone (it then counts ahead of nobody until they come back).
     */
    seenAt?: string;
    watching?: boolean;
    leftAt?: string;
    awaySince?: string;
    /** When an agent who had accepted the chat let it go (offline, away): it is served ahead of chats never taken. */
    returnedAt?: string;
    /** Problems reported while queued that raised its priority (handoff markUrgent), each once in this stint. */
    urgent?: string[];
    /**
     * What the customer was last told (handoff/queueEstimate.ts: later figures keep to it): `at` when (absent on
     * notices from before it was recorded), `waitHigh` the top of the range said, `capacity` the places agents online
     * had then (fewer later is a reason to tell a longer wait), `late` when it said the wait told before had run out.
     */
    lastNotice?: { position: number; waitSeconds: number; waitHigh?: number; capacity?: number; at?: string; late?: boolean };
  };
  /** Every agent who has held the conversation, in order; kept by the store whenever agentId is set. */
  handledBy?: string[];
  /** Highest sequence number handed out for this conversation. */
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type NewConversation = Pick<Conversation, 'channelId' | 'channelConversationId' | 'reference' | 'customerId'> &
  Partial<Pick<Conversation, 'state' | 'priority' | 'skill' | 'language' | 'tags'>> & { id?: string };

/**
 * Fields a caller may change with updateConversation. State and owner are not among them: they change only through
 * handoff's transition() (handoff/handoffStatus.ts), which checks the transition table, records and emits.
 */
export type ConversationPatch = Partial<
  Omit<
    Conversation,
    | 'id'
    | 'channelId'
    | 'channelConversationId'
    | 'customerId'
    | 'createdAt'
    | 'version'
    | 'lastSeq'
    | 'handledBy'
    | 'state'
    | 'agentId'
    | 'firstAssignedAt'
    | 'firstQueuedAt'
  >
>;

/** Fields written once: a write that sets one expects it absent (ConversationExpectation.absent), so the first stays. */
export type SetOnceField = 'firstAgentReplyAt';
export const SET_ONCE_FIELDS: readonly SetOnceField[] = ['firstAgentReplyAt'];

/** Compare-and-set expectations; every given field must match for the update to apply. */
export interface ConversationExpectation {
  states?: readonly ConversationState[];
  agentId?: string | null;
  version?: number;
  /** These fields must not be set yet (a set-once write: two concurrent first replies, the first one stays). */
  absent?: readonly SetOnceField[];
}

/** The intent of a customer message the recognizer did not understand (out of scope). */
export const UNRECOGNIZED_INTENT = 'none';

export type AuthorRole = 'customer' | 'bot' | 'agent' | 'system';
/** 'message' is visible to the customer; 'note' and 'whisper' are internal; 'event' records a state change. */
export type MessageKind = 'message' | 'note' | 'whisper' | 'event';

export interface AttachmentMeta {
  contentType: string;
  name?: string;
  /** A channel's own link (stored as a reference, fetched through the service), or `crm-attachment:<id>` for a file we keep. */
  contentUrl?: string;
  size?: number;
}

/** The contentUrl of an attachment whose bytes the store keeps (AttachmentRecord.id); never a fetchable address. */
export const STORED_ATTACHMENT_PREFIX = 'crm-attachment:';

export function storedAttachmentId(a: Pick<AttachmentMeta, 'contentUrl'>): string | undefined {
  const url = a.contentUrl;
  if (typeof url !== 'string' || !url.startsWith(STORED_ATTACHMENT_PREFIX)) return undefined;
  const id = url.slice(STORED_ATTACHMENT_PREFIX.length);
  return /^[A-Za-z0-9_-]{8,64}$/.test(id) ? id : undefined;
}

/** The types we accept, as detected from a file's first bytes (never from its name or declared type). */
export type AttachmentType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'application/pdf' | 'text/plain';

/** A file the store keeps (uploaded by a customer in the web chat, or sent by an agent). Its bytes are kept apart. */
export interface AttachmentRecord {
  id: string;
  conversationId: string;
  /** The message that carries it (seq within its conversation), once stored. */
  messageSeq?: number;
  /** The carrying message's activity id (web chat clientActivityID, or agent:<id>:<client id>). */
  activityId?: string;
  /** Sanitized: no path parts, no control characters, at most 200 characters. */
  name: string;
  contentType: AttachmentType;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  uploader: { role: 'customer' | 'agent'; id: string };
  createdAt: string;
}

export interface Message {
  id: string;
  conversationId: string;
  /** 1, 2, 3… per conversation, no gaps. */
  seq: number;
  role: AuthorRole;
  kind: MessageKind;
  authorId?: string;
  text: string;
  attachments: AttachmentMeta[];
  intent?: string;
  score?: number;
  sentiment?: number;
  language?: string;
  /** The channel activity id; a retried activity with the same id is stored once. */
  activityId?: string;
  /** For kind 'event': what changed. */
  data?: Record<string, unknown>;
  createdAt: string;
}

export type NewMessage = Omit<Message, 'id' | 'seq' | 'createdAt' | 'attachments' | 'kind'> & Partial<Pick<Message, 'attachments' | 'kind' | 'createdAt'>>;

export type UserRole = 'agent' | 'supervisor' | 'admin';
export type Presence = 'online' | 'away' | 'offline';

export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  skills: string[];
  languages: string[];
  /** Maximum concurrent chats. */
  capacity: number;
  presence: Presence;
  passwordHash: string;
  /** Set by `users disable`: no sign-in, no session, no socket until enabled again. */
  disabled?: boolean;
  /** Sessions created at or before this instant are void (a password or role change, a disable). */
  sessionsNotBefore?: string;
  createdAt: string;
  updatedAt: string;
}

/** What a staff account shows of itself to clients (sign-in, /api/auth/me): named field by field, so a field added to User stays private until it is listed here. */
export const PUBLIC_USER_FIELDS = ['id', 'email', 'name', 'role', 'skills', 'languages', 'capacity', 'presence'] as const;
export type PublicUser = Pick<User, (typeof PUBLIC_USER_FIELDS)[number]>;

export function publicUser(u: User): PublicUser {
  return Object.fromEntries(PUBLIC_USER_FIELDS.map((k) => [k, u[k]])) as PublicUser;
}

/** A new session: its bearer token, the account's public view, and when it ends. */
export interface SignedIn {
  token: string;
  user: PublicUser;
  expiresAt: string;
}

export type NewUser = Omit<User, 'id' | 'createdAt' | 'updatedAt' | 'presence'> & { id?: string; presence?: Presence };
export type UserPatch = Partial<Omit<User, 'id' | 'createdAt' | 'updatedAt' | 'email'>>;

export interface Session {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorId?: string;
  action: string;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
}

export interface StateEntry {
  value: Record<string, unknown>;
  etag: string;
}

/** Two profiles that may be one person, for a person to confirm or reject (raised by a contact typed in chat). */
export interface MergeSuggestion {
  id: string;
  customerId: string;
  candidateId: string;
  /** 0–1: how likely the two profiles are one person. */
  score: number;
  evidence: string[];
  status: 'open' | 'confirmed' | 'rejected';
  createdAt: string;
}

/** A merge, with both profiles as they were before it, so an unmerge restores them exactly. */
export interface MergeRecord {
  id: string;
  absorbed: Customer;
  survivor: Customer;
  /** Both sentiment histories as they were before the merge (kept apart from the records since schema 11); an undo restores them. */
  sentiment?: { absorbed: SentimentPoint[]; survivor: SentimentPoint[] };
  movedConversations: string[];
  at: string;
  undone?: string;
}

/** One merge into a customer as the console's sidebar lists it. `erased`: a side was erased since, so it cannot be undone (no name then). */
export interface MergeView {
  mergeId: string;
  at: string;
  absorbedId: string;
  absorbedName?: string;
  undone?: string;
  erased?: true;
}

/** An utterance added to the NLU corpus from the dashboard's not-understood list. */
export interface CorpusAddition {
  text: string;
  /** An intent of the corpus, or UNRECOGNIZED_INTENT for an out-of-scope example. */
  intent: string;
  language: string;
  by: string;
  at: string;
  /** The conversation the utterance was taken from, when known: erasing its customer removes the addition. */
  conversationId?: string;
}

/** The segment rules supervisors set (validated by profile/segments.ts; opaque to the store). */
export interface SegmentRuleSet {
  rules: Record<string, unknown>[];
  updatedAt: string;
}

/** A conversation as supervisors review it (review/reviewService.ts assembles it). */
export interface Transcript {
  conversation: Conversation;
  customer: { id: string; displayName?: string; language?: string; segments: string[] } | null;
  /** Every message, note, whisper and state change, in order. */
  messages: Message[];
  /** Names of the staff who appear in the transcript, by id. */
  staff: Record<string, string>;
}
