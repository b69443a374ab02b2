import type { Server as IoServer, Socket } from 'socket.io';
import type { z } from 'zod';
import { AppError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { HandoffEvents } from '../../handoff/handoffEvents';
import type { HandoffService } from '../../handoff/handoffService';
import type { Conversation, User } from '../../models/records';
import { canWatch, isReviewer } from '../../review/accessPolicy';
import type { ReviewService } from '../../review/reviewService';
import type { Store } from '../../store/store';
import {
  LiveClientSchemas,
  type ChatViewer,
  type LiveClientToServerEvents,
  type LiveEventName,
  type LivePayload,
  type LiveServerToClientEvents,
} from './liveProtocol';
import { ackedHandler } from './ackedHandler';
import type { ConversationView, SocketData } from './protocol';

/**
 * Serves liveProtocol.ts: collision signals (who has a chat open; notes and whispers being written) and a
 * supervisor's reassignment of any open chat. Sockets are authenticated by the console gateway's middleware first.
 *
 * Who views a chat is each socket's own `data.viewing`, read with fetchSockets: it holds across instances behind
 * the Socket.IO adapter, and a socket that disconnects or may no longer watch the chat drops out by itself.
 */
type LiveServer = IoServer<LiveClientToServerEvents, LiveServerToClientEvents, Record<string, never>, SocketData>;
type LiveSocket = Socket<LiveClientToServerEvents, LiveServerToClientEvents, Record<string, never>, SocketData>;

const convRoom = (id: string) => `conv:${id}`;

export interface LiveDeps {
  store: Store;
  handoff: HandoffService;
  events: HandoffEvents;
  review: ReviewService;
  log: Logger;
}

export function registerLiveGateway(io: LiveServer, d: LiveDeps): { stop(): void } {
  const pending = new Map<string, Promise<void>>();

  /** Everyone who may watch the chat and has it open now, once per person. */
  const viewersOf = async (c: Conversation): Promise<{ viewers: ChatViewer[]; watchers: { emit: LiveSocket['emit'] }[] }> => {
    const sockets = await io.in(convRoom(c.id)).fetchSockets();
    const watchers = sockets.filter((s) => canWatch({ id: s.data.userId, role: s.data.role }, c));
    const ids = [...new Set(watchers.filter((s) => s.data.viewing === c.id).map((s) => s.data.userId))];
    const users = await Promise.all(ids.map((id) => d.store.getUser(id)));
    const viewers = users.filter((u): u is User => !!u).map((u) => ({ userId: u.id, name: u.name, role: u.role }));
    return { viewers, watchers };
  };

  /** Pushes the chat's viewers to the sockets that may watch it; one at a time per chat, so the last word is the latest. Never rejects. */
  const announce = (conversationId: string): void => {
    const next = (pending.get(conversationId) ?? Promise.resolve())
      .then(async () => {
        const c = await d.store.getConversation(conversationId);
        if (!c) return;
        const { viewers, watchers } = await viewersOf(c);
        for (const s of watchers) s.emit('chat:viewers', { conversationId, viewers });
      })
      .catch((err) => d.log.warn({ err, conversationId }, 'viewers push failed'));
    pending.set(conversationId, next);
    void next.then(() => {
      if (pending.get(conversationId) === next) pending.delete(conversationId);
    });
  };

  const view = async (c: Conversation): Promise<ConversationView> => {
    const customer = await d.store.getCustomer(c.customerId);
    return {
      ...c,
      customerName: customer?.displayName,
      waitingSeconds: c.queuedAt ? Math.max(0, Math.round((Date.now() - Date.parse(c.queuedAt)) / 1000)) : undefined,
    };
  };

  io.on('connection', (socket: LiveSocket) => {
    socket.on('disconnect', () => {
      if (socket.data.viewing) announce(socket.data.viewing);
    });
    on(socket, d, 'chat:viewing', async (user, p) => {
      const before = socket.data.viewing;
      const id = p.conversationId;
      if (id) {
        await d.review.watchable(id, user);
        await socket.join(convRoom(id));
      }
      socket.data.viewing = id ?? undefined;
      if (before && before !== id) announce(before);
      if (!id) return { viewers: [] };
      announce(id);
      const c = await d.store.getConversation(id);
      return { viewers: c ? (await viewersOf(c)).viewers : [] };
    });
    on(socket, d, 'note:typing', async (user, p) => {
      await d.review.watchable(p.conversationId, user);
      await d.handoff.internalTyping(user.id, p.conversationId);
      return {};
    });
    on(socket, d, 'conversation:reassign', async (user, p) => {
      if (!isReviewer(user)) throw new AppError('FORBIDDEN');
      return { conversation: await view(await d.handoff.reassign(user.id, p.conversationId, { agentId: p.toAgentId, skill: p.skill })) };
    });
  });

  // A change of owner changes who may watch: whoever may not any more drops out of the list the others see.
  const off = d.events.on('conversation.changed', ({ conversation }) => announce(conversation.id));
  return { stop: off };
}

/** Validates the payload, loads the caller fresh and acks a coded result (ackedHandler.ts). */
function on<K extends LiveEventName, T>(socket: LiveSocket, d: LiveDeps, name: K, fn: (user: User, payload: LivePayload<K>) => Promise<T>): void {
  // The maps type each listener with its ack; this one generic listener serves every event of the table.
  ackedHandler(socket as unknown as Parameters<typeof ackedHandler>[0], d, 'live', name, LiveClientSchemas[name] as unknown as z.ZodType<LivePayload<K>>, fn);
}
