import { ActivityTypes, DeliveryModes, TurnContext, type ConversationState as BotConversationState, type StatePropertyAccessor, type Activity } from 'botbuilder';
import type { Logger } from '../core/logger';
import { MainDialog } from '../dialogs/mainDialog';
import { t } from '../locale/replies';
import { setTurnInfo } from '../dialogs/turnInfo';
import { parseRating } from '../dialogs/feedbackDialog';
import { decideEscalation, type EscalationDecision, type EscalationPolicyConfig } from '../handoff/escalationPolicy';
import { formatWait, type HandoffService } from '../handoff/handoffService';
import type { AttachmentMeta, ChannelReference, Conversation, Customer } from '../models/records';
import type { Recognition, Recognizer } from '../nlu/recognizer';
import type { ProfileService } from '../profile/profileService';
import type { IdentityResolution } from '../profile/identityResolution';
import type { SiteIdentity } from '../auth/siteToken';

/** Turn state key under which our own web chat channel passes a visitor identity its signed site token proved. */
export const VERIFIED_IDENTITY = Symbol.for('crm.verifiedIdentity');
import type { BotStateStorage } from '../store/botStateStorage';
import type { Store } from '../store/store';

export interface SupportBotDeps {
  store: Store;
  recognizer: Recognizer;
  profiles: ProfileService;
  identity: IdentityResolution;
  handoff: HandoffService;
  mainDialog: MainDialog;
  /** Stores a 1–5 rating on the conversation and the profile. */
  recordSatisfaction(conversationId: string, score: number, comment?: string): Promise<void>;
  conversationState: BotConversationState;
  failures: StatePropertyAccessor<number>;
  policy: EscalationPolicyConfig;
  nluMaxChars: number;
  log: Logger;
  /** Channels whose contact centre takes over through the Bot Framework handoff protocol instead of our console. */
  externalHandoffChannels: readonly string[];
  /** conversationState's storage: given the dialog state each turn reads with its other reads (store.readTurn). */
  stateStorage?: BotStateStorage;
}

const MAX_ATTACHMENTS = 20;

/** A turn's own writes resolve once applied; the turn makes them durable (store.sync) before anyone learns of them. */
const DEFERRED = { deferSync: true } as const;

/**
 * One turn: store the customer's message first (exactly once per activity id), then either relay it to the
 * agent who owns the chat, or recognize it, update the profile, escalate or answer with dialogs. Every bot
 * message is stored before it is sent (see storeOutgoing).
 *
 * The turn's routine writes (a first contact's customer and conversation, the customer's message, the profile, the
 * bot's replies, the dialog state) are made with `deferSync` and made durable together: before a reply leaves the
 * process, before a message is relayed to an agent, and before the turn ends (and with it the HTTP answer). On the
 * embedded store that is one commit and one fsync per turn instead of one per write.
 */
export class SupportBot {
  constructor(private readonly d: SupportBotDeps) {}

  async onTurn(context: TurnContext): Promise<void> {
    await this.route(context);
    await this.d.store.sync();
  }

  private async route(context: TurnContext): Promise<void> {
    switch (context.activity.type) {
      case ActivityTypes.Message:
        return this.onMessage(context);
      case ActivityTypes.ConversationUpdate:
        return this.onConversationUpdate(context);
      case ActivityTypes.Typing:
        return this.onTyping(context);
      case ActivityTypes.Event:
        return this.onEvent(context);
      default:
        // Bot Framework asks bots to ignore activity types they do not handle.
        return;
    }
  }

  private async ingestConversation(context: TurnContext): Promise<{ customer: Customer; conversation: Conversation; created: boolean }> {
    const a = context.activity;
    // The customer, the conversation and the dialog state in one store round trip; the state is handed to
    // botbuilder's storage and loaded at once, so loading it later costs nothing.
    const stateKey = this.d.stateStorage ? this.d.conversationState.getStorageKey(context) : undefined;
    const read = await this.d.store.readTurn({ key: { kind: 'channel', channelId: a.channelId, userId: a.from.id }, channelId: a.channelId, channelConversationId: a.conversation.id, stateKeys: stateKey ? [stateKey] : [] });
    if (stateKey) {
      this.d.stateStorage!.prime(stateKey, read.state[stateKey]);
      await this.d.conversationState.load(context);
    }
    let customer = await this.d.profiles.resolve({ channelId: a.channelId, userId: a.from.id, name: a.from.name, locale: a.locale }, DEFERRED, read.customer);
    const verified = context.turnState.get(VERIFIED_IDENTITY) as SiteIdentity | undefined;
    if (verified?.email && !customer.contacts.some((p) => p.type === 'email' && p.value === verified.email && p.verified)) {
      // May merge this visitor into the profile that already holds the verified email.
      customer = await this.d.identity.applyVerifiedContact(customer.id, { type: 'email', value: verified.email }, 'signed_token');
    }
    if (verified?.name && !customer.displayName) customer = await this.d.profiles.update(customer.id, () => ({ displayName: verified.name }));
    const reference = TurnContext.getConversationReference(a) as unknown as ChannelReference;
    const { conversation, created } = read.conversation ? { conversation: read.conversation, created: false } : await this.d.store.getOrCreateConversation({
      channelId: a.channelId,
      channelConversationId: a.conversation.id,
      customerId: customer.id,
      reference,
      language: customer.language,
    }, DEFERRED);
    // The channel may move the conversation (new serviceUrl); keep the reference we write back with current.
    if (!created && conversation.reference.serviceUrl !== reference.serviceUrl) {
      const updated = await this.d.store.updateConversation(conversation.id, { reference });
      if (updated) return { customer, conversation: updated, created };
    }
    return { customer, conversation, created };
  }

