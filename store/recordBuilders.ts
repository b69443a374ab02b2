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
    sentiment: input.sentiment ?? [],
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

export function buildMessage(input: NewMessage, seq: number): Message {
  const m: Message = {
    id: randomUUID(),
    conversationId: input.conversationId,
    seq,
    role: input.role,
    kind: input.kind ?? 'message',
    authorId: input.authorId,
    text: typeof input.text === 'string' ? input.text : '',
    attachments: input.attachments ?? [],
    intent: input.intent,
    score: input.score,
    sentiment: input.sentiment,
    language: input.language,
    activityId: input.activityId,
    data: input.data,
    createdAt: input.createdAt ?? new Date().toISOString(),
  };
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as unknown as Message;
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
