import type { Conversation } from '../../models/records';
import type { Store } from '../../store/store';

let n = 0;

/**
 * A conversation of a new customer on the 'test' channel, written straight to the store and then given `patch`
 * (a queued chat, an offer, a wait): for suites that set up queue states the bot would take turns to reach.
 */
export async function storedConversation(store: Store, patch: Partial<Conversation>, prefix = 'stored'): Promise<Conversation> {
  const customer = await store.createCustomer({});
  const id = `${prefix}-${++n}`;
  const { conversation: c } = await store.getOrCreateConversation({
    channelId: 'test',
    channelConversationId: id,
    customerId: customer.id,
    reference: { channelId: 'test', serviceUrl: 'http://127.0.0.1:9/none', conversation: { id } },
  });
  return (await store.updateConversation(c.id, patch))!;
}
