import type { Conversation, UserRole } from '../models/records';

/**
 * Who may see what: the one place the rules live. Services apply them (and audit reads); the REST routes and the
 * console gateway never decide on their own. A conversation or customer someone may not see answers exactly like
 * one that does not exist.
 */
export interface Actor {
  id: string;
  role: UserRole;
}

/** Supervisors and admins oversee every chat; their reads of other people's chats and of profiles are audited. */
export function isReviewer(actor: { role: string }): boolean {
  return actor.role === 'supervisor' || actor.role === 'admin';
}

/** The transcript rule (REST): reviewers see every transcript; an agent the chats they hold or held. */
export function canSee(actor: Actor, c: Conversation): boolean {
  if (isReviewer(actor)) return true;
  return c.agentId === actor.id || (c.handledBy ?? []).includes(actor.id);
}

/**
 * The live rule (console sockets): reviewers watch every chat; an agent the chats they own now, and the queue (any
 * agent may take a queued chat, so may look at it first). A socket receives a chat's events only while this holds.
 */
/** Reads only who holds the chat, so the console's push can check it without the whole record. */
export function canWatch(actor: Actor, c: Pick<Conversation, 'state' | 'agentId'>): boolean {
  if (isReviewer(actor)) return true;
  return (c.state === 'agent' && c.agentId === actor.id) || c.state === 'queued';
}

/**
 * Need-to-know for profiles: a customer is visible to whoever may read one of their conversations, by either rule
 * (an agent serving or about to serve them, or who served them). Everyone else gets "no such customer".
 */
export function canSeeCustomer(actor: Actor, conversations: readonly Conversation[]): boolean {
  return isReviewer(actor) || conversations.some((c) => canSee(actor, c) || canWatch(actor, c));
}

/**
 * The write rule: internal notes on a chat, and a customer's profile (notes, tags, consent). Reviewers on any; an
 * agent on the chat they hold now and on the profile of its customer. Looking at a queued chat before taking it is
 * not serving it: an agent who only watches may not write.
 */
export function canAnnotate(actor: Actor, c: Conversation): boolean {
  return isReviewer(actor) || (c.state === 'agent' && c.agentId === actor.id);
}

/** Whispers coach the holder of a chat: a reviewer's, never an agent's. */
export function canWhisper(actor: Actor): boolean {
  return isReviewer(actor);
}

export function canEditCustomer(actor: Actor, conversations: readonly Conversation[]): boolean {
  return isReviewer(actor) || conversations.some((c) => canAnnotate(actor, c));
}
