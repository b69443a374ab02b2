import { AppError } from '../core/errors';
import type { Conversation, User } from '../models/records';
import { t } from '../locale/replies';
import { canSee } from '../review/accessPolicy';
import type { EscalationDecision, EscalationReason } from './escalationPolicy';
import { QUEUED_WRITE_ATTEMPTS, type HandoffContext } from './handoffContext';
import type { HandoffRouting } from './handoffRouting';
import type { TransitionResult } from './handoffStatus';

/** A claim this soon after the winner's is a race for a chat the loser's console showed queued (broadcasts are coalesced). */
const CLAIM_RACE_MS = 10_000;

/**
 * Who holds a chat, and every change of holder after the queue: claims, takeovers, supervisors' reassignments,
 * transfers, returns to the bot, closes, reopening, and the external contact centre's start and end.
 */
export class HandoffLifecycle {
  constructor(
    private readonly ctx: HandoffContext,
    private readonly routing: HandoffRouting,
  ) {}

  /** An agent takes a queued chat. Compare-and-set in the store: two agents never both win. */
  async claim(agentId: string, conversationId: string): Promise<Conversation> {
    const agent = await this.ctx.agent(agentId);
    const before = await this.ctx.conversation(conversationId);
    const r = await this.ctx.move({
      conversationId,
      to: 'agent',
      cause: 'claimed',
      from: ['queued'],
      agent: { id: agentId, maxActive: agent.capacity },
      patch: { assignedAt: new Date().toISOString() },
      actorId: agentId,
      detail: { agentName: agent.name },
    });
    if (!r.ok) throw this.claimError(r, agent, before);
    await this.presentAsHolder(agent);
    await this.routing.fitOffers(agentId);
    this.ctx.events.emit('conversation.assigned', { conversation: r.conversation, agentId, previousAgentId: null });
    await this.ctx.tell(r.conversation, t(r.conversation.language, 'agentJoined', { name: agent.name }));
    return r.conversation;
  }

  /**
   * Someone who just took a chat is present, whatever their stored presence says: a supervisor who took over without
   * ever going online was otherwise read as gone at the customer's next message, and the chat went back to the queue.
   * Going offline later (presence or a closed console) still hands their chats back.
   */
  private async presentAsHolder(user: User): Promise<void> {
    if (user.presence === 'offline') await this.ctx.store.updateUser(user.id, { presence: 'online' });
  }

  /**
   * A refused claim or takeover, judged by the state after the race (transition() reads it again), not before
   * (`before`: the chat as read when the request came in).
   */
  private claimError(r: Extract<TransitionResult, { ok: false }>, actor: Pick<User, 'id' | 'role'>, before?: Conversation): AppError {
    const agentId = actor.id;
    if (r.reason === 'not_found' || !r.current) return new AppError('HANDOFF_NOT_FOUND');
    if (r.reason === 'capacity') return new AppError('HANDOFF_AT_CAPACITY');
    // Taken by someone else: the loser of a race for a chat they could see is told (it was queued when they asked,
    // offered to them, they held it, or it left the queue so lately that their console still showed it); anyone else
    // gets the answer of a chat that does not exist (ids cannot be probed).
    if (r.current.state === 'agent' && r.current.agentId !== agentId) {
      const lately = r.current.assignedAt !== undefined && Date.now() - Date.parse(r.current.assignedAt) < CLAIM_RACE_MS;
      const sawIt = before?.state === 'queued' || r.current.queueInfo?.offeredTo.includes(agentId) || canSee(actor, r.current) || lately;
      return new AppError(sawIt ? 'HANDOFF_ALREADY_CLAIMED' : 'HANDOFF_NOT_FOUND');
    }
    // A closed or bot-state chat they never held answers like one that does not exist (review/accessPolicy.ts).
    if (!canSee(actor, r.current)) return new AppError('HANDOFF_NOT_FOUND');
    return new AppError('HANDOFF_INVALID_TRANSITION', `conversation is ${r.current.state}`);
  }

