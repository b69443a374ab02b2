// Over 400 lines: the queue's routing (offers, estimate, sweep, requeue) shares its reads of agents and offers; its estimate's arithmetic is already apart (queueEstimate.ts).
import { AppError } from '../core/errors';
import type { Conversation, User } from '../models/records';
import { t } from '../locale/replies';
import type { EscalationDecision, EscalationReason } from './escalationPolicy';
import { QUEUED_WRITE_ATTEMPTS, type HandoffContext } from './handoffContext';
import { sourcesOf } from './handoffStatus';
import { formatWaitRange, handlingTimes, heldToWhatWasSaid, keepingPlacesTold, noticeOf, overdueNotice, type QueueTicket } from './queueEstimate';

export { formatWait, formatWaitRange, type QueueTicket } from './queueEstimate';

/**
 * The queue: escalation and withdrawal, the customer's place and wait, routing and offers (timeouts, capacity),
 * and chats handed back to the queue when their agent goes offline.
 */
export class HandoffRouting {
  constructor(private readonly ctx: HandoffContext) {}

  /** Bot → queue. Returns the ticket the bot tells the customer. Idempotent for an already-queued chat. */
  async escalate(conversationId: string, decision: EscalationDecision): Promise<QueueTicket> {
    const c = await this.ctx.conversation(conversationId);
    if (c.state === 'queued') return this.tellTicket(c);
    const now = new Date().toISOString();
    const online = this.ctx.isOpen() ? await this.offerableAgents() : [];
    const tags = online.length === 0 ? [...new Set([...c.tags, 'offline_message'])] : c.tags;
    // An agent's chat goes back to the queue only by a transfer to a skill group.
    const r = await this.ctx.move({
      conversationId: c.id,
      to: 'queued',
      cause: 'escalated',
      from: sourcesOf('queued').filter((s) => s !== 'agent' && s !== 'queued'),
      expectedVersion: c.version,
      // A fresh stint in the queue: no offer stands (set with the move, so an offer made right after it stays).
      patch: {
        handoffReason: decision.reason,
        priority: decision.priorityBoost + (online.length === 0 ? 1 : 0),
        queuedAt: now,
        tags,
        queueInfo: { offeredTo: [] },
      },
      detail: { reason: decision.reason, detail: decision.detail },
    });
    if (!r.ok) throw new AppError('HANDOFF_INVALID_TRANSITION', `cannot queue a conversation in state ${r.current?.state ?? c.state}`);
    const queued = r.conversation;
    const ticket = await this.announceQueued(queued, decision.reason, decision.detail);
    await this.offer(queued.id);
    return ticket;
  }

  /**
   * The customer withdraws their request for a person while still queued (no agent took it yet): back to the bot.
   * Returns null when the chat was no longer queued (an agent took it meanwhile).
   */
  async withdraw(conversationId: string): Promise<Conversation | null> {
    for (let attempt = 0; attempt < QUEUED_WRITE_ATTEMPTS; attempt++) {
      const c = await this.ctx.conversation(conversationId);
      const r = await this.ctx.move({
        conversationId,
        to: 'bot',
        cause: 'withdrawn',
        from: ['queued'],
        expectedVersion: c.version,
        patch: { tags: c.tags.filter((x) => x !== 'offline_message') },
        detail: { withdrawnBy: 'customer' },
      });
      if (r.ok) {
        this.ctx.events.emit('conversation.withdrawn', { conversation: r.conversation });
        return r.conversation;
      }
      // Still queued, only written meanwhile (an offer, the place told): withdrawn from the chat as it is now.
      if (r.current?.state !== 'queued') return null;
    }
    return null;
  }

