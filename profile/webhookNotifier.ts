import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from '../core/logger';
import type { HandoffEvents } from '../handoff/handoffEvents';

export type WebhookEventType =
  | 'conversation.queued'
  | 'conversation.assigned'
  | 'conversation.transferred'
  | 'conversation.returned'
  | 'conversation.closed'
  | 'customer.merged'
  | 'customer.unmerged'
  | 'customer.erased';

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  at: string;
  data: Record<string, unknown>;
}

export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const RETRIES_MS = [1000, 5000, 30000]; // waits before the 2nd, 3rd and 4th attempt

/**
 * Notifies the company's URL of profile and conversation events: JSON POST, signed with HMAC-SHA256 of the
 * body in `x-crm-signature` (`sha256=<hex>`), retried with backoff. Payloads carry ids and states, never
 * message texts. Delivery is best effort from memory: events in flight are lost if the process stops.
 */
export class WebhookNotifier {
  private inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly log: Logger,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly retriesMs: readonly number[] = RETRIES_MS,
  ) {}

  subscribe(events: HandoffEvents): () => void {
    const slim = (c: { id: string; channelId: string; customerId: string; state: string; agentId: string | null; handoffReason?: string }) => ({
      conversationId: c.id,
      channelId: c.channelId,
      customerId: c.customerId,
      state: c.state,
      agentId: c.agentId,
      handoffReason: c.handoffReason,
    });
    const offs = [
      events.on('conversation.queued', (e) =>
        this.notify('conversation.queued', { ...slim(e.conversation), position: e.position, estimatedWaitSeconds: e.estimatedWaitSeconds }),
      ),
      events.on('conversation.assigned', (e) => this.notify('conversation.assigned', { ...slim(e.conversation), previousAgentId: e.previousAgentId ?? null })),
      events.on('conversation.transferred', (e) =>
        this.notify('conversation.transferred', { ...slim(e.conversation), fromAgentId: e.fromAgentId, toAgentId: e.toAgentId, skill: e.skill }),
      ),
      events.on('conversation.returned', (e) => this.notify('conversation.returned', slim(e.conversation))),
      events.on('conversation.closed', (e) =>
        this.notify('conversation.closed', { ...slim(e.conversation), satisfaction: e.conversation.satisfaction?.score ?? null }),
      ),
    ];
    return () => offs.forEach((o) => o());
  }

  notify(type: WebhookEventType, data: Record<string, unknown>): void {
    if (this.stopped) return;
    const event: WebhookEvent = { id: randomUUID(), type, at: new Date().toISOString(), data };
    const p = this.deliver(event).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async deliver(event: WebhookEvent): Promise<void> {
    const body = JSON.stringify(event);
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.fetchImpl(this.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-crm-event': event.type,
            'x-crm-delivery': event.id,
            'x-crm-signature': signWebhook(body, this.secret),
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (res.ok) return;
        if (res.status < 500 && res.status !== 429) throw new Error(`refused with ${res.status}`);
      } catch (err) {
        if (attempt >= this.retriesMs.length || this.stopped) {
          this.log.warn({ err, type: event.type, delivery: event.id }, 'webhook not delivered');
          return;
        }
      }
      if (attempt >= this.retriesMs.length || this.stopped) return;
      await new Promise((r) => setTimeout(r, this.retriesMs[attempt]).unref());
    }
  }

  /** Waits for deliveries under way (tests, shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  stop(): void {
    this.stopped = true;
  }
}
