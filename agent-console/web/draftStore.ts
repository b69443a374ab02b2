/**
 * The agent's reply and note drafts kept in the browser (localStorage), so a reload or a crashed tab loses nothing.
 * Keyed by the signed-in user: one key per user, holding their chats' drafts, so the next person at this browser
 * never reads them (and sign-out removes them). Bounded: at most DRAFT_LIMITS.chats chats and DRAFT_LIMITS.chars
 * characters per text, and drafts untouched for DRAFT_LIMITS.maxAgeMs are dropped when read. Never sent anywhere.
 * No DOM or signals here: the store is given its Storage, so its rules are tested alone.
 */
/** What of the Web Storage API this uses (localStorage in the browser; a map in tests). */
export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface StoredDraft {
  reply: string;
  note: string;
  /** Written while the chat was this user's own (a supervisor's whisper draft in a colleague's chat is not). */
  own: boolean;
  /** When it was last written (epoch ms). */
  at: number;
}

export const DRAFT_LIMITS = {
  /** Chats with a kept draft per user; the least recently written go first. */
  chats: 50,
  /** Characters kept of one reply or note (well above the longest message the server takes by default, 10,000). */
  chars: 20_000,
  /** A draft untouched this long (ms) is dropped: a shift, not forever. */
  maxAgeMs: 12 * 3600 * 1000,
} as const;

const PREFIX = 'console-drafts:';
const keyOf = (userId: string) => PREFIX + userId;

type Drafts = Record<string, StoredDraft>;

function read(storage: DraftStorage, userId: string, now: number): Drafts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(keyOf(userId)) ?? '{}');
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const out: Drafts = {};
  for (const [id, d] of Object.entries(parsed as Record<string, Partial<StoredDraft>>)) {
    if (typeof d?.reply !== 'string' || typeof d.note !== 'string' || typeof d.at !== 'number' || now - d.at > DRAFT_LIMITS.maxAgeMs) continue;
    out[id] = { reply: d.reply, note: d.note, own: d.own === true, at: d.at };
  }
  return out;
}

function write(storage: DraftStorage, userId: string, drafts: Drafts): void {
  const ids = Object.keys(drafts).sort((a, b) => drafts[b].at - drafts[a].at);
  let kept = ids.slice(0, DRAFT_LIMITS.chats);
  // A full storage (other apps of this origin, huge drafts): keep the newest half, then none, rather than fail.
  for (;;) {
    try {
      if (kept.length === 0) storage.removeItem(keyOf(userId));
      else storage.setItem(keyOf(userId), JSON.stringify(Object.fromEntries(kept.map((id) => [id, drafts[id]]))));
      return;
    } catch {
      if (kept.length === 0) return;
      kept = kept.slice(0, Math.floor(kept.length / 2));
    }
  }
}

/** This user's kept drafts, expired ones left out. */
export function loadDrafts(storage: DraftStorage, userId: string, now = Date.now()): Map<string, StoredDraft> {
  return new Map(Object.entries(read(storage, userId, now)));
}

/** Keeps (or, both texts empty, forgets) one chat's draft. */
export function saveDraft(
  storage: DraftStorage,
  userId: string,
  conversationId: string,
  d: { reply: string; note: string; own: boolean },
  now = Date.now(),
): void {
  const drafts = read(storage, userId, now);
  if (!d.reply.trim() && !d.note.trim()) delete drafts[conversationId];
  else drafts[conversationId] = { reply: d.reply.slice(0, DRAFT_LIMITS.chars), note: d.note.slice(0, DRAFT_LIMITS.chars), own: d.own, at: now };
  write(storage, userId, drafts);
}

/** Forgets the drafts of these chats (sent, closed, no longer this user's). */
export function forgetDrafts(storage: DraftStorage, userId: string, conversationIds: readonly string[], now = Date.now()): void {
  const drafts = read(storage, userId, now);
  if (!conversationIds.some((id) => id in drafts)) return;
  for (const id of conversationIds) delete drafts[id];
  write(storage, userId, drafts);
}

/** Forgets every draft of this user (sign-out). */
export function forgetAllDrafts(storage: DraftStorage, userId: string): void {
  storage.removeItem(keyOf(userId));
}