  /**
   * A problem reported while the chat waits (possible fraud, a parcel shown delivered that never came: `mark` names
   * it) makes it more urgent: priority up by the decision's boost through a `queued → queued` transition (cause
   * `priority_raised`, the reason and detail in its state event), a note in the transcript for whoever takes it, the
   * queue's views told (`conversation.queued` again, as a reassignment to a skill group does), and an offer if a slot
   * is free. Once per problem in a stint: reporting it again changes nothing. Places told to others hold: the queue
   * lets a chat of higher priority overtake a told chat only as far as its slack (keepingPlacesTold). Null when the
   * chat is no longer queued (taken or withdrawn meanwhile).
   */
  async markUrgent(conversationId: string, decision: EscalationDecision, mark: string): Promise<{ conversation: Conversation; raised: boolean } | null> {
    for (let attempt = 0; attempt < QUEUED_WRITE_ATTEMPTS; attempt++) {
      const c = await this.ctx.conversation(conversationId);
      if (c.state !== 'queued') return null;
      const info = c.queueInfo ?? { offeredTo: [] };
      if (info.urgent?.includes(mark)) return { conversation: c, raised: false };
      const r = await this.ctx.move({
        conversationId,
        to: 'queued',
        cause: 'priority_raised',
        from: ['queued'],
        expectedVersion: c.version,
        patch: { priority: c.priority + decision.priorityBoost, queueInfo: { ...info, urgent: [...(info.urgent ?? []), mark] } },
        detail: { reason: decision.reason, detail: decision.detail, priority: { from: c.priority, to: c.priority + decision.priorityBoost } },
      });
      // Written meanwhile (an offer, the place told, the customer seen): read again.
      if (!r.ok) continue;
      const raised = r.conversation;
      const { message } = await this.ctx.store.appendMessage({ conversationId, role: 'system', kind: 'note', text: decision.detail });
      this.ctx.events.emit('message.created', { conversation: raised, message });
      const { ticket } = await this.estimate(raised, Date.now());
      this.ctx.events.emit('conversation.queued', {
        conversation: raised,
        reason: decision.reason,
        detail: decision.detail,
        position: ticket.position,
        estimatedWaitSeconds: ticket.estimatedWaitSeconds,
      });
      if (!this.standingOffer(raised, Date.now())) await this.offer(raised.id);
      return { conversation: (await this.ctx.store.getConversation(conversationId)) ?? raised, raised: true };
    }
    return null;
  }

  /**
   * Position and an honest wait, from the real queue: the chats ahead (and how long they have waited already), the
   * free capacity of the agents who can be offered this chat, and the handling times of recent chats. Never below what
   * the chats ahead have already waited (a queue that has not moved for them will not move faster for this one), nor
   * below the cool-down of the only agents with a free slot who passed on this chat; a range when the handling times
   * spread or are few.
   */
  async ticket(c: Conversation, now = Date.now()): Promise<QueueTicket> {
    return (await this.estimate(c, now)).ticket;
  }

  /**
   * The place and wait to tell the customer now: the fresh ticket held to what they were told before (a wait told
   * only counts down, a place told never goes back, unless agents went away: queueEstimate.ts), kept as told.
   */
  async tellTicket(c: Conversation, now = Date.now()): Promise<QueueTicket> {
    const { ticket, capacity } = await this.estimate(c, now);
    const said = heldToWhatWasSaid(ticket, c.queueInfo?.lastNotice, capacity, now);
    if (said.agentsOnline > 0) await this.keepNotice(c.id, said, capacity, now);
    return said;
  }

  /**
   * Records what the customer was told (on the chat as it is now: an offer made meanwhile stays, even between read and
   * write), kept to the time the notice before it promised while that stands (noticeOf).
   */
  private async keepNotice(conversationId: string, said: QueueTicket, capacity: number, now: number, late = false): Promise<void> {
    await this.ctx.updateQueued(conversationId, (fresh) => {
      const notice = noticeOf(said, capacity, now, fresh.queueInfo?.lastNotice);
      return { queueInfo: { ...(fresh.queueInfo ?? { offeredTo: [] }), lastNotice: late ? { ...notice, late } : notice } };
    });
  }

