import type { Server as IoServer, Socket } from 'socket.io';
import type { z } from 'zod';
import { AppError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { HandoffService } from '../../handoff/handoffService';
import type { Conversation, User } from '../../models/records';
import { ConsoleSettings } from '../../review/consoleSettings';
import type { Store } from '../../store/store';
import {
  DEFAULT_SERVICE_LEVELS,
  type ConversationLabel,
  InboxClientSchemas,
  type InboxClientToServerEvents,
  type InboxEventName,
  type InboxPayload,
  type InboxServerToClientEvents,
  type InboxSettings,
  type ServiceLevels,
} from './inboxProtocol';
import { ackedHandler } from './ackedHandler';
import { conversationView } from './consoleViews';
import type { SocketData } from './protocol';

/**
 * Serves inboxProtocol.ts: declining an offered chat (routing moves on at once instead of after
 * OFFER_TIMEOUT_SECONDS, and the decliner's slot is free at once), the supervisors' list of every open chat, and the inbox settings (offer timeout,
 * service levels). Sockets are authenticated by the console gateway's middleware before any handler runs.
 */
const OPEN_CHATS_LIMIT = 2000;

type InboxServer = IoServer<InboxClientToServerEvents, InboxServerToClientEvents, Record<string, never>, SocketData>;
type InboxSocket = Socket<InboxClientToServerEvents, InboxServerToClientEvents, Record<string, never>, SocketData>;

export interface InboxDeps {
  store: Store;
  handoff: HandoffService;
  log: Logger;
  offerTimeoutSeconds: number;
  maxMessageChars: number;
}

export function registerInboxGateway(io: InboxServer, d: InboxDeps): void {
  // The service keeps the settings and audits their changes; this edge checks the role and tells every console.
  const consoleSettings = new ConsoleSettings(d.store);
  const settings = async (): Promise<InboxSettings> => {
    const saved = await consoleSettings.savedServiceLevels<ServiceLevels>();
    return { offerTimeoutSeconds: d.offerTimeoutSeconds, serviceLevels: { ...DEFAULT_SERVICE_LEVELS, ...saved }, maxMessageChars: d.maxMessageChars };
  };
  const view = (c: Conversation) => conversationView(d.store, c);

  io.on('connection', (socket: InboxSocket) => {
    // Only the agent holding the offer may pass it on (HANDOFF_NOT_FOUND for anyone else); their slot frees at once.
    on(socket, d, 'offer:decline', async (user, p) => ({ offeredTo: (await d.handoff.decline(user.id, p.conversationId)) ?? null }));
    on(socket, d, 'inbox:all', async (user) => {
      if (user.role === 'agent') throw new AppError('FORBIDDEN');
      const open = await d.store.listConversations({ states: ['queued', 'agent'], limit: OPEN_CHATS_LIMIT });
      return { conversations: await Promise.all(open.map(view)) };
    });
    on(socket, d, 'settings:get', () => settings());
    on(socket, d, 'conversations:label', async (user, p) => {
      if (user.role === 'agent') throw new AppError('FORBIDDEN');
      const found = await Promise.all(p.ids.map((cid) => d.store.getConversation(cid)));
      const labels: ConversationLabel[] = [];
      for (const c of found) {
        if (!c) continue;
        const customer = await d.store.getCustomer(c.customerId);
        labels.push({ id: c.id, customerId: c.customerId, customerName: customer?.displayName, channelId: c.channelId, createdAt: c.createdAt });
      }
      return { labels };
    });
    on(socket, d, 'settings:set', async (user, p) => {
      if (user.role === 'agent') throw new AppError('FORBIDDEN');
      await consoleSettings.setServiceLevels(p.serviceLevels, user);
      const next = await settings();
      io.emit('settings:updated', next);
      return next;
    });
  });
}

/** Validates the payload, loads the caller fresh and acks a coded result (ackedHandler.ts). */
function on<K extends InboxEventName, T>(socket: InboxSocket, d: InboxDeps, name: K, fn: (user: User, payload: InboxPayload<K>) => Promise<T>): void {
  // The maps type each listener with its ack; this one generic listener serves every event of the table.
  ackedHandler(
    socket as unknown as Parameters<typeof ackedHandler>[0],
    d,
    'inbox',
    name,
    InboxClientSchemas[name] as unknown as z.ZodType<InboxPayload<K>>,
    fn,
  );
}
