import { AppError } from '../core/errors';
import { SET_ONCE_FIELDS, type Conversation, type ConversationExpectation } from '../models/records';
import type { IdentityKey } from './store';

/**
 * Query values that reach a store must be plain scalars. An object such as {"$ne": null}
 * coming from request input is refused here, before any driver sees it.
 */
export function plain(value: unknown, name: string): string {
  if (typeof value !== 'string') {
    throw new AppError('STORE_INVALID_QUERY', `${name} must be a string`, { details: { field: name } });
  }
  return value;
}

export function plainNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AppError('STORE_INVALID_QUERY', `${name} must be a finite number`, { details: { field: name } });
  }
  return value;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Keeps a leading '+' and the digits: "+1 (555) 010-2000" → "+15550102000". */
export function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

export function identityKeyString(key: IdentityKey): string {
  switch (key.kind) {
    case 'channel':
      return `channel:${plain(key.channelId, 'channelId')}:${plain(key.userId, 'userId')}`;
    case 'email':
      return `email:${normalizeEmail(plain(key.value, 'email'))}`;
    case 'phone':
      return `phone:${normalizePhone(plain(key.value, 'phone'))}`;
    default:
      throw new AppError('STORE_INVALID_QUERY', 'unknown identity key kind');
  }
}

/** The unique keys a customer holds: every channel identity and every verified contact point. */
export function customerKeys(c: {
  identities: { channelId: string; userId: string }[];
  contacts: { type: 'email' | 'phone'; value: string; verified: boolean }[];
}): string[] {
  const keys = new Set<string>();
  for (const i of c.identities) keys.add(identityKeyString({ kind: 'channel', channelId: i.channelId, userId: i.userId }));
  for (const p of c.contacts) if (p.verified) keys.add(identityKeyString({ kind: p.type, value: p.value }));
  return [...keys];
}

export function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  plainNumber(limit, 'limit');
  return Math.max(1, Math.min(max, Math.floor(limit)));
}

export function validateExpectation(expect?: ConversationExpectation): void {
  if (!expect) return;
  expect.states?.forEach((s) => plain(s, 'state'));
  if (expect.agentId !== undefined && expect.agentId !== null) plain(expect.agentId, 'agentId');
  if (expect.version !== undefined) plainNumber(expect.version, 'version');
  // A field name becomes a query path on MongoDB: only the known set-once fields.
  expect.absent?.forEach((f) => {
    if (!SET_ONCE_FIELDS.includes(plain(f, 'absent') as never)) throw new AppError('STORE_INVALID_QUERY', `absent: ${f} is not a set-once field`);
  });
}

/** The keyset cursor of transcript pages: the last item's start time and id. */
export function encodeCursor(c: Pick<Conversation, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return { createdAt: v[0], id: v[1] };
  } catch {
    /* fall through */
  }
  throw new AppError('STORE_INVALID_QUERY', 'cursor is not one this server gave out');
}

/** Guards a batch of conversation ids and gives each its place, for returning messages in the caller's order. */
export function conversationOrder(conversationIds: readonly string[], max: number): Map<string, number> {
  if (conversationIds.length > max) throw new AppError('STORE_INVALID_QUERY', `at most ${max} conversations at once`);
  conversationIds.forEach((id) => plain(id, 'conversationId'));
  return new Map(conversationIds.map((id, i) => [id, i]));
}

export function byConversationThenSeq(
  order: Map<string, number>,
): (a: { conversationId: string; seq: number }, b: { conversationId: string; seq: number }) => number {
  return (a, b) => order.get(a.conversationId)! - order.get(b.conversationId)! || a.seq - b.seq;
}

/** A conversation's average customer sentiment from its running sum, to three decimals; null when none was scored. */
export function averageSentiment(sum: number, n: number): number | null {
  return n > 0 ? Math.round((sum / n) * 1000) / 1000 : null;
}

/** Running sentiment sums per conversation of a batch of imported messages (customer messages with a score). */
export function sentimentSums(messages: readonly { conversationId: string; role: string; sentiment?: number }[]): Map<string, { sum: number; n: number }> {
  const out = new Map<string, { sum: number; n: number }>();
  for (const m of messages) {
    if (m.role !== 'customer' || typeof m.sentiment !== 'number') continue;
    const s = out.get(m.conversationId) ?? { sum: 0, n: 0 };
    out.set(m.conversationId, { sum: s.sum + m.sentiment, n: s.n + 1 });
  }
  return out;
}
