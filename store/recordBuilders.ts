import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors';
import type {
  Conversation,
  ConversationPatch,
  Customer,
  CustomerPatch,
  Message,
  NewConversation,
  NewCustomer,
  NewMessage,
  NewUser,
  User,
} from '../models/records';
import { normalizeEmail, normalizePhone, plain } from './storeGuards';

/** Defaults and normalization shared by both stores, so they build identical records. */

export function buildCustomer(input: NewCustomer): Customer {
  const now = new Date().toISOString();
  return normalizeCustomer({
    id: input.id ?? randomUUID(),
    displayName: input.displayName,
    identities: input.identities ?? [],
    contacts: input.contacts ?? [],
    language: input.language,
    timeZone: input.timeZone,
    preferences: input.preferences ?? {},
    consent: input.consent ?? [],
    recentSentiment: input.recentSentiment ?? [],
    engagement: input.engagement ?? { conversations: 0, messages: 0, score: 0 },
    reach: input.reach ?? { followers: 0, score: 0 },
    lifetimeValue: input.lifetimeValue ?? 0,
    segments: input.segments ?? [],
    tags: input.tags ?? [],
    attributes: input.attributes ?? {},
    mergedInto: input.mergedInto,
    firstSeenAt: input.firstSeenAt ?? now,
    lastSeenAt: input.lastSeenAt ?? now,
    version: 1,
  });
}

