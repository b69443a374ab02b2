import { z } from 'zod';
import type { ErrorCode } from '../../core/errors';
import type { ConversationView } from './protocol';

/**
 * Live collaboration on a chat, beside protocol.ts (same conventions: a zod schema per request, an ack with
 * { ok, data | error }): who is looking at or writing in a chat (collision signals), and a supervisor's reassignment
 * of any open chat. Served by liveGateway.ts; the browser imports these types too.
 */
const id = z.string().min(1).max(200);

export const LiveClientSchemas = {
  /** The chat this socket shows now (null: none). One per socket; a new one replaces the last. */
  'chat:viewing': z.object({ conversationId: id.nullable() }).strict(),
  /** Someone writing a note or whisper (never sent to the customer); the owner's reply uses typing:start. */
  'note:typing': z.object({ conversationId: id }).strict(),
  'conversation:reassign': z
    .object({ conversationId: id, toAgentId: id.optional(), skill: z.string().min(1).max(100).optional() })
    .strict()
    .refine((v) => !!v.toAgentId !== !!v.skill, 'give exactly one of toAgentId or skill'),
} as const;

export type LiveEventName = keyof typeof LiveClientSchemas;
export type LivePayload<K extends LiveEventName> = z.infer<(typeof LiveClientSchemas)[K]>;
type LiveAck<T> = (res: { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } }) => void;

/** A colleague with the chat open (several sockets of one person count once). */
export interface ChatViewer {
  userId: string;
  name: string;
  role: 'agent' | 'supervisor' | 'admin';
}

export interface LiveClientToServerEvents {
  'chat:viewing': (p: LivePayload<'chat:viewing'>, ack: LiveAck<{ viewers: ChatViewer[] }>) => void;
  'note:typing': (p: LivePayload<'note:typing'>, ack: LiveAck<Record<string, never>>) => void;
  /** Supervisors and admins; audited as chat.reassign. */
  'conversation:reassign': (p: LivePayload<'conversation:reassign'>, ack: LiveAck<{ conversation: ConversationView }>) => void;
}

export interface LiveServerToClientEvents {
  /** Everyone who has the chat open now, to the sockets that may watch it, after anyone opens, leaves or disconnects. */
  'chat:viewers': (p: { conversationId: string; viewers: ChatViewer[] }) => void;
}
