import { z } from 'zod';
import type { ErrorCode } from '../../core/errors';
import type { ConversationView } from './protocol';

/**
 * The console inbox's own Socket.IO requests, beside protocol.ts (same conventions: a zod schema per request,
 * an ack with { ok, data | error }). Served by inboxGateway.ts; the browser imports these types too.
 */
const id = z.string().min(1).max(200);
const seconds = z
  .number()
  .int()
  .min(10)
  .max(7 * 86_400);

export const InboxClientSchemas = {
  'offer:decline': z.object({ conversationId: id }).strict(),
  'inbox:all': z.object({}).strict(),
  'settings:get': z.object({}).strict(),
  'conversations:label': z.object({ ids: z.array(id).min(1).max(100) }).strict(),
  'settings:set': z.object({ serviceLevels: z.object({ firstResponseSeconds: seconds, nextResponseSeconds: seconds }).strict() }).strict(),
} as const;

export type InboxEventName = keyof typeof InboxClientSchemas;
export type InboxPayload<K extends InboxEventName> = z.infer<(typeof InboxClientSchemas)[K]>;
type InboxAck<T> = (res: { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } }) => void;

/** Service levels the inbox colours waits against: the first agent answer, and every answer after a customer message. */
export interface ServiceLevels {
  firstResponseSeconds: number;
  nextResponseSeconds: number;
}

export interface InboxSettings {
  /** How long an offer stays with one agent (OFFER_TIMEOUT_SECONDS); the console counts it down. */
  offerTimeoutSeconds: number;
  serviceLevels: ServiceLevels;
  /** The longest reply or note the server takes (MAX_MESSAGE_CHARS); the composer counts down to it before sending. */
  maxMessageChars: number;
}

/** What names a chat where only its id is known (the audit log): its customer, channel and start. */
export interface ConversationLabel {
  id: string;
  customerId: string;
  customerName?: string;
  channelId: string;
  createdAt: string;
}

export const DEFAULT_SERVICE_LEVELS: ServiceLevels = { firstResponseSeconds: 120, nextResponseSeconds: 300 };

export interface InboxClientToServerEvents {
  /** The offered agent passes the chat on: routing offers it to the next agent at once. */
  'offer:decline': (p: InboxPayload<'offer:decline'>, ack: InboxAck<{ offeredTo: string | null }>) => void;
  /** Supervisors and admins: every open chat, queued and held. */
  'inbox:all': (p: InboxPayload<'inbox:all'>, ack: InboxAck<{ conversations: ConversationView[] }>) => void;
  'settings:get': (p: InboxPayload<'settings:get'>, ack: InboxAck<InboxSettings>) => void;
  /** Supervisors and admins: who each chat was with, for lines that only carry its id; unknown ids are left out. Names only, not audited. */
  'conversations:label': (p: InboxPayload<'conversations:label'>, ack: InboxAck<{ labels: ConversationLabel[] }>) => void;
  /** Supervisors and admins; audited as console.settings. */
  'settings:set': (p: InboxPayload<'settings:set'>, ack: InboxAck<InboxSettings>) => void;
}

export interface InboxServerToClientEvents {
  'settings:updated': (p: InboxSettings) => void;
}