  private storeOutgoing(context: TurnContext, conversation: Conversation): void {
    // With expectReplies, replies are only buffered until the turn's answer, which waits for sync() anyway.
    const buffered = context.activity.deliveryMode === DeliveryModes.ExpectReplies;
    context.onSendActivities(async (_ctx, activities, next) => {
      for (const act of activities) {
        if (act.type !== ActivityTypes.Message) continue;
        await this.d.store.appendMessage({
          conversationId: conversation.id,
          role: 'bot',
          kind: 'message',
          text: typeof act.text === 'string' ? act.text : '',
          data: act.replyToId ? { replyToId: act.replyToId } : undefined,
        }, DEFERRED);
      }
      if (!buffered) await this.d.store.sync();
      return next();
    });
  }

  private async onMessage(context: TurnContext): Promise<void> {
    const a = context.activity;
    const { customer, conversation, created: newConversation } = await this.ingestConversation(context);
    const activityId = typeof a.id === 'string' && a.id ? a.id : undefined;

    const text = typeof a.text === 'string' ? a.text : '';
    const attachments = attachmentMeta(a);
    const recognition = await this.d.recognizer.recognize(text, { language: customer.language });
    const { message, created } = await this.d.store.appendMessage({
      conversationId: conversation.id,
      role: 'customer',
      kind: 'message',
      authorId: customer.id,
      text,
      attachments,
      activityId,
      intent: recognition.intent,
      score: round(recognition.score),
      sentiment: round(recognition.sentiment),
      language: recognition.language,
    }, DEFERRED);
    // A retried activity is stored once (the store's exactly-once append) and not answered again.
    if (!created) return;
    const recentSentiment = customer.sentiment.slice(-5).map((s) => s.score);
    const profile = await this.d.profiles.recordMessage(customer.id, {
      sentiment: recognition.sentiment,
      language: recognition.language,
      conversationId: conversation.id,
      at: message.createdAt,
      newConversation,
    }, customer, DEFERRED);

    if (conversation.state === 'agent' || conversation.state === 'queued') {
      await this.d.store.sync();
      this.d.handoff.relayCustomerMessage(conversation, message);
      return;
    }
    if (conversation.state === 'external') return;

    this.storeOutgoing(context, conversation);
    let current = conversation;
    if (conversation.state === 'closed') {
      const rating = conversation.tags.includes('survey_pending') ? parseRating(text) : undefined;
      if (rating !== undefined) {
        await this.d.recordSatisfaction(conversation.id, rating, text.replace(/\b[1-5]\b/, '').trim().slice(0, 1000) || undefined);
        await context.sendActivity(t(profile.language ?? recognition.language, 'thanksFeedback'));
        return;
      }
      const reopened = await this.d.store.updateConversation(conversation.id, { state: 'bot', tags: conversation.tags.filter((x) => x !== 'survey_pending') }, { states: ['closed'] });
      if (reopened) current = reopened;
    }

    const language = this.replyLanguage(profile, recognition);
    setTurnInfo(context, { recognition, customer: profile, conversation: current, language });

    if (text.trim() === '' && attachments.length === 0) {
      await context.sendActivity(t(language, 'emptyMessage'));
      return this.d.conversationState.saveChanges(context);
    }
    if (text.trim() === '' && attachments.length > 0) {
      await context.sendActivity(t(language, 'attachmentReceived', { name: attachments[0].name ?? attachments[0].contentType }));
      return this.d.conversationState.saveChanges(context);
    }

    let failures = await this.d.failures.get(context, 0);
    const decision = decideEscalation({ recognition, failures, customer: profile, recentSentiment }, this.d.policy);
    // While a dialog waits for an answer (an order number, an email), the text's intent is noise: only an explicit
    // request for a person or strong negative feeling interrupts it.
    const interrupts = decision && (!(await this.d.mainDialog.hasActiveDialog(context)) || decision.reason === 'customer_asked' || decision.reason === 'negative_sentiment');
    if (decision && interrupts) return this.escalate(context, current, decision, language);

    if (text.length > this.d.nluMaxChars) await context.sendActivity(t(language, 'longMessage'));
    const outcome = await this.d.mainDialog.run(context);
    failures = outcome.kind === 'not_understood' ? failures + 1 : 0;
    await this.d.failures.set(context, failures);
    if (outcome.kind === 'not_understood') {
      const again = decideEscalation({ recognition, failures, customer: profile, recentSentiment }, this.d.policy);
      if (again) return this.escalate(context, current, again, language);
      await context.sendActivity({ type: ActivityTypes.Message, text: t(language, 'notUnderstood'), suggestedActions: suggestions(language) });
    }
    await this.d.conversationState.saveChanges(context);
  }