  /** The fresh ticket, and the places agents online have in all (`capacity`: fewer later is a reason to say a longer wait). */
  private async estimate(c: Conversation, now: number): Promise<{ ticket: QueueTicket; capacity: number }> {
    const queue = await this.queue();
    const index = queue.findIndex((q) => q.id === c.id);
    const ahead = index >= 0 ? queue.slice(0, index) : queue;
    const position = ahead.length + 1;
    // Outside business hours nobody counts as available, whatever their presence says.
    const online = this.ctx.isOpen(new Date(now)) ? await this.offerableAgents() : [];
    if (online.length === 0) return { ticket: { position, estimatedWaitSeconds: -1, agentsOnline: 0 }, capacity: 0 };
    const capacity = online.reduce((n, a) => n + a.capacity, 0);
    // Free slots of agents this chat may be offered to now, and of those cooling down after passing on it.
    let freeNow = 0;
    let freeCooling = 0;
    let coolingEnds = Infinity;
    for (const a of online) {
      const slots = Math.max(0, a.capacity - (await this.ctx.store.countActiveChats(a.id)));
      const until = this.coolingUntil(c, a.id);
      if (until <= now) freeNow += slots;
      else if (slots > 0) [freeCooling, coolingEnds] = [freeCooling + slots, Math.min(coolingEnds, until)];
    }
    const handle = handlingTimes(await this.ctx.store.listConversations({ states: ['closed'], limit: 200 }), this.ctx.options.defaultHandleSeconds);
    const waitedAhead = Math.max(0, ...ahead.map((q) => (now - Date.parse(q.queuedAt ?? q.updatedAt)) / 1000));
    let low: number;
    let mid: number;
    let high: number;
    if (position <= freeNow) {
      // A free slot takes the chat as soon as an agent accepts the offer.
      [low, mid, high] = [0, 30, 60];
    } else if (position <= freeNow + freeCooling) {
      // The free slots belong to agents who passed on this chat: it is offered to them again after the cool-down.
      const cooling = (coolingEnds - now) / 1000;
      [low, mid, high] = [cooling, cooling + 30, cooling + 60];
    } else {
      // Each chat beyond the free slots waits for one to free up: with every slot busy, one frees up every
      // handling time ÷ capacity on average.
      const slots = position - freeNow - freeCooling;
      [low, mid, high] = [handle.low, handle.median, handle.high].map((h) => (slots * h) / Math.max(1, capacity)) as [number, number, number];
    }
    low = Math.max(low, waitedAhead);
    mid = Math.max(mid, waitedAhead);
    high = Math.max(high, mid, waitedAhead * 1.5);
    return {
      ticket: { position, estimatedWaitSeconds: Math.round(mid), waitRange: { low: Math.round(low), high: Math.round(high) }, agentsOnline: online.length },
      capacity,
    };
  }

  /**
   * Queued chats in the order they are served (and offered): priority first, then who asked for a person first, but
   * never behind the place its customer was told (keepingPlacesTold): a chat of higher priority overtakes a told chat
   * only as far as that chat has slack.
   */
  async queue(): Promise<Conversation[]> {
    // Chats whose customer has gone (customerAway.ts) count ahead of nobody and are offered to nobody.
    const queued = (await this.ctx.store.listConversations({ states: ['queued'], limit: 1000 })).filter((c) => !c.queueInfo?.awaySince);
    const asked = (c: Conversation) => c.queuedAt ?? c.createdAt;
    queued.sort((a, b) => b.priority - a.priority || asked(a).localeCompare(asked(b)) || a.id.localeCompare(b.id));
    // A chat its agent accepted and then let go (went offline or away) had reached the head already: it goes back
    // there, ahead of the places told to those who asked after it (a place behind it anyway), but never ahead of a
    // place told to one who asked before it: a chat served out of turn (the older ones were cooling down for the free
    // agent, who had passed on them) must not, when it returns, push back those it was behind.
    const returned = queued.filter((c) => c.queueInfo?.returnedAt);
    const ordered = [...returned, ...queued.filter((c) => !c.queueInfo?.returnedAt)];
    return keepingPlacesTold(ordered, (c) => {
      const notice = c.queueInfo?.lastNotice;
      // A notice without a wait ("nobody is online") told no place; a returned chat stands where it is put.
      if (c.queueInfo?.returnedAt || !notice || notice.waitSeconds < 0) return undefined;
      // One place of slack for each returned chat that asked for a person before this one did.
      return notice.position + returned.filter((r) => asked(r) < asked(c)).length;
    });
  }

  /**
   * Staff who can be offered chats now: online, with capacity, in a role routing offers to (OFFER_ROLES). Supervisors
   * online do not make a customer wait for a person who will never be offered the chat.
   */
  private async offerableAgents(): Promise<User[]> {
    const roles = this.ctx.options.offerRoles ?? ['agent'];
    return (await this.ctx.store.listUsers()).filter((u) => u.presence === 'online' && u.capacity > 0 && roles.includes(u.role));
  }