  /** A supervisor takes a live or queued chat; the previous agent is released. Audited. */
  async takeover(supervisorId: string, conversationId: string): Promise<Conversation> {
    const sup = await this.ctx.agent(supervisorId);
    const before = await this.ctx.conversation(conversationId);
    const r = await this.ctx.move({
      conversationId,
      to: 'agent',
      cause: 'taken_over',
      from: ['queued', 'agent'],
      expectedAgentId: before.agentId,
      agent: { id: sup.id, maxActive: Number.MAX_SAFE_INTEGER },
      patch: { assignedAt: new Date().toISOString() },
      actorId: sup.id,
      detail: { takeover: true },
    });
    if (!r.ok) throw this.claimError(r, sup);
    await this.presentAsHolder(sup);
    await this.routing.fitOffers(sup.id);
    await this.ctx.store.appendAudit({
      actorId: sup.id,
      action: 'chat.takeover',
      targetType: 'conversation',
      targetId: conversationId,
      data: { previousAgentId: r.previous.agentId },
    });
    this.ctx.events.emit('conversation.assigned', { conversation: r.conversation, agentId: sup.id, previousAgentId: r.previous.agentId });
    // The customer is told someone else writes now: a colleague continues a held chat; a queued one was simply joined.
    const notice = r.previous.state === 'agent' ? 'takenOver' : 'agentJoined';
    await this.ctx.tell(r.conversation, t(r.conversation.language, notice, { name: sup.name }));
    return r.conversation;
  }

  /**
   * A supervisor moves any open chat (queued or held) to another agent (within that agent's capacity) or to a skill
   * group (back to the queue with that skill, offered afresh). The previous agent is released like after a transfer;
   * the customer is told. Audited.
   */
  async reassign(supervisorId: string, conversationId: string, to: { agentId?: string; skill?: string }): Promise<Conversation> {
    const sup = await this.ctx.agent(supervisorId);
    const before = await this.ctx.conversation(conversationId);
    if (before.state !== 'queued' && before.state !== 'agent') throw new AppError('HANDOFF_INVALID_TRANSITION', `conversation is ${before.state}`);
    const now = new Date().toISOString();
    const detail = { reassignedBy: sup.id, fromAgentId: before.agentId ?? undefined, toAgentId: to.agentId, skill: to.skill };
    // Judged by the state after a refused move: a chat that changed meanwhile is not silently moved anyway.
    const refused = (r: Extract<TransitionResult, { ok: false }>) =>
      r.reason === 'not_found'
        ? new AppError('HANDOFF_NOT_FOUND')
        : r.reason === 'capacity'
          ? new AppError('HANDOFF_AT_CAPACITY', 'the target agent is at capacity')
          : new AppError('HANDOFF_INVALID_TRANSITION', 'the chat changed meanwhile; look again');
    let next: Conversation;
    if (to.agentId) {
      const target = await this.available(to.agentId);
      if (target.id === before.agentId) throw new AppError('VALIDATION_FAILED', 'this agent holds the chat already');
      const r = await this.ctx.move({
        conversationId,
        to: 'agent',
        cause: 'reassigned',
        from: ['queued', 'agent'],
        expectedAgentId: before.agentId,
        expectedVersion: before.version,
        agent: { id: target.id, maxActive: target.capacity },
        patch: { assignedAt: now },
        actorId: sup.id,
        detail,
      });
      if (!r.ok) throw refused(r);
      next = r.conversation;
      await this.routing.fitOffers(target.id);
    } else if (to.skill) {
      await this.requireSkill(to.skill);
      const patch = { skill: to.skill, queuedAt: before.queuedAt ?? now, queueInfo: { offeredTo: [] } };
      if (before.state === 'queued') {
        // Still queued: only its skill group changes (no change of state or owner), offered afresh. The customer sees
        // nothing of it, so what they were told (place and wait: queueEstimate.ts) and whether they are there stay.
        const { offeredTo: _offers, offeredAt: _offered, passedAt: _passed, ...kept } = before.queueInfo ?? { offeredTo: [] };
        const stays = { ...patch, queueInfo: { ...kept, offeredTo: [] } };
        const updated = await this.ctx.store.updateConversation(conversationId, stays, { states: ['queued'], version: before.version });
        if (!updated) throw new AppError('HANDOFF_INVALID_TRANSITION', 'the chat changed meanwhile; look again');
        await this.ctx.recordEvent(updated, { type: 'reassigned', ...detail }, sup.id);
        next = updated;
      } else {
        const r = await this.ctx.move({
          conversationId,
          to: 'queued',
          cause: 'reassigned',
          from: ['agent'],
          expectedAgentId: before.agentId,
          expectedVersion: before.version,
          patch: { ...patch, queuedAt: now },
          actorId: sup.id,
          detail,
        });
        if (!r.ok) throw refused(r);
        next = r.conversation;
      }
    } else {
      throw new AppError('VALIDATION_FAILED', 'reassign needs an agentId or a skill');
    }
    await this.ctx.store.appendAudit({ actorId: sup.id, action: 'chat.reassign', targetType: 'conversation', targetId: conversationId, data: detail });
    if (before.agentId)
      this.ctx.events.emit('conversation.transferred', { conversation: next, fromAgentId: before.agentId, toAgentId: to.agentId, skill: to.skill });
    if (next.state === 'agent') {
      this.ctx.events.emit('conversation.assigned', { conversation: next, agentId: next.agentId!, previousAgentId: before.agentId });
      const target = await this.ctx.agent(next.agentId!);
      if (before.state === 'agent') await this.ctx.tell(next, t(next.language, 'transferred'));
      await this.ctx.tell(next, t(next.language, 'agentJoined', { name: target.name }));
    } else {
      const ticket = await this.routing.ticket(next);
      this.ctx.events.emit('conversation.queued', {
        conversation: next,
        reason: (next.handoffReason as EscalationReason | undefined) ?? 'dialog_decided',
        detail: `reassigned to ${to.skill}`,
        position: ticket.position,
        estimatedWaitSeconds: ticket.estimatedWaitSeconds,
      });
      if (before.state === 'agent') await this.ctx.tell(next, t(next.language, 'transferred'));
      await this.routing.offer(next.id);
    }
    return (await this.ctx.store.getConversation(next.id)) ?? next;
  }