  /** The customer's chosen language wins; otherwise the language of this message. */
  private replyLanguage(profile: Customer, r: Recognition): string {
    const chosen = profile.preferences?.language;
    return typeof chosen === 'string' ? chosen : r.language || profile.language || 'en';
  }

  private async escalate(context: TurnContext, conversation: Conversation, decision: EscalationDecision, language: string): Promise<void> {
    await this.d.mainDialog.cancelAll(context);
    await this.d.failures.set(context, 0);
    await this.d.conversationState.saveChanges(context);
    if (this.d.externalHandoffChannels.includes(conversation.channelId)) return this.initiateExternalHandoff(context, conversation, decision);
    const ticket = await this.d.handoff.escalate(conversation.id, decision);
    if (ticket.agentsOnline === 0) {
      await context.sendActivity(t(language, this.d.handoff.isOpen() ? 'noAgentOnline' : 'outsideHours'));
      return;
    }
    await context.sendActivity(t(language, 'escalating', { reasonText: '' }).trim());
    await context.sendActivity(t(language, 'queuePosition', { position: ticket.position, wait: formatWait(ticket.estimatedWaitSeconds, language) }));
  }

  /** Bot Framework handoff protocol: a handoff.initiate event with the transcript and context. */
  private async initiateExternalHandoff(context: TurnContext, conversation: Conversation, decision: EscalationDecision): Promise<void> {
    const transcript = await this.d.store.listMessages(conversation.id, { limit: 200 });
    const moved = await this.d.store.updateConversation(conversation.id, { state: 'external', handoffReason: decision.reason }, { states: ['bot'] });
    if (!moved) return;
    await this.d.store.appendMessage({ conversationId: conversation.id, role: 'system', kind: 'event', text: 'state', data: { type: 'state', from: 'bot', to: 'external', reason: decision.reason } });
    const customer = await this.d.profiles.get(conversation.customerId);
    await context.sendActivity({
      type: ActivityTypes.Event,
      name: 'handoff.initiate',
      value: { reason: decision.reason, detail: decision.detail, profile: { name: customer.displayName, language: customer.language, segments: customer.segments } },
      attachments: [
        {
          contentType: 'application/vnd.microsoft.activity.transcript',
          content: transcript.filter((m) => m.kind === 'message').map((m) => ({ type: 'message', text: m.text, from: { role: m.role === 'customer' ? 'user' : 'bot' }, timestamp: m.createdAt })),
        },
      ],
    });
  }

  private async onConversationUpdate(context: TurnContext): Promise<void> {
    const a = context.activity;
    const added = (a.membersAdded ?? []).filter((m) => m.id !== a.recipient?.id);
    if (added.length === 0 || !a.from?.id) return;
    const { customer, conversation } = await this.ingestConversation(context);
    if (conversation.lastSeq > 0 || conversation.state !== 'bot') return;
    this.storeOutgoing(context, conversation);
    await context.sendActivity(customer.displayName ? t(customer.language, 'welcomeKnown', { name: customer.displayName.split(' ')[0] }) : t(customer.language, 'welcome'));
  }

  private async onTyping(context: TurnContext): Promise<void> {
    const a = context.activity;
    const conversation = await this.d.store.findConversationByChannel(a.channelId, a.conversation.id);
    if (conversation?.state === 'agent') this.d.handoff.customerTyping(conversation);
  }

  /** handoff.status from a contact centre that took over through the protocol. */
  private async onEvent(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (a.name !== 'handoff.status') return;
    const conversation = await this.d.store.findConversationByChannel(a.channelId, a.conversation.id);
    const state = (a.value as { state?: unknown } | undefined)?.state;
    if (!conversation || conversation.state !== 'external' || typeof state !== 'string') return;
    if (state === 'completed' || state === 'failed') {
      const next = await this.d.store.updateConversation(conversation.id, { state: state === 'completed' ? 'closed' : 'bot' }, { states: ['external'] });
      if (next) await this.d.store.appendMessage({ conversationId: conversation.id, role: 'system', kind: 'event', text: 'state', data: { type: 'state', from: 'external', to: next.state, handoffStatus: state } });
    }
  }
}

function attachmentMeta(a: Activity): AttachmentMeta[] {
  return (a.attachments ?? []).slice(0, MAX_ATTACHMENTS).map((x) => ({
    contentType: String(x.contentType ?? 'application/octet-stream').slice(0, 200),
    name: typeof x.name === 'string' ? x.name.slice(0, 255) : undefined,
    contentUrl: typeof x.contentUrl === 'string' && x.contentUrl.length < 2048 ? x.contentUrl : undefined,
  }));
}

function suggestions(language: string) {
  const es = language === 'es';
  const titles = es ? ['Seguir mi pedido', 'Quiero un reembolso', 'Hablar con una persona'] : ['Track my order', 'I want a refund', 'Talk to a person'];
  return { to: [], actions: titles.map((title) => ({ type: 'imBack', title, value: title })) };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
