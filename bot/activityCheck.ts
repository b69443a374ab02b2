import { z } from 'zod';
import { isRealDate } from '../core/http';

const CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const IPV6_LITERAL_URL = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/@]*@)?\[/i;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
/**
 * A service URL as a channel sends it: no blank or control character anywhere. The URL parser drops blanks at either
 * end (so " http://127.0.0.1:4199" passed the trust check), but the connector does not, and its send failed after the
 * message was stored (a 500). Refused, never trimmed: the activity is stored and answered with the URL it names.
 */
const SERVICE_URL = /^[^\s\u0000-\u001f\u007f]+$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DELIVERY_MODES = ['normal', 'notification', 'expectReplies', 'ephemeral'] as const;

// Every field the bot reads from an account is typed here, so a malformed one is refused before anything is stored
// (a non-string aadObjectId used to fail the turn after the customer's message was written).
/**
 * Ids travel into connector URLs and store keys: control characters (NUL, line breaks) and unpaired surrogates
 * (which no URL can encode) are never part of one.
 */
const idString = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(CONTROL, 'must not contain control characters')
    .refine((v) => !LONE_SURROGATE.test(v), 'must be well-formed text');

const Account = z
  .object({
    id: idString(512),
    name: z.string().max(1024).optional(),
    role: z.string().max(64).optional(),
    aadObjectId: z.string().max(128).optional(),
  })
  .passthrough();

/**
 * What we require of an incoming activity before any bot logic runs; other fields pass through. The text is
 * bounded by the body limit here and by the message limit in the endpoint (a coded MESSAGE_TOO_LONG).
 */
export const ActivitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: idString(512).optional(),
    channelId: idString(128),
    // The connector's HTTP client looks a bracketed IPv6 literal up as a host name and fails after the message is
    // stored: such an address is refused here, before anything is.
    serviceUrl: z
      .string()
      .min(1)
      .max(2048)
      .regex(SERVICE_URL, 'must not contain blanks or control characters')
      .refine((v) => !IPV6_LITERAL_URL.test(v), 'an IPv6 address literal cannot be reached by the Bot Framework connector; use a host name'),
    // The connector sends it back in a header (x-ms-conversation-id): printable ASCII, as every channel's ids are.
    conversation: z
      .object({ id: idString(1024).refine((v) => PRINTABLE_ASCII.test(v), 'must be printable ASCII'), tenantId: z.string().max(128).optional() })
      .passthrough(),
    from: Account,
    recipient: Account.optional(),
    text: z.string().optional(),
    locale: z.string().max(32).optional(),
    attachments: z
      .array(z.object({ contentType: z.string().max(256) }).passthrough())
      .max(50)
      .optional(),
    deliveryMode: z.enum(DELIVERY_MODES).optional(),
    membersAdded: z.array(Account).max(100).optional(),
    membersRemoved: z.array(Account).max(100).optional(),
    entities: z
      .array(z.object({ type: z.string().max(256).optional() }).passthrough())
      .max(50)
      .optional(),
    channelData: z.object({}).passthrough().optional(),
    replyToId: idString(512).optional(),
    name: z.string().max(256).optional(),
    // A date that exists (Date.parse takes 2020-02-30 for March 1st); Bot Framework sends up to seven decimals and an offset.
    timestamp: z
      .string()
      .max(64)
      .regex(ISO_TIME, 'must be an ISO 8601 time')
      .refine((v) => isRealDate(`${v.slice(0, 16)}Z`), 'is not a real date')
      .optional(),
  })
  .passthrough();

export type CheckedActivity = z.infer<typeof ActivitySchema>;

/*
 * The same checks written out by hand, for the activities that pass: zod's parse was about 3 % of a loaded bot
 * turn (a profile of 2026-11-30). It only ever says yes to what ActivitySchema accepts; anything else (or anything
 * it is unsure of) goes to ActivitySchema, so every refusal and its wording stay zod's.
 */
type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined;
const str = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
const optStr = (v: unknown, max: number) => absent(v) || str(v, 0, max);
const id = (v: unknown, max: number): v is string => str(v, 1, max) && CONTROL.test(v) && !LONE_SURROGATE.test(v);
const account = (v: unknown) => isObject(v) && id(v.id, 512) && optStr(v.name, 1024) && optStr(v.role, 64) && optStr(v.aadObjectId, 128);
const arrayOf = (v: unknown, max: number, item: (x: unknown) => boolean) => absent(v) || (Array.isArray(v) && v.length <= max && v.every(item));

function passes(a: unknown): boolean {
  if (!isObject(a)) return false;
  const c = a.conversation;
  return (
    str(a.type, 1, 64) &&
    (absent(a.id) || id(a.id, 512)) &&
    id(a.channelId, 128) &&
    str(a.serviceUrl, 1, 2048) &&
    SERVICE_URL.test(a.serviceUrl) &&
    !IPV6_LITERAL_URL.test(a.serviceUrl) &&
    isObject(c) &&
    id(c.id, 1024) &&
    PRINTABLE_ASCII.test(c.id) &&
    optStr(c.tenantId, 128) &&
    account(a.from) &&
    (absent(a.recipient) || account(a.recipient)) &&
    optStr(a.text, Infinity) &&
    optStr(a.locale, 32) &&
    arrayOf(a.attachments, 50, (x) => isObject(x) && str(x.contentType, 0, 256)) &&
    (absent(a.deliveryMode) || (DELIVERY_MODES as readonly unknown[]).includes(a.deliveryMode)) &&
    arrayOf(a.membersAdded, 100, account) &&
    arrayOf(a.membersRemoved, 100, account) &&
    arrayOf(a.entities, 50, (x) => isObject(x) && optStr(x.type, 256)) &&
    (absent(a.channelData) || isObject(a.channelData)) &&
    (absent(a.replyToId) || id(a.replyToId, 512)) &&
    optStr(a.name, 256) &&
    (absent(a.timestamp) || (str(a.timestamp, 0, 64) && ISO_TIME.test(a.timestamp) && isRealDate(`${a.timestamp.slice(0, 16)}Z`)))
  );
}

/** ActivitySchema.safeParse, the accepted activity being the body itself (every field of it passes through). */
export function checkActivity(body: unknown): ReturnType<typeof ActivitySchema.safeParse> {
  if (passes(body)) return { success: true, data: body as CheckedActivity };
  return ActivitySchema.safeParse(body);
}
