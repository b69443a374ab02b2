import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from '../core/logger';
import type { HandoffEvents } from '../handoff/handoffEvents';
import type { AuditStore, OutboxEntry, OutboxStore } from '../store/store';

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

/** Delivery settings; defaults in the comments (README, Configuration). */
export interface WebhookOptions {
  /** Attempts before an event is dead-lettered (15). */
  maxAttempts?: number;
  /** Wait before the first retry, milliseconds; doubled at each further attempt (1000). */
  retryBaseMs?: number;
  /** Longest wait between two attempts, milliseconds (3,600,000). */
  retryMaxMs?: number;
  /** One attempt's time limit, milliseconds (10,000). */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /** Jitter source (tests make it fixed). */
  random?: () => number;
}

/** Events read from the outbox at a time. */
const BATCH = 20;

/**
 * Notifies the company's URL of profile and conversation events: JSON POST, signed with HMAC-SHA256 of the body in
 * `x-crm-signature` (`sha256=<hex>`). Payloads carry ids and states, never message texts.
 *
 * Durable and at least once (docs/adr/0006): `notify` writes the event to the store's outbox; `deliverDue`, run by
 * the one instance holding the `webhooks` lease (app/app.ts), posts what is due and removes what was delivered. A
 * failed attempt is retried with exponential back-off and jitter (half the wait fixed, half random, so receivers that
 * come back are not hit by every instance's retries at once); after maxAttempts, or at once when the receiver refuses
 * with a 4xx other than 408 and 429, the event is dead-lettered: logged, audited (`webhook.dead`, admins read it in
 * the audit log) and counted (outboxCounts). Every attempt of an event carries the same `Idempotency-Key` (and
 * `x-crm-delivery`): the event id, so a receiver that saw it already (a retry after a lost answer, a redelivery by
 * another instance after a crash) drops it.
 */