  /**
   * The agent a chat is handed to (a reassignment or a transfer) must be there to take it: an offline one would be
   * announced to the customer, then have the chat handed back to the queue by the presence watch moments later; an
   * away one is offered nothing by routing, and a chat pushed to them would wait unanswered after the customer was
   * told a colleague takes over. Their
   * capacity is checked in the same atomic step as the move (HANDOFF_AT_CAPACITY), with no override.
   */
  private async available(agentId: string): Promise<User> {
    const target = await this.ctx.agent(agentId);
    if (target.presence === 'offline') throw new AppError('HANDOFF_AGENT_OFFLINE', `${target.name} is offline; choose someone online`);
    if (target.presence === 'away') throw new AppError('HANDOFF_AGENT_AWAY', `${target.name} is away; choose someone online`);
    return target;
  }

  /**
   * A skill group exists while an account routing offers chats to has that skill: a chat sent to any other (by a
   * reassignment or a transfer) would wait in the queue for nobody.
   */
  private async requireSkill(skill: string): Promise<void> {
    const roles = this.ctx.options.offerRoles ?? ['agent'];
    const users = await this.ctx.store.listUsers();
    if (!users.some((u) => roles.includes(u.role) && u.skills.includes(skill)))
      throw new AppError('HANDOFF_UNKNOWN_SKILL', `no agent has the skill "${skill}"`);
  }

  /** To another agent (compare-and-set on the current owner, respecting the target's capacity) or back to the queue for a skill group. */
  async transfer(agentId: string, conversationId: string, to: { agentId?: string; skill?: string; note?: string }): Promise<Conversation> {
    await this.ctx.owned(agentId, conversationId);
    // The customer would be told they are passed to a colleague, and nothing would change.
    if (to.agentId === agentId) throw new AppError('HANDOFF_TRANSFER_TO_SELF');
    const now = new Date().toISOString();
    const detail = { fromAgentId: agentId, toAgentId: to.agentId, skill: to.skill };
    let next: Conversation;
    if (to.agentId) {
      const target = await this.available(to.agentId);
      const r = await this.ctx.move({
        conversationId,
        to: 'agent',
        cause: 'transferred',
        from: ['agent'],
        expectedAgentId: agentId,
        agent: { id: target.id, maxActive: target.capacity },
        patch: { assignedAt: now },
        actorId: agentId,
        detail,
      });
      // Refused for the owner: a takeover or reassignment landed since owned() let it through; say which.
      if (!r.ok)
        throw r.reason === 'capacity'
          ? new AppError('HANDOFF_AT_CAPACITY', 'the target agent is at capacity')
          : await this.ctx.lostHold(agentId, conversationId);
      next = r.conversation;
      await this.routing.fitOffers(target.id);
    } else if (to.skill) {
      await this.requireSkill(to.skill);
      const r = await this.ctx.move({
        conversationId,
        to: 'queued',
        cause: 'requeued',
        from: ['agent'],
        expectedAgentId: agentId,
        // A fresh place in the queue: the offers of its first wait ended when it was taken (one still "standing" showed
        // it as offered to the agent who just sent it away), and that agent passed it on (cool-down).
        patch: { skill: to.skill, queuedAt: now, queueInfo: { offeredTo: [], passedAt: { [agentId]: now } } },
        actorId: agentId,
        detail,
      });
      if (!r.ok) throw await this.ctx.lostHold(agentId, conversationId);
      next = r.conversation;
    } else {
      throw new AppError('VALIDATION_FAILED', 'transfer needs an agentId or a skill');
    }
    // The hand-over note is written as part of the transfer: its author no longer holds the chat, so not via note().
    if (to.note) {
      const { message } = await this.ctx.store.appendMessage({ conversationId, role: 'agent', kind: 'note', authorId: agentId, text: to.note });
      this.ctx.events.emit('message.created', { conversation: next, message });
    }
    this.ctx.events.emit('conversation.transferred', { conversation: next, fromAgentId: agentId, toAgentId: to.agentId, skill: to.skill, note: to.note });
    if (next.state === 'agent') this.ctx.events.emit('conversation.assigned', { conversation: next, agentId: next.agentId!, previousAgentId: agentId });
    else
      this.ctx.events.emit('conversation.queued', {
        conversation: next,
        reason: 'dialog_decided',
        detail: `transferred to ${to.skill}`,
        position: (await this.routing.ticket(next)).position,
        estimatedWaitSeconds: (await this.routing.ticket(next)).estimatedWaitSeconds,
      });
    await this.ctx.tell(next, t(next.language, 'transferred'));
    if (next.state === 'queued') await this.routing.offer(next.id);
    return next;
  }