  /** Whether any agent who can be offered chats holds fewer than their capacity: else no offer can succeed. */
  private async anySlot(): Promise<boolean> {
    for (const a of await this.offerableAgents()) if ((await this.ctx.store.countActiveChats(a.id)) < a.capacity) return true;
    return false;
  }

  /** The agent a chat is offered to now: its last offer, unless declined or timed out. */
  private standingOffer(c: Conversation, now: number): string | undefined {
    const to = c.queueInfo?.offeredTo.at(-1);
    const at = c.queueInfo?.offeredAt ? Date.parse(c.queueInfo.offeredAt) : NaN;
    return to && now - at < this.ctx.options.offerTimeoutSeconds * 1000 ? to : undefined;
  }

  /** Until when (ms) an agent who passed on this chat (declined it, or let the offer time out) is not offered it again. */
  private coolingUntil(c: Conversation, agentId: string): number {
    const at = c.queueInfo?.passedAt?.[agentId];
    return at ? Date.parse(at) + (this.ctx.options.offerCooldownSeconds ?? 120) * 1000 : -Infinity;
  }

  /**
   * Routing: among online agents of the offered roles under capacity (chats held plus offers standing) who did not
   * pass on this chat within the cool-down, those with the skill and language first, then those not offered it
   * before, then the least busy relative to capacity.
   */
  async pickAgent(c: Conversation, exclude: readonly string[] = [], now = Date.now()): Promise<User | undefined> {
    const agents = await this.offerableAgents();
    // Nobody to offer to: the queue's standing offers need not be read (the sweep tries every waiting chat).
    if (agents.length === 0) return undefined;
    const offers = await this.standingOffers(c.id, now);
    const offeredBefore = new Set(c.queueInfo?.offeredTo ?? []);
    const candidates = [];
    for (const a of agents) {
      if (exclude.includes(a.id) || this.coolingUntil(c, a.id) > now) continue;
      const load = (await this.ctx.store.countActiveChats(a.id)) + (offers.get(a.id) ?? 0);
      if (load >= a.capacity) continue;
      const fit = (!c.skill || a.skills.includes(c.skill) ? 0 : 2) + (!c.language || a.languages.length === 0 || a.languages.includes(c.language) ? 0 : 1);
      candidates.push({ a, fit, again: offeredBefore.has(a.id) ? 1 : 0, load: load / a.capacity });
    }
    candidates.sort((x, y) => x.fit - y.fit || x.again - y.again || x.load - y.load);
    return candidates[0]?.a;
  }

