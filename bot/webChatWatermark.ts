import { createHash } from 'node:crypto';

/**
 * Direct Line watermarks of the built-in web chat (polling, bot/webChatChannel.ts, and streaming,
 * bot/webChatStream.ts): "seq", or "n.seq" once the chat went on in its n-th follow-up conversation (each numbers its
 * messages from 1), then "-tag", a short hash of the stored conversation the place is in. The tag lets a watermark
 * read from a conversation that is gone (erased while the chat was open: a new one takes the channel conversation,
 * numbered from 1 again) be told apart from a place in the new one, so the client is not left skipping its replies.
 * Untagged watermarks (given out before tags) are still read.
 */
export interface WatermarkPlace {
  /** Which conversation of the chain: 0 the first, n its n-th follow-up. */
  n: number;
  /** The last sequence number the client has, in that conversation. */
  seq: number;
  tag?: string;
}

const WATERMARK = /^(?:(\d{1,4})\.)?(\d{1,15})(?:-([0-9a-f]{10}))?$/;

export function parseWatermark(raw: string): WatermarkPlace | undefined {
  const m = WATERMARK.exec(raw);
  return m ? { n: Number(m[1] ?? 0), seq: Number(m[2]), tag: m[3] } : undefined;
}

/** A hash, not the id: the page has no use for the store's conversation ids. */
export function conversationTag(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('hex').slice(0, 10);
}

export function formatWatermark(n: number, seq: number, conversationId: string): string {
  return `${n ? `${n}.` : ''}${seq}-${conversationTag(conversationId)}`;
}

/**
 * Where a client's place stands in the channel conversation's chain as it is now: the place itself, or the chain's
 * start when the conversation it was read from is no longer there (another tag, a follow-up that is gone, or a
 * sequence number past the conversation's last: an untagged watermark of an erased one).
 */
export function placeInChain(chain: readonly { id: string; lastSeq: number }[], p: WatermarkPlace): { n: number; seq: number } {
  const c = chain[p.n];
  if (!c || (p.tag !== undefined && p.tag !== conversationTag(c.id)) || p.seq > c.lastSeq) return { n: 0, seq: 0 };
  return { n: p.n, seq: p.seq };
}