function normalizeCustomer(c: Customer): Customer {
  for (const i of c.identities) {
    plain(i.channelId, 'identity.channelId');
    plain(i.userId, 'identity.userId');
  }
  const seen = new Set<string>();
  const contacts = [];
  for (const p of c.contacts) {
    if (p.type !== 'email' && p.type !== 'phone') throw new AppError('STORE_INVALID_QUERY', 'contact type must be email or phone');
    const value = p.type === 'email' ? normalizeEmail(plain(p.value, 'contact.value')) : normalizePhone(plain(p.value, 'contact.value'));
    const key = `${p.type}:${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    contacts.push({ ...p, value });
  }
  return { ...c, contacts };
}

export function mergeCustomer(current: Customer, patch: CustomerPatch): Customer {
  const next = { ...current, ...stripUndefined(patch), id: current.id, firstSeenAt: current.firstSeenAt, version: current.version + 1 };
  return normalizeCustomer(next);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function buildConversation(input: NewConversation): Conversation {
  const now = new Date().toISOString();
  return {
    id: input.id ?? randomUUID(),
    channelId: input.channelId,
    channelConversationId: input.channelConversationId,
    reference: input.reference,
    customerId: input.customerId,
    state: input.state ?? 'bot',
    agentId: null,
    priority: input.priority ?? 0,
    skill: input.skill,
    language: input.language,
    tags: input.tags ?? [],
    lastSeq: 0,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

/** The next version of a conversation after a patch; both stores build it the same way. */
/** A patch the store itself applies: it may also move the state and owner (setConversationState, claimConversation). */
export type OwnerPatch = ConversationPatch & Partial<Pick<Conversation, 'state' | 'agentId'>>;

export function patchConversation(current: Conversation, patch: OwnerPatch): Conversation {
  const next: Conversation = { ...current, ...patch, version: current.version + 1, updatedAt: new Date().toISOString() };
  const handledBy = current.handledBy ?? [];
  if (next.agentId && !handledBy.includes(next.agentId)) next.handledBy = [...handledBy, next.agentId];
  // The first time a person holds the chat ends the customer's wait and starts its handling; later transfers,
  // reassignments and returns to the queue move assignedAt and queuedAt, never these (review 21).
  if (next.state === 'agent' && next.agentId && !current.firstAssignedAt) {
    next.firstAssignedAt = next.assignedAt ?? next.updatedAt;
    if (current.queuedAt) next.firstQueuedAt = current.queuedAt;
  }
  return next;
}

/** Indexed facts of a conversation for review filters and figures, derived from the record alone. */
export function conversationFacts(c: Conversation): {
  tags: string;
  handledBy: string;
  waitMs: number | null;
  firstResponseMs: number | null;
  handleMs: number | null;
} {
  // A span whose end is older than its start belongs to an earlier round (re-queued later): not a sample.
  const span = (from?: string, to?: string) => {
    const ms = from && to ? Date.parse(to) - Date.parse(from) : NaN;
    return ms >= 0 ? ms : null;
  };
  return {
    // Delimited on both sides so one instr() finds a whole tag.
    tags: c.tags.length ? `|${c.tags.join('|')}|` : '',
    handledBy: c.handledBy?.length ? `|${c.handledBy.join('|')}|` : '',
    // From the first assignment (records from before it was kept: the only times they have).
    waitMs: c.firstAssignedAt ? span(c.firstQueuedAt, c.firstAssignedAt) : span(c.queuedAt, c.assignedAt),
    firstResponseMs: span(c.firstAssignedAt ? c.firstQueuedAt : c.queuedAt, c.firstAgentReplyAt),
    handleMs: c.state === 'closed' ? span(c.firstAssignedAt ?? c.assignedAt, c.closedAt) : null,
  };
}

/**
 * A UUID of version 7 (RFC 9562): the first 48 bits are the Unix time in milliseconds, the rest (74 bits) random.
 * Ids made one after another sort together, so a store's index of message ids grows at its end instead of touching
 * a random page for every append (an extra page written, and cached, per message in a large history).
 */
export function timeOrderedId(now = Date.now()): string {
  const ms = now.toString(16).padStart(12, '0');
  // A v4 UUID's text from character 15 on: 12 random bits, the variant and 62 random bits.
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${randomUUID().slice(15)}`;
}

export function buildMessage(input: NewMessage, seq: number): Message {
  // Built field by field (absent ones left out) rather than filtered through Object.entries: this runs twice a turn.
  const m = {
    id: timeOrderedId(),
    conversationId: input.conversationId,
    seq,
    role: input.role,
    kind: input.kind ?? 'message',
  } as Message;
  if (input.authorId !== undefined) m.authorId = input.authorId;
  m.text = typeof input.text === 'string' ? input.text : '';
  m.attachments = input.attachments ?? [];
  if (input.intent !== undefined) m.intent = input.intent;
  if (input.score !== undefined) m.score = input.score;
  if (input.sentiment !== undefined) m.sentiment = input.sentiment;
  if (input.language !== undefined) m.language = input.language;
  if (input.activityId !== undefined) m.activityId = input.activityId;
  if (input.data !== undefined) m.data = input.data;
  m.createdAt = input.createdAt ?? new Date().toISOString();
  return m;
}

export function buildUser(input: NewUser): User {
  const now = new Date().toISOString();
  return {
    id: input.id ?? randomUUID(),
    email: normalizeEmail(plain(input.email, 'email')),
    name: input.name,
    role: input.role,
    skills: input.skills,
    languages: input.languages,
    capacity: input.capacity,
    presence: input.presence ?? 'offline',
    passwordHash: input.passwordHash,
    createdAt: now,
    updatedAt: now,
  };
}

/** What stays of a message after erasure: its place in the transcript, nothing personal or derived. */
export function erasedMessage(m: Message): Message {
  return {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    role: m.role,
    kind: m.kind,
    text: '',
    attachments: [],
    createdAt: m.createdAt,
    ...(m.kind === 'event' && m.data ? { data: { type: m.data.type, from: m.data.from, to: m.data.to } } : {}),
  };
}

/** The key of a pair of customers, the same whichever way round: at most one open merge suggestion per pair. */
export function suggestionPair(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** The uniqueness key of a corpus addition's text (compared case-insensitively, per language). */
export function corpusTextKey(text: string): string {
  return text.toLowerCase();
}