  /** Offers standing per agent (a queued chat's last offer, neither declined nor timed out), besides the chat `except`. */
  private async standingOffers(except: string, now = Date.now()): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const q of await this.ctx.store.listConversations({ states: ['queued'], limit: 1000 })) {
      const to = q.id === except ? undefined : this.standingOffer(q, now);
      if (to) out.set(to, (out.get(to) ?? 0) + 1);
    }
    return out;
  }

  /**
   * Offers every queued chat without a standing offer, in queue order (highest priority, then longest waiting), as far
   * as capacity allows: run when an agent comes online, frees a slot or declines, so chats are spread at once instead
   * of after an offer timeout.
   */
  async offerWaiting(now = Date.now()): Promise<string[]> {
    const offered: string[] = [];
    if (!(await this.anySlot())) return offered;
    const queue = await this.queue();
    for (const c of queue) {
      if (this.standingOffer(c, now)) continue;
      if (await this.offer(c.id, now)) offered.push(c.id);
    }
    await this.tellAgentsBack(queue, now);
    return offered;
  }

  /**
   * Customers told nobody was online hear, once, that someone is now, with their place and wait (not silence until an
   * agent accepts). The sweep tells any this misses (an agent back with every slot taken).
   */
  private async tellAgentsBack(queue: readonly Conversation[], now: number): Promise<void> {
    for (const q of queue) {
      if (!q.queueInfo?.lastNotice || q.queueInfo.lastNotice.waitSeconds >= 0) continue;
      const fresh = await this.ctx.store.getConversation(q.id);
      if (fresh?.state !== 'queued' || !fresh.queueInfo?.lastNotice || fresh.queueInfo.lastNotice.waitSeconds >= 0) continue;
      const { ticket, capacity } = await this.estimate(fresh, now);
      if (ticket.agentsOnline === 0) return;
      await this.keepNotice(fresh.id, ticket, capacity, now);
      await this.ctx.tell(fresh, t(fresh.language, 'queueAgentsBack', { position: ticket.position, wait: formatWaitRange(ticket, fresh.language) }));
    }
  }

  /**
   * Offers a queued chat to the best agent (not the one it stands offered to); returns who, if anyone. A write landing
   * since the read (the customer seen, their place told) is read again; another offer meanwhile routed it already.
   * `left`: agents found gone after being picked (not picked again in this call).
   */
  async offer(conversationId: string, now = Date.now(), left: readonly string[] = []): Promise<string | undefined> {
    let seen: string | undefined;
    for (let attempt = 0; attempt < QUEUED_WRITE_ATTEMPTS; attempt++) {
      const c = await this.ctx.store.getConversation(conversationId);
      if (!c || c.state !== 'queued' || c.queueInfo?.awaySince) return undefined;
      const standing = this.standingOffer(c, now);
      if (attempt > 0 && standing !== seen) return undefined;
      seen = standing;
      const best = await this.pickAgent(c, standing ? [standing, ...left] : left, now);
      if (!best) return undefined;
      const next = await this.ctx.store.updateConversation(
        c.id,
        { queueInfo: { ...c.queueInfo, offeredTo: [...(c.queueInfo?.offeredTo ?? []), best.id], offeredAt: new Date(now).toISOString() } },
        { states: ['queued'], version: c.version },
      );
      if (next) {
        // Picked as online, gone offline or away before the offer landed (their own withdrawal ran in between): an offer
        // to someone who left would stand for its whole timeout, so it is withdrawn and the chat offered on.
        if ((await this.ctx.store.getUser(best.id))?.presence !== 'online')
          return (await this.withdrawOffer(next)) ? this.offer(conversationId, now, [...left, best.id]) : undefined;
        this.ctx.events.emit('conversation.offered', { conversation: next, agentId: best.id });
        return best.id;
      }
    }
    return undefined;
  }

  /**
   * An agent who just took a chat (from Unassigned, a takeover, a reassignment) keeps only the offers their free slots
   * cover, those nearest the head of the queue; the rest are withdrawn (no cool-down: they did not pass on them) and
   * offered on. Chats held plus offers standing never exceed capacity, so a console never counts an offer its agent
   * could not accept. Returns the chats whose offer was withdrawn.
   */
  async fitOffers(agentId: string, now = Date.now()): Promise<string[]> {
    const agent = await this.ctx.store.getUser(agentId);
    if (!agent) return [];
    const standing = (await this.queue()).filter((q) => this.standingOffer(q, now) === agentId);
    const free = Math.max(0, agent.capacity - (await this.ctx.store.countActiveChats(agentId)));
    const withdrawn: string[] = [];
    for (const q of standing.slice(free)) {
      if (!(await this.withdrawOffer(q))) continue;
      withdrawn.push(q.id);
      await this.offer(q.id, now);
    }
    return withdrawn;
  }

  /**
   * The agent went offline or away: every offer standing to them is withdrawn at once (no cool-down: they did not pass
   * on it) and offered on, so no console counts down an offer its agent is not there to take. Returns those chats.
   */
  async withdrawOffers(agentId: string, now = Date.now()): Promise<string[]> {
    const withdrawn: string[] = [];
    for (const q of await this.queue()) {
      if (this.standingOffer(q, now) !== agentId || !(await this.withdrawOffer(q))) continue;
      withdrawn.push(q.id);
      await this.offer(q.id, now);
    }
    return withdrawn;
  }

  /** No offer stands on the chat any more (compare-and-set on the version read); null when it changed meanwhile. */
  private async withdrawOffer(q: Conversation): Promise<Conversation | null> {
    const { offeredAt: _withdrawn, ...info } = q.queueInfo ?? { offeredTo: [] };
    return this.ctx.store.updateConversation(q.id, { queueInfo: info }, { states: ['queued'], version: q.version });
  }

  /**
   * The offered agent passes on the chat: their slot is free at once, they are not offered this chat again for the
   * cool-down (OFFER_COOLDOWN_SECONDS), and every waiting chat is offered afresh in queue order (this one to the next
   * agent, a waiting one perhaps to them). Returns who the chat stands offered to now, if anyone.
   */
  async decline(agentId: string, conversationId: string, now = Date.now()): Promise<string | undefined> {
    const c = await this.ctx.store.getConversation(conversationId);
    // Only the agent holding the offer may pass it on; anything else looks like a chat that does not exist.
    if (!c || c.state !== 'queued' || this.standingOffer(c, now) !== agentId) throw new AppError('HANDOFF_NOT_FOUND');
    const passed = await this.ctx.store.updateConversation(c.id, { queueInfo: this.passedOn(c, agentId, now) }, { states: ['queued'], version: c.version });
    if (!passed) throw new AppError('HANDOFF_INVALID_TRANSITION', 'the chat changed meanwhile; look again');
    await this.offerWaiting(now);
    const after = await this.ctx.store.getConversation(c.id);
    return after ? this.standingOffer(after, now) : undefined;
  }

  /** The queue info after `agentId` passed on the chat at `now`: no offer stands, and their cool-down starts. */
  private passedOn(c: Conversation, agentId: string, now: number): NonNullable<Conversation['queueInfo']> {
    const { offeredAt: _ended, ...info } = c.queueInfo ?? { offeredTo: [] };
    return { ...info, passedAt: { ...info.passedAt, [agentId]: new Date(now).toISOString() } };
  }

  /**
   * Runs periodically: a chat whose offer was not accepted in time goes one priority up and to the next agent;
   * customers whose position or wait changed meaningfully are told again.
   */
  async sweep(now = new Date()): Promise<{ reoffered: string[]; notified: string[] }> {
    const reoffered: string[] = [];
    const notified: string[] = [];
    const at = now.getTime();
    // Trying every waiting chat is pointless while every agent's slots are taken by chats they hold.
    const slots = await this.anySlot();
    const offerable = new Set((await this.offerableAgents()).map((a) => a.id));
    for (let c of await this.queue()) {
      // An offer standing to someone no longer offered chats (went offline or away by a way that did not withdraw it).
      const gone = this.standingOffer(c, at);
      if (gone && !offerable.has(gone)) {
        const withdrawn = await this.withdrawOffer(c);
        if (!withdrawn) continue;
        c = withdrawn;
      }
      const lapsedTo = c.queueInfo?.offeredAt && !this.standingOffer(c, at) ? c.queueInfo.offeredTo.at(-1) : undefined;
      if (lapsedTo) {
        // The offer timed out: the agent's slot is free again, they cool down like after a decline.
        const raised = await this.ctx.store.updateConversation(
          c.id,
          { priority: c.priority + 1, queueInfo: this.passedOn(c, lapsedTo, at) },
          { states: ['queued'], version: c.version },
        );
        if (raised && (await this.offer(c.id, at))) reoffered.push(c.id);
      } else if (slots && !this.standingOffer(c, at) && (await this.offer(c.id, at))) {
        // Nobody had it: a slot freed up or a cool-down ended since it was last tried.
        reoffered.push(c.id);
      }
      const fresh = await this.ctx.store.getConversation(c.id);
      if (!fresh || fresh.state !== 'queued') continue;
      const { ticket: estimate, capacity } = await this.estimate(fresh, at);
      const last = fresh.queueInfo?.lastNotice;
      const ticket = heldToWhatWasSaid(estimate, last, capacity, at);
      // Told again only when the place improved, after a long quiet interval, when someone is there after "nobody is
      // online", or when the wait told ran out (overdueNotice): a customer once got six "You are number 1" notices in
      // 4 minutes, the estimate flipping between them as the queue's figures moved; another heard nothing for 7
      // minutes after "under 1 minute".
      const quiet = (this.ctx.options.queueNoticeQuietSeconds ?? 600) * 1000;
      const back = last !== undefined && last.waitSeconds < 0;
      const late = !back && overdueNotice(last, at);
      const moved = !last || back || late || ticket.position < last.position || at - Date.parse(last.at ?? fresh.queuedAt ?? fresh.updatedAt) >= quiet;
      // Never told a place yet and offered to an agent now (a transfer or reassignment to a skill group): the customer
      // was told they are passed on; a place number only once it waits with no offer (outside test 29, LOW 9).
      const offeredNow = !last && !!this.standingOffer(fresh, at);
      if (moved && ticket.agentsOnline > 0 && !offeredNow) {
        await this.keepNotice(fresh.id, ticket, capacity, at, late);
        const key = back ? 'queueAgentsBack' : late ? 'queueOverdue' : 'queuePosition';
        await this.ctx.tell(fresh, t(fresh.language, key, { position: ticket.position, wait: formatWaitRange(ticket, fresh.language) }));
        notified.push(fresh.id);
      }
    }
    return { reoffered, notified };
  }

  /**
   * The agent went offline (said so, or their last console closed and the grace passed): every chat they hold goes
   * back to the queue through transition(), ahead of newer requests, its customer is told (another agent, or the
   * leave-a-message path when nobody is online), and it is offered to the next agent. Returns the requeued chats.
   */
  async releaseAgentChats(agentId: string): Promise<Conversation[]> {
    const held = await this.ctx.store.listConversations({ agentId, states: ['agent'], limit: 1000 });
    const out: Conversation[] = [];
    for (const c of held) {
      const next = await this.requeueFromAgent(c, 'agent_offline');
      if (next) out.push(next);
    }
    // Offers standing to them move on now, not after the offer timeout.
    await this.withdrawOffers(agentId);
    return out;
  }

  /**
   * A chat just queued (its queue info reset by the move): the console and webhooks hear of it with its place and
   * wait, and what the customer is told is kept. An offer made since the move (an agent came online) stays.
   */
  private async announceQueued(queued: Conversation, reason: EscalationReason, detail: string): Promise<QueueTicket> {
    const now = Date.now();
    const { ticket, capacity } = await this.estimate(queued, now);
    this.ctx.events.emit('conversation.queued', {
      conversation: queued,
      reason,
      detail,
      position: ticket.position,
      estimatedWaitSeconds: ticket.estimatedWaitSeconds,
    });
    await this.ctx.updateQueued(queued.id, (c) => ({ queueInfo: { ...(c.queueInfo ?? { offeredTo: [] }), lastNotice: noticeOf(ticket, capacity, now) } }));
    return ticket;
  }

  /**
   * `agent_away`: only when a colleague could take it now (an away holder may be back in a minute; with nobody else
   * to answer, moving the chat would only trade a waiting customer for one told nobody is there).
   */
  async requeueFromAgent(c: Conversation, cause: 'agent_offline' | 'agent_away'): Promise<Conversation | null> {
    const now = new Date().toISOString();
    const online = this.ctx.isOpen() ? (await this.offerableAgents()).filter((a) => a.id !== c.agentId) : [];
    if (cause === 'agent_away' && online.length === 0) return null;
    const tags = online.length === 0 ? [...new Set([...c.tags, 'offline_message'])] : c.tags;
    const r = await this.ctx.move({
      conversationId: c.id,
      to: 'queued',
      cause,
      from: ['agent'],
      expectedAgentId: c.agentId,
      // It keeps the place it first queued at, goes one priority up and ahead of chats never taken (returnedAt): this
      // customer reached the head of the queue once already and is never told a later place for it.
      patch: { queuedAt: c.queuedAt ?? now, priority: c.priority + 1, tags, queueInfo: { offeredTo: [], returnedAt: now } },
      detail: { reason: cause, previousAgentId: c.agentId },
    });
    if (!r.ok) return null;
    const queued = r.conversation;
    const ticket = await this.announceQueued(queued, 'dialog_decided', cause === 'agent_away' ? 'the agent was away and silent' : 'the agent went offline');
    await this.ctx.tell(
      queued,
      ticket.agentsOnline > 0
        ? t(queued.language, 'agentLeftRequeued', { position: ticket.position, wait: formatWaitRange(ticket, queued.language) })
        : t(queued.language, 'agentLeftNobody'),
    );
    await this.offer(queued.id);
    return queued;
  }
}
