import type { Conversation } from '../models/records';
import type { Store } from '../store/store';
import type { HandoffEvents } from './handoffEvents';
import { transition } from './handoffStatus';

/**
 * Erasure ends every open chat of the person before their data goes: a queued, offered or held chat of someone
 * erased must leave every queue and inbox at once (nobody may go on holding or answering what is being erased).
 * Closed without a survey; `tell`, once closed, tells the customer on their channel (still known: their channel keys
 * are erased next) that their data was erased and the chat ended. Returns whether the chat was open.
 */
export async function closeForErasure(
  store: Store,
  events: HandoffEvents,
  c: Conversation,
  actorId?: string,
  tell?: (c: Conversation) => Promise<void>,
): Promise<boolean> {
  if (c.state === 'closed') return false;
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await transition(store, events, {
      conversationId: c.id,
      to: 'closed',
      cause: 'erased',
      actorId,
      patch: { closedAt: new Date().toISOString() },
    });
    if (r.ok) {
      events.emit('conversation.closed', { conversation: r.conversation });
      await tell?.(r.conversation);
      return true;
    }
    // Moved meanwhile (claimed, offered again): try again from where it is now, unless it is gone or closed.
    if (!r.current || r.current.state === 'closed') return false;
  }
  return false;
}
