import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../core/logger';
import { signWebhook, WebhookNotifier, type WebhookEvent } from '../../profile/webhookNotifier';
import { say } from '../helpers/activities';
import { startTestApp } from '../helpers/testApp';

const SECRET = 'webhook-secret-for-tests-0123456789';

async function receiver(statuses: number[] = []): Promise<{ url: string; events: WebhookEvent[]; attempts: number; close(): Promise<void> }> {
  const state = { events: [] as WebhookEvent[], attempts: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      state.attempts++;
      const status = statuses.shift() ?? 200;
      // Only correctly signed bodies count.
      if (status === 200 && req.headers['x-crm-signature'] === signWebhook(body, SECRET)) state.events.push(JSON.parse(body) as WebhookEvent);
      res.writeHead(status);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get events() {
      return state.events;
    },
    get attempts() {
      return state.attempts;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

test('conversation and profile events reach the company URL, signed, without message texts', async () => {
  const hook = await receiver();
  const running = await startTestApp({ WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
  try {
    await say(running.url, 'hook-1', 'I want to talk to a human, my card 4111 failed');
    const a = await running.app.store.createCustomer({});
    const b = await running.app.store.createCustomer({ contacts: [{ type: 'email', value: 'hook@example.com', verified: true, source: 'x', addedAt: 'x' }] });
    await running.app.services.identity.applyVerifiedContact(a.id, { type: 'email', value: 'hook@example.com' }, 'test');
    await running.app.services.privacy.erase(b.id);
    await running.app.services.webhook!.drain();
    expect(hook.events.map((e) => e.type)).toEqual(['conversation.queued', 'customer.merged', 'customer.erased']);
    expect(hook.events[0].data).toMatchObject({ handoffReason: 'customer_asked', state: 'queued', position: 1 });
    expect(JSON.stringify(hook.events)).not.toContain('4111');
  } finally {
    await running.stop();
    await hook.close();
  }
});

test('a failing endpoint is retried; a wrong signature would not count', async () => {
  const hook = await receiver([500, 503]);
  const notifier = new WebhookNotifier(hook.url, SECRET, createLogger('silent'), fetch, [10, 10, 10]);
  notifier.notify('customer.merged', { customerId: 'c1' });
  await notifier.drain();
  expect(hook.attempts).toBe(3);
  expect(hook.events.map((e) => e.data)).toEqual([{ customerId: 'c1' }]);
  const wrong = new WebhookNotifier(hook.url, 'another-secret-another-secret-0000', createLogger('silent'), fetch, []);
  wrong.notify('customer.erased', { customerId: 'c2' });
  await wrong.drain();
  expect(hook.events).toHaveLength(1);
  await hook.close();
});