export class WebhookNotifier {
  /** Outbox writes under way (drain waits for them). */
  private readonly writes = new Set<Promise<void>>();
  /** The delivery pass running in this process, and the one queued behind it (see deliverDue). */
  private pass: Promise<number> | null = null;
  private nextPass: Promise<number> | null = null;
  private stopped = false;
  /** Called once an event is in the outbox (the app runs the delivery job at once when this instance holds it). */
  onQueued: (() => void) | undefined;
  private readonly o: Required<WebhookOptions>;

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly store: OutboxStore & AuditStore,
    private readonly log: Logger,
    options: WebhookOptions = {},
  ) {
    this.o = {
      maxAttempts: options.maxAttempts ?? 15,
      retryBaseMs: options.retryBaseMs ?? 1000,
      retryMaxMs: options.retryMaxMs ?? 3_600_000,
      timeoutMs: options.timeoutMs ?? 10_000,
      fetchImpl: options.fetchImpl ?? fetch,
      random: options.random ?? Math.random,
    };
  }

  subscribe(events: HandoffEvents): () => void {
    const slim = (c: { id: string; channelId: string; customerId: string; state: string; agentId: string | null; handoffReason?: string }) => ({
      conversationId: c.id,
      channelId: c.channelId,
      customerId: c.customerId,
      state: c.state,
      agentId: c.agentId,
      handoffReason: c.handoffReason,
    });
    // Not awaited here: whoever answers for the change awaits the store's sync(), which waits for these writes.
    const offs = [
      events.on(
        'conversation.queued',
        (e) => void this.notify('conversation.queued', { ...slim(e.conversation), position: e.position, estimatedWaitSeconds: e.estimatedWaitSeconds }),
      ),
      events.on(
        'conversation.assigned',
        (e) => void this.notify('conversation.assigned', { ...slim(e.conversation), previousAgentId: e.previousAgentId ?? null }),
      ),
      events.on(
        'conversation.transferred',
        (e) => void this.notify('conversation.transferred', { ...slim(e.conversation), fromAgentId: e.fromAgentId, toAgentId: e.toAgentId, skill: e.skill }),
      ),
      events.on('conversation.returned', (e) => void this.notify('conversation.returned', slim(e.conversation))),
      events.on(
        'conversation.closed',
        (e) => void this.notify('conversation.closed', { ...slim(e.conversation), satisfaction: e.conversation.satisfaction?.score ?? null }),
      ),
    ];
    return () => offs.forEach((o) => o());
  }

  /**
   * Writes the event to the outbox. Called as the change is emitted: on the embedded store the write joins the
   * transaction open at that moment (applied at once, committed with the next group commit, one turn of the event
   * loop later); a failed write is logged as an error (the event is lost: the store is failing). Resolves once the
   * event is durable (or its failure logged; never rejects): a caller that answers for the change awaits it, or
   * the store's sync(), which waits for the same writes (docs/adr/0006).
   */
  notify(type: WebhookEventType, data: Record<string, unknown>): Promise<void> {
    // Recorded even once stopped (requests still finishing during a shutdown): another instance delivers it.
    const event: WebhookEvent = { id: randomUUID(), type, at: new Date().toISOString(), data };
    const p = this.store.enqueueOutbox(event).then(
      () => {
        if (!this.stopped) this.onQueued?.();
      },
      (err: unknown) => this.log.error({ err, type, delivery: event.id }, 'webhook event not recorded'),
    );
    this.writes.add(p);
    void p.finally(() => this.writes.delete(p));
    return p;
  }

  /**
   * One pass over the outbox: posts every event due (read BATCH at a time); returns how many were delivered.
   *
   * One pass at a time per process (the delivery job and drain() both call this): a pass that read the outbox while
   * another was posting could read an event just before the other pass completed it, and post it a second time. A
   * call made during a pass joins the one pass queued behind it, which reads the outbox afresh.
   */
  deliverDue(now?: Date): Promise<number> {
    if (!this.pass) {
      const p = this.deliverPass(now ?? new Date()).finally(() => {
        if (this.pass === p) this.pass = null;
      });
      this.pass = p;
      return p;
    }
    if (!this.nextPass) {
      const running = this.pass;
      this.nextPass = running
        .catch(() => 0)
        .then(() => {
          this.nextPass = null;
          return this.deliverDue(now);
        });
    }
    return this.nextPass;
  }

  private async deliverPass(now: Date): Promise<number> {
    let delivered = 0;
    for (;;) {
      if (this.stopped) return delivered;
      const due = await this.store.dueOutbox(now.toISOString(), BATCH);
      if (!due.length) return delivered;
      // One at a time, in the order the events happened (a retried one may arrive after later ones: the receiver
      // orders by the event's `at`).
      for (const entry of due) if (!this.stopped && (await this.attempt(entry))) delivered++;
      if (due.length < BATCH) return delivered;
    }
  }

  /** The wait before attempt `attempts + 1`: base × 2^(attempts − 1), at most retryMaxMs, the second half random. */
  retryDelayMs(attempts: number): number {
    const full = Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(full / 2 + (this.o.random() * full) / 2);
  }

  private async attempt(entry: OutboxEntry): Promise<boolean> {
    const { event } = entry;
    const attempts = entry.attempts + 1;
    try {
      const body = JSON.stringify(event);
      let error: string;
      let permanent = false;
      try {
        const res = await this.o.fetchImpl(this.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': event.id,
            'x-crm-event': event.type,
            'x-crm-delivery': event.id,
            'x-crm-attempt': String(attempts),
            'x-crm-signature': signWebhook(body, this.secret),
          },
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        await res.body?.cancel().catch(() => undefined);
        if (res.ok) {
          await this.store.completeOutbox(event.id);
          return true;
        }
        error = `refused with ${res.status}`;
        permanent = res.status < 500 && res.status !== 408 && res.status !== 429;
      } catch (err) {
        error = (err as Error)?.message ?? String(err);
      }
      if (permanent || attempts >= this.o.maxAttempts) {
        await this.store.failOutbox(event.id, { attempts, error });
        const { dead } = await this.store.outboxCounts();
        this.log.warn({ type: event.type, delivery: event.id, attempts, error, deadLetters: dead }, 'webhook dead-lettered');
        await this.store.appendAudit({ action: 'webhook.dead', targetType: 'webhook', targetId: event.id, data: { type: event.type, attempts, error } });
      } else {
        await this.store.failOutbox(event.id, { attempts, error, nextAttemptAt: new Date(Date.now() + this.retryDelayMs(attempts)).toISOString() });
      }
      return false;
    } catch (err) {
      // The store failed: the event stays due and is tried again (at least once).
      this.log.warn({ err, delivery: event.id }, 'webhook outbox not updated');
      return false;
    }
  }

  /**
   * Tests and tools: waits until every event notified so far was delivered or dead-lettered, delivering from this
   * process (waiting out the back-off).
   */
  async drain(): Promise<void> {
    while (this.writes.size) await Promise.allSettled([...this.writes]);
    for (;;) {
      await this.deliverDue();
      if ((await this.store.outboxCounts()).pending === 0 || this.stopped) return;
      await new Promise((r) => setTimeout(r, Math.min(50, this.o.retryBaseMs)));
    }
  }

  stop(): void {
    this.stopped = true;
  }
}
