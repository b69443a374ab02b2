import type { HandoffService } from '../../handoff/handoffService';
import type { Conversation } from '../../models/records';
import type { Store } from '../../store/store';
import type { AgentView, ConversationView } from './protocol';

/** A conversation as consoles show it: with its customer's name and how long it has waited. */
export async function conversationView(store: Pick<Store, 'getCustomer'>, c: Conversation): Promise<ConversationView> {
  const customer = await store.getCustomer(c.customerId);
  return {
    ...c,
    customerName: customer?.displayName,
    waitingSeconds: c.queuedAt ? Math.max(0, Math.round((Date.now() - Date.parse(c.queuedAt)) / 1000)) : undefined,
  };
}

/** The staff as the live board shows them: presence, load against capacity, last reply. */
export async function agentViews(store: Pick<Store, 'listUsers' | 'countActiveChats'>, handoff: Pick<HandoffService, 'lastReplyAt'>): Promise<AgentView[]> {
  const users = await store.listUsers();
  // The board without last replies beats no board: Redis away costs only that column.
  const replies = await handoff.lastReplyAt(users.map((u) => u.id)).catch(() => new Map<string, string>());
  return Promise.all(
    users.map(async (u) => ({
      id: u.id,
      name: u.name,
      role: u.role,
      presence: u.presence,
      skills: u.skills,
      languages: u.languages,
      capacity: u.capacity,
      activeChats: await store.countActiveChats(u.id),
      lastReplyAt: replies.get(u.id),
    })),
  );
}
