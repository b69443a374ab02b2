import type { Conversation } from '../models/records';
import { QUEUED_WRITE_ATTEMPTS, type HandoffContext } from './handoffContext';
import type { HandoffRouting } from './handoffRouting';

/**
 * Queued customers who have gone. A chat waits in the queue for a person; when its customer has left, it should not
 * count ahead of those still there (their places and waits, the console's queue). What "gone" means, from the
 * signals the product has:
 *
 * - a web chat whose streams (Direct Line WebSockets, any tab) have all been closed for `awayAfterSeconds`
 *   (QUEUE_AWAY_SECONDS): the page was closed, or its network went, and it has not come back;
 * - any chat (another channel, or a page that polls) whose customer has not written, and has no stream open, for
 *   `idleAwaySeconds` (QUEUE_IDLE_AWAY_SECONDS): channels like Teams tell us nothing else.
 *
 * A gone chat stays queued, marked `queueInfo.awaySince` by a transition (cause `customer_left`, recorded in the
 * transcript like every change of a chat's standing), keeps its messages and its first place (`queuedAt`), has no
 * offer standing and is offered to nobody; agents and supervisors see it in a list of its own and may still take
 * it. A customer who comes back (a stream opens, or they write) resumes their place (cause `customer_back`) and
 * it is offered again.
 */
export class CustomerAway {
  constructor(
    private readonly ctx: HandoffContext,
    private readonly routing: HandoffRouting,
  ) {}

  /** A web chat stream of this conversation opened (any instance): the customer is here. */
  async streamOpened(conversationId: string, now = Date.now()): Promise<void> {
    await this.seen(conversationId, now, true);
  }

  /** The last stream of this conversation on this instance closed: the customer may be leaving. */
  async streamsClosed(conversationId: string, now = Date.now()): Promise<void> {
    // On the chat as it is now: an offer written meanwhile neither drops this nor is dropped by it.
    await this.ctx.updateQueued(conversationId, (c) => {
      if (c.queueInfo?.leftAt) return undefined;
      const { watching: _closed, ...info } = c.queueInfo ?? { offeredTo: [] };
      return { queueInfo: { ...info, leftAt: new Date(now).toISOString() } };
    });
  }

  /** The customer wrote (or a stream opened): seen now; a gone chat resumes its place and is offered again. */
  async seen(conversationId: string, now = Date.now(), watching?: boolean): Promise<Conversation | null> {
    // Compare-and-set on the chat read; a write that landed meanwhile (an offer, the place told) is read again and
    // kept, and this one made on it: dropped, a stream opening was lost and a watching customer later counted as idle.
    for (let attempt = 0; attempt < QUEUED_WRITE_ATTEMPTS; attempt++) {
      const c = await this.ctx.store.getConversation(conversationId);
      if (!c || c.state !== 'queued') return c;
      const { leftAt: _back, awaySince, ...info } = c.queueInfo ?? { offeredTo: [] };
      const next = { ...info, seenAt: new Date(now).toISOString(), ...(watching || info.watching ? { watching: true } : {}) };
      if (!awaySince) {
        const updated = await this.ctx.store.updateConversation(c.id, { queueInfo: next }, { states: ['queued'], version: c.version });
        if (updated) return updated;
        continue;
      }
      const r = await this.ctx.move({
        conversationId: c.id,
        to: 'queued',
        cause: 'customer_back',
        from: ['queued'],
        expectedVersion: c.version,
        patch: { queueInfo: next },
        detail: { awaySince },
      });
      if (!r.ok) continue;
      await this.routing.offer(c.id, now);
      return (await this.ctx.store.getConversation(c.id)) ?? r.conversation;
    }
    return this.ctx.store.getConversation(conversationId);
  }

  /**
   * Marks the queued chats whose customer has gone (run by the queue sweep, one instance at a time). Their standing
   * offer ends (no cool-down: nobody passed on it). Returns the chats marked.
   */
  async markGone(now = Date.now()): Promise<string[]> {
    const awayAfter = (this.ctx.options.awayAfterSeconds ?? 300) * 1000;
    const idleAfter = (this.ctx.options.idleAwaySeconds ?? 3600) * 1000;
    const marked: string[] = [];
    for (const c of await this.routing.queue()) {
      const info = c.queueInfo ?? { offeredTo: [] };
      const left = info.leftAt ? Date.parse(info.leftAt) : NaN;
      const seen = Date.parse(info.seenAt ?? c.queuedAt ?? c.updatedAt);
      const gone = Number.isFinite(left) ? now - left >= awayAfter : !info.watching && now - seen >= idleAfter;
      if (!gone) continue;
      const { offeredAt: _ended, ...rest } = info;
      const since = new Date(now).toISOString();
      const r = await this.ctx.move({
        conversationId: c.id,
        to: 'queued',
        cause: 'customer_left',
        from: ['queued'],
        expectedVersion: c.version,
        patch: { queueInfo: { ...rest, awaySince: since } },
        detail: { leftAt: info.leftAt, seenAt: info.seenAt },
      });
      if (r.ok) marked.push(c.id);
    }
    // Their agents' slots (offers that stood) are free for those still here.
    if (marked.length) await this.routing.offerWaiting(now);
    return marked;
  }

  /** The queued chats whose customer has gone, longest gone last. */
  async list(): Promise<Conversation[]> {
    const queued = await this.ctx.store.listConversations({ states: ['queued'], limit: 1000 });
    return queued.filter((c) => c.queueInfo?.awaySince).sort((a, b) => b.queueInfo!.awaySince!.localeCompare(a.queueInfo!.awaySince!));
  }
}
