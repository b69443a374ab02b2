import { z } from 'zod';
import { parseOrThrow } from '../core/http';
import { isRasterImage } from '../models/attachmentContent';
import { storedAttachmentId, type Message } from '../models/records';
import { WEBCHAT_CHANNEL } from './supportAdapter';

/** What the web chat page posts (Direct Line 3.0 activities) and what it reads back, as the page sees them. */
export const PostedActivity = z
  .object({
    type: z.enum(['message', 'typing', 'event']),
    // Bounded by the body limit here and by the message limit below (a coded MESSAGE_TOO_LONG, not a schema error).
    text: z.string().optional(),
    locale: z.string().max(32).optional(),
    from: z
      .object({ id: z.string().max(200).optional(), name: z.string().max(200).optional() })
      .passthrough()
      .optional(),
    attachments: z
      .array(z.object({ contentType: z.string().max(256), name: z.string().max(255).optional(), contentUrl: z.string().max(2048).optional() }).passthrough())
      .max(20)
      .optional(),
    channelData: z
      .object({ clientActivityID: z.string().max(200).optional() })
      .passthrough()
      .optional(),
    name: z.string().max(200).optional(),
    value: z.unknown().optional(),
  })
  .passthrough();

type Posted = z.output<typeof PostedActivity>;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optString = (v: unknown, max: number) => v === undefined || (typeof v === 'string' && v.length <= max);
const POSTED_TYPES = new Set(['message', 'typing', 'event']);

/**
 * PostedActivity's check written out, for the activity every message posts: zod's parse (with its copy of the body)
 * was about 1 % of a web chat message's CPU. True only for what the schema accepts as it is; anything else goes to
 * the schema, which gives the same answer and says what is wrong.
 */
function postedPasses(a: unknown): a is Posted {
  if (!isObject(a) || typeof a.type !== 'string' || !POSTED_TYPES.has(a.type)) return false;
  const { from, attachments, channelData } = a;
  return (
    optString(a.text, Infinity) &&
    optString(a.locale, 32) &&
    optString(a.name, 200) &&
    (from === undefined || (isObject(from) && optString(from.id, 200) && optString(from.name, 200))) &&
    (channelData === undefined || (isObject(channelData) && optString(channelData.clientActivityID, 200))) &&
    (attachments === undefined ||
      (Array.isArray(attachments) &&
        attachments.length <= 20 &&
        attachments.every(
          (x) => isObject(x) && typeof x.contentType === 'string' && x.contentType.length <= 256 && optString(x.name, 255) && optString(x.contentUrl, 2048),
        )))
  );
}

/** A posted activity as PostedActivity reads it: VALIDATION_FAILED (what is wrong) when it is none. */
export function parsePostedActivity(body: unknown): Posted {
  return postedPasses(body) ? body : parseOrThrow(PostedActivity, body, 'activity');
}

/** Gives a stored file's signed link; absent, attachments are left out of what the page reads. */
export type AttachmentUrl = (id: string) => string;

export function toActivity(m: Message, userId: string, attachmentUrl?: AttachmentUrl): Record<string, unknown> {
  const fromCustomer = m.role === 'customer';
  // Only files we keep are shown back: a channel's own links never reach the page.
  const files = attachmentUrl
    ? (m.attachments ?? []).flatMap((a) => {
        const id = storedAttachmentId(a);
        if (!id) return [];
        const url = attachmentUrl(id);
        // Web Chat shows a customer's own file as a download link unless it has a thumbnail: a picture's thumbnail
        // is the picture itself (our own signed link, which the page's img-src 'self' allows), so it shows inline.
        return [{ contentType: a.contentType, name: a.name, contentUrl: url, ...(isRasterImage(a.contentType) ? { thumbnailUrl: url } : {}) }];
      })
    : [];
  return {
    type: 'message',
    id: fromCustomer && m.activityId ? m.activityId : `${m.conversationId}|${m.seq}`,
    timestamp: m.createdAt,
    channelId: WEBCHAT_CHANNEL,
    from: fromCustomer ? { id: userId, role: 'user' } : { id: 'bot', name: m.role === 'agent' ? 'Agent' : 'Support', role: 'bot' },
    text: m.text,
    ...(files.length ? { attachments: files } : {}),
    ...(fromCustomer && m.activityId ? { channelData: { clientActivityID: m.activityId } } : {}),
    ...(!fromCustomer && Array.isArray(m.data?.suggestedActions)
      ? {
          suggestedActions: {
            to: [userId],
            actions: (m.data.suggestedActions as { title: string; value: string }[]).map((a) => ({ type: 'imBack', title: a.title, value: a.value })),
          },
        }
      : {}),
  };
}