  /** Agent → bot; the bot picks up with a welcome back. */
  async returnToBot(agentId: string, conversationId: string): Promise<Conversation> {
    await this.ctx.owned(agentId, conversationId);
    const r = await this.ctx.move({ conversationId, to: 'bot', cause: 'returned', from: ['agent'], expectedAgentId: agentId, actorId: agentId });
    if (!r.ok) throw await this.ctx.lostHold(agentId, conversationId);
    const next = r.conversation;
    this.ctx.events.emit('conversation.returned', { conversation: next, byAgentId: agentId });
    await this.ctx.tell(next, t(next.language, 'returnedToBot'));
    // A slot freed up; routing failing here must not turn the done change into an error.
    await this.routing.offerWaiting().catch(() => undefined);
    return next;
  }

  /** Closes and asks the customer for a 1–5 rating; the next customer message with a number is stored as the rating. */
  async close(agentId: string, conversationId: string): Promise<Conversation> {
    // Tags stay: supervisors review closed chats by them ('offline_message', their own tags). The tag list written is
    // worked out from the version read, compare-and-set on it: a tag set meanwhile is read again and kept.
    let r: TransitionResult | undefined;
    for (let attempt = 0; attempt < QUEUED_WRITE_ATTEMPTS && !r?.ok; attempt++) {
      const current = await this.ctx.owned(agentId, conversationId);
      r = await this.ctx.move({
        conversationId,
        to: 'closed',
        cause: 'closed',
        from: ['agent'],
        expectedAgentId: agentId,
        expectedVersion: current.version,
        patch: { closedAt: new Date().toISOString(), tags: [...new Set([...current.tags, 'survey_pending'])] },
        actorId: agentId,
      });
    }
    if (!r?.ok) throw await this.ctx.lostHold(agentId, conversationId);
    const withSurvey = r.conversation;
    this.ctx.events.emit('conversation.closed', { conversation: withSurvey, byAgentId: agentId });
    await this.ctx.tell(withSurvey, t(withSurvey.language, 'survey'));
    // A slot freed up; routing failing here must not turn the done change into an error.
    await this.routing.offerWaiting().catch(() => undefined);
    return withSurvey;
  }

  /**
   * closed → bot: the customer wrote again, or a social mention arrived. A survey still pending is dropped. Returns
   * the reopened conversation, or null when it was no longer closed.
   */
  async reopen(conversationId: string): Promise<Conversation | null> {
    const c = await this.ctx.conversation(conversationId);
    const r = await this.ctx.move({
      conversationId,
      to: 'bot',
      cause: 'reopened',
      from: ['closed'],
      patch: { tags: c.tags.filter((x) => x !== 'survey_pending') },
    });
    return r.ok ? r.conversation : null;
  }

  /** bot → external: a contact centre takes over through the Bot Framework handoff protocol. Null when the bot no longer had it. */
  async startExternal(conversationId: string, decision: EscalationDecision): Promise<Conversation | null> {
    const r = await this.ctx.move({
      conversationId,
      to: 'external',
      cause: 'external_started',
      from: ['bot'],
      patch: { handoffReason: decision.reason },
      detail: { reason: decision.reason },
    });
    return r.ok ? r.conversation : null;
  }

  /** external → closed (the contact centre completed) or bot (it failed), from its handoff.status event. */
  async endExternal(conversationId: string, status: 'completed' | 'failed'): Promise<Conversation | null> {
    const r = await this.ctx.move({
      conversationId,
      to: status === 'completed' ? 'closed' : 'bot',
      cause: 'external_ended',
      from: ['external'],
      detail: { handoffStatus: status },
    });
    return r.ok ? r.conversation : null;
  }
}
