import { LEGAL_HOLD_TAG, RetentionService } from '../../profile/retentionService';
import { startTestApp } from '../helpers/testApp';

test('closed conversations past the retention period are deleted unless on legal hold; open ones stay', async () => {
  const running = await startTestApp();
  try {
    const store = running.app.store;
    const customer = await store.createCustomer({});
    const make = async (id: string, state: 'closed' | 'bot', tags: string[] = []) => {
      const { conversation } = await store.getOrCreateConversation({
        channelId: 'test',
        channelConversationId: id,
        customerId: customer.id,
        reference: { channelId: 'test', serviceUrl: 'x', conversation: { id } },
        state,
      });
      await store.appendMessage({ conversationId: conversation.id, role: 'customer', text: `text of ${id}` });
      return (await store.updateConversation(conversation.id, { tags }))!;
    };
    const old = await make('ret-old', 'closed');
    const held = await make('ret-held', 'closed', [LEGAL_HOLD_TAG]);
    const open = await make('ret-open', 'bot');
    const retention = new RetentionService(store, 30);
    expect(await retention.sweep(new Date())).toEqual({ deleted: 0, held: 0 });
    const later = new Date(Date.now() + 31 * 86_400_000);
    expect(await retention.sweep(later)).toEqual({ deleted: 1, held: 1 });
    expect(await store.getConversation(old.id)).toBeNull();
    expect(await store.listMessages(old.id)).toEqual([]);
    expect(await store.getConversation(held.id)).not.toBeNull();
    expect(await store.getConversation(open.id)).not.toBeNull();
    expect((await store.listAudit({ action: 'retention.delete' }))[0].data).toMatchObject({ deleted: 1, held: 1 });
  } finally {
    await running.stop();
  }
});
