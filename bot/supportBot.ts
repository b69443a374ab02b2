import {
  ActivityTypes,
  DeliveryModes,
  MessageFactory,
  TurnContext,
  type ConversationState as BotConversationState,
  type StatePropertyAccessor,
  type Activity,
} from 'botbuilder';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import { MainDialog } from '../dialogs/mainDialog';
import { t } from '../locale/replies';
import { setTurnInfo, turnInfo } from '../dialogs/turnInfo';
import { parseRatingWithComment } from '../dialogs/ratingParser';
import { accompaniesFiles, fileReceived } from '../dialogs/fileMessage';
import { findHumanRequest, isWithdrawRequest } from '../dialogs/humanRequest';
import { replyLanguage, supported } from '../dialogs/languagePolicy';
import { readYesNo } from '../dialogs/yesNo';
import { decideEscalation, offerPerson, type EscalationDecision, type EscalationPolicyConfig } from '../handoff/escalationPolicy';
import { formatWaitRange, type HandoffService } from '../handoff/handoffService';
import type { AttachmentMeta, ChannelReference, Conversation, Customer, Message } from '../models/records';
import { OUT_OF_SCOPE, type Recognition, type Recognizer } from '../nlu/recognizer';
import type { ProfileService } from '../profile/profileService';
import type { IdentityResolution } from '../profile/identityResolution';
import type { SiteIdentity } from '../auth/siteToken';
import type { BotStateStorage } from '../store/botStateStorage';
import type { Store } from '../store/store';
import { AuthenticationConstants, type ClaimsIdentity } from 'botframework-connector';
import { SupportAdapter } from './supportAdapter';

/** Turn state key under which our own web chat channel passes a visitor identity its signed site token proved. */
export const VERIFIED_IDENTITY = Symbol.for('crm.verifiedIdentity');
/** Set on turns that came through /api/messages (bot/botEndpoint.ts), not the in-process web chat. */
export const FROM_BOT_ENDPOINT = Symbol.for('crm.fromBotEndpoint');

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
  /** Channels that cannot reach a customer later (web chat): taking a message there asks for an e-mail to answer to. */
  askEmailChannels: readonly string[];
  /** conversationState's storage: given the dialog state each turn reads with its other reads (store.readTurn). */
  stateStorage?: BotStateStorage;
}

const MAX_ATTACHMENTS = 20;
const EMAIL_RE = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+/;
/** Follow-up conversations of one channel conversation are looked up one by one; past this many, the last one is used. */
const MAX_FOLLOW_UPS = 50;

/** Turn state key: bot replies of a queued chat, shown to agents once the turn's writes are durable. */
const SHOW_AGENTS = Symbol('crm.showAgents');

/** A turn's own writes resolve once applied; the turn makes them durable (store.sync) before anyone learns of them. */
const DEFERRED = { deferSync: true } as const;

/** The store id of the n-th conversation (n ≥ 2) held in one channel conversation: a customer writing after a close. */
export function followUpId(channelConversationId: string, n: number): string {
  return n <= 1 ? channelConversationId : `${channelConversationId}#${n}`;
}

/**
 * Every stored conversation of one channel conversation, oldest first: the first one, then the follow-ups started
 * when the customer wrote again after a close. The web chat reads its history through this.
 */
export async function channelConversations(store: Store, channelId: string, channelConversationId: string): Promise<Conversation[]> {
  const out: Conversation[] = [];
  for (let n = 1; n <= MAX_FOLLOW_UPS; n++) {
    const c = await store.findConversationByChannel(channelId, followUpId(channelConversationId, n));
    if (!c) break;
    out.push(c);
    if (c.state !== 'closed') break;
  }
  return out;
}

/** What a message to a closed conversation is: its survey answer, a polite close, or the start of something new. */
type ClosedReply = { kind: 'rating'; score: number; comment?: string } | { kind: 'decline' } | { kind: 'smalltalk' } | { kind: 'new' };

/**
 * One turn: store the customer's message first (exactly once per activity id), then either relay it to the
 * agent who owns the chat, or recognize it, update the profile, escalate or answer with dialogs. Every bot
 * message is stored before it is sent (see storeOutgoing). Every customer message gets an answer unless a person
 * owns the chat: while the chat waits in the queue (or for a team that is away) the bot keeps answering too.
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
    // Replies the bot gave in a queued chat reach the agents' screens once durable, like everything else.
    const shown = context.turnState.get<{ conversation: Conversation; message: Message }[] | undefined>(SHOW_AGENTS);
    for (const r of shown ?? []) this.d.handoff.relayCustomerMessage(r.conversation, r.message);
  }

  private async route(context: TurnContext): Promise<void> {
    // Any other type a channel sends falls to the default case.
    switch (context.activity.type as ActivityTypes) {
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

  /** The conversation a channel conversation is in now: the first one, or its latest follow-up. */
  private async currentConversation(channelId: string, channelConversationId: string): Promise<Conversation | null> {
    const all = await channelConversations(this.d.store, channelId, channelConversationId);
    return all[all.length - 1] ?? null;
  }

  private async ingestConversation(context: TurnContext): Promise<{ customer: Customer; conversation: Conversation; created: boolean }> {
    const a = context.activity;
    // The customer, the conversation and the dialog state in one store round trip; the state is handed to
    // botbuilder's storage and loaded at once, so loading it later costs nothing.
    const stateKey = this.d.stateStorage ? this.d.conversationState.getStorageKey(context) : undefined;
    const read = await this.d.store.readTurn({
      key: { kind: 'channel', channelId: a.channelId, userId: a.from.id },
      channelId: a.channelId,
      channelConversationId: a.conversation.id,
      stateKeys: stateKey ? [stateKey] : [],
    });
    // The in-process web chat's conversations belong to its endpoint: /api/messages may not write to one (checked on
    // the turn's own read, before anything is stored, so it costs no round trip).
    if (context.turnState.get(FROM_BOT_ENDPOINT) && read.conversation && SupportAdapter.isOwnWebChat(read.conversation.reference))
      throw new AppError('BOT_CHANNEL_FORBIDDEN');
    if (stateKey) {
      this.d.stateStorage!.prime(stateKey, read.state[stateKey]);
      await this.d.conversationState.load(context);
    }
    let customer = await this.d.profiles.resolve({ channelId: a.channelId, userId: a.from.id, name: a.from.name, locale: a.locale }, DEFERRED, read.customer);
    const verified = context.turnState.get<SiteIdentity | undefined>(VERIFIED_IDENTITY);
    if (verified?.email && !customer.contacts.some((p) => p.type === 'email' && p.value === verified.email && p.verified)) {
      // May merge this visitor into the profile that already holds the verified email.
      customer = await this.d.identity.applyVerifiedContact(customer.id, { type: 'email', value: verified.email }, 'signed_token');
    }
    if (verified?.name && !customer.displayName) customer = await this.d.profiles.update(customer.id, () => ({ displayName: verified.name }));
    const reference = TurnContext.getConversationReference(a) as unknown as ChannelReference;
    const got = read.conversation
      ? { conversation: read.conversation, created: false }
      : await this.d.store.getOrCreateConversation(
          {
            channelId: a.channelId,
            channelConversationId: a.conversation.id,
            customerId: customer.id,
            reference,
            // The channel's locale first, then the customer's explicit choice; otherwise settled by the first clear message.
            language: supported(a.locale) ?? supported(customer.preferences?.language as string | undefined),
          },
          DEFERRED,
        );
    let { conversation } = got;
    if (!got.created && conversation.state === 'closed') conversation = (await this.currentConversation(a.channelId, a.conversation.id)) ?? conversation;
    // The channel may move the conversation (new serviceUrl), but only a request that proves it comes from that
    // channel (a verified channel token, or the web chat endpoint for its own conversations) may say so.
    if (!got.created && conversation.reference.serviceUrl !== reference.serviceUrl && provesChannel(context, conversation.reference)) {
      const updated = await this.d.store.updateConversation(conversation.id, { reference });
      if (updated) return { customer, conversation: updated, created: false };
    }
    return { customer, conversation, created: got.created };
  }

  private storeOutgoing(context: TurnContext, conversation: () => Conversation): void {
    // With expectReplies, replies are only buffered until the turn's answer, which waits for sync() anyway.
    const buffered = context.activity.deliveryMode === DeliveryModes.ExpectReplies;
    context.onSendActivities(async (_ctx, activities, next) => {
      for (const act of activities) {
        if (act.type !== ActivityTypes.Message) continue;
        const c = conversation();
        const { message } = await this.d.store.appendMessage(
          {
            conversationId: c.id,
            role: 'bot',
            kind: 'message',
            text: typeof act.text === 'string' ? act.text : '',
            data: outgoingData(act),
          },
          DEFERRED,
        );
        if (c.state === 'queued') {
          const shown = context.turnState.get<{ conversation: Conversation; message: Message }[] | undefined>(SHOW_AGENTS) ?? [];
          context.turnState.set(SHOW_AGENTS, [...shown, { conversation: c, message }]);
        }
      }
      if (!buffered) await this.d.store.sync();
      return next();
    });
  }

  private async onMessage(context: TurnContext): Promise<void> {
    const a = context.activity;
    const ingested = await this.ingestConversation(context);
    const { customer } = ingested;
    let conversation = ingested.conversation;
    let newConversation = ingested.created;
    const activityId = typeof a.id === 'string' && a.id ? a.id : undefined;

    const text = typeof a.text === 'string' ? a.text : '';
    const attachments = attachmentMeta(a);
    const hint = conversation.language ?? supported(customer.preferences?.language as string | undefined) ?? supported(a.locale);
    const recognition = await this.d.recognizer.recognize(text, { language: hint });

    // A closed conversation keeps its survey answer; anything new starts a new conversation for the same profile.
    const closedReply = conversation.state === 'closed' ? this.readClosedReply(conversation, text, recognition) : undefined;
    if (closedReply?.kind === 'new') {
      conversation = await this.startFollowUpConversation(context, conversation);
      newConversation = true;
    }

    const { message, created } = await this.d.store.appendMessage(
      {
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
      },
      DEFERRED,
    );
    // A retried activity is stored once (the store's exactly-once append) and not answered again.
    if (!created) return;
    const recentSentiment = customer.sentiment.slice(-5).map((s) => s.score);
    const profile = await this.d.profiles.recordMessage(
      customer.id,
      {
        sentiment: recognition.sentiment,
        language: recognition.language,
        conversationId: conversation.id,
        at: message.createdAt,
        newConversation,
      },
      customer,
      DEFERRED,
    );

    if (conversation.state === 'agent') {
      await this.d.store.sync();
      // Relayed to the agent; the handoff service makes sure an absent or silent agent never means silence.
      await this.d.handoff.customerWroteToAgent(conversation, message);
      return;
    }
    if (conversation.state === 'external') return;
    if (conversation.state === 'queued') {
      // The agents see it at once; the bot still answers (nobody owns the chat yet).
      await this.d.store.sync();
      this.d.handoff.relayCustomerMessage(conversation, message);
    }

    let current = conversation;
    this.storeOutgoing(context, () => current);
    const language = await this.settleLanguage(context, profile, current, text);
    if (language.conversation) current = language.conversation;
    setTurnInfo(context, { recognition, customer: profile, conversation: current, language: language.language });
    // Whatever the bot asked last turn is answered by this message or not at all.
    await this.d.mainDialog.lastQuestion(context);

    if (closedReply && closedReply.kind !== 'new') return this.answerClosed(context, current, closedReply);

    if (text.trim() === '' && attachments.length === 0) {
      await context.sendActivity(t(language.language, 'emptyMessage'));
      return this.endTurn(context, current);
    }
    if (attachments.length > 0 && accompaniesFiles(text, this.d.mainDialog.decision(recognition))) {
      await context.sendActivity(fileReceived(language.language, attachments[0].name ?? attachments[0].contentType, current.state === 'queued'));
      return this.endTurn(context, current);
    }
    if (current.state === 'queued') return this.whileQueued(context, current, profile);
    return this.withBot(context, current, profile, recentSentiment);
  }

  /**
   * The turn of a conversation the bot owns: an explicit request for a person wins wherever it stands in the message;
   * otherwise the escalation policy on what the bot is sure of, then the dialogs; not-understood turns are counted.
   */
  private async withBot(context: TurnContext, conversation: Conversation, profile: Customer, recentSentiment: number[]): Promise<void> {
    const { recognition, language } = turnInfo(context);
    const text = recognition.text;
    const decision = this.d.mainDialog.decision(recognition);
    const sure: Recognition = { ...recognition, intent: decision.kind === 'answer' ? decision.intent : OUT_OF_SCOPE };
    let failures = await this.d.failures.get(context, 0);

    const human = findHumanRequest(text);
    if (human || sure.intent === 'human.request') {
      // "I need a human please, my card was charged twice": the quick part is answered first, then the queue.
      if (human?.rest) await this.d.mainDialog.quickAnswer(context, human.rest);
      const asked = decideEscalation({ recognition: { ...sure, intent: 'human.request' }, failures: 0, customer: profile, recentSentiment }, this.d.policy)!;
      return this.escalate(context, conversation, asked, language);
    }
    // Failures are counted after routing; here only the message itself can escalate.
    const before = decideEscalation({ recognition: sure, failures: 0, customer: profile, recentSentiment }, this.d.policy);
    // While a dialog waits for an answer (an order number, an email), the text's intent is noise: only strong
    // negative feeling interrupts it (and a request for a person, above).
    const interrupts = before && (!(await this.d.mainDialog.hasActiveDialog(context)) || before.reason === 'negative_sentiment');
    if (before && interrupts) return this.escalate(context, conversation, before, language);

    if (String(context.activity.text ?? '').length > this.d.nluMaxChars) await context.sendActivity(t(language, 'longMessage'));
    const outcome = await this.d.mainDialog.run(context);
    if (outcome.kind === 'escalate') {
      return this.escalate(
        context,
        conversation,
        { reason: outcome.reason, detail: outcome.detail, priorityBoost: (before?.priorityBoost ?? 0) + (outcome.reason === 'policy_intent' ? 2 : 0) },
        turnInfo(context).language,
      );
    }
    if (outcome.kind === 'answered') failures = 0;
    if (outcome.kind === 'not_understood') failures += 1;
    await this.d.failures.set(context, failures);
    const lang = turnInfo(context).language;
    if (outcome.kind === 'not_understood') {
      const again = decideEscalation({ recognition: sure, failures, customer: profile, recentSentiment }, this.d.policy);
      if (again) return this.escalate(context, conversation, again, lang);
      await context.sendActivity({ type: ActivityTypes.Message, text: t(lang, 'notUnderstood'), suggestedActions: suggestions(lang) });
    }
    if (outcome.kind === 'answered') await this.maybeOfferPerson(context, profile);
    return this.endTurn(context, conversation);
  }

  /** An important customer whose routine question was answered is offered a person, once per conversation. */
  private async maybeOfferPerson(context: TurnContext, profile: Customer): Promise<void> {
    if (await this.d.mainDialog.hasActiveDialog(context)) return;
    const memory = await this.d.mainDialog.memory.get(context, {});
    if (memory.personOffered || !memory.topic || !offerPerson(profile, memory.topic, this.d.policy)) return;
    memory.personOffered = true;
    const language = turnInfo(context).language;
    await context.sendActivity(MessageFactory.suggestedActions([t(language, 'talkToPerson')], t(language, 'offerPerson')));
  }

  /**
   * Queued, or waiting for a team that is away: the bot keeps answering what it can, reminds the customer that their
   * request stands and where they are, lets them withdraw it, and takes their message (with an e-mail to answer to
   * where the channel cannot reach them later).
   */
  private async whileQueued(context: TurnContext, conversation: Conversation, profile: Customer): Promise<void> {
    const { recognition, language } = turnInfo(context);
    const text = recognition.text;
    if (isWithdrawRequest(text)) {
      const back = await this.withdrawHandoffRequest(conversation);
      if (back) {
        await this.d.mainDialog.cancelAll(context);
        await this.d.failures.set(context, 0);
        await context.sendActivity(t(language, 'withdrawn'));
        return this.endTurn(context, back);
      }
    }
    const memory = await this.d.mainDialog.memory.get(context, {});
    const email = text.match(EMAIL_RE)?.[0]?.toLowerCase();
    const replyEmail = memory.replyEmailAsked && email && !profile.contacts.some((c) => c.type === 'email' && c.value === email);
    // A dialog's own question (the e-mail on an order) was asked after ours: the e-mail answers it first.
    const dialogAsks = await this.d.mainDialog.hasActiveDialog(context);
    if (replyEmail && !dialogAsks) {
      await this.d.identity.applyUnverifiedContact(profile.id, { type: 'email', value: email }, 'chat');
      await context.sendActivity(t(language, 'emailForReplySaved', { email }));
      return this.remindQueued(context, conversation, profile, true);
    }
    const decision = this.d.mainDialog.decision(recognition);
    const askedAgain = !!findHumanRequest(text) || (decision.kind === 'answer' && decision.intent === 'human.request');
    if (!askedAgain) {
      const outcome = await this.d.mainDialog.run(context);
      // Already queued: a dialog's own handoff (a confirmed account deletion) keeps that place in the queue.
      if (outcome.kind === 'not_understood') await context.sendActivity(t(turnInfo(context).language, 'waitingNotUnderstood'));
    }
    if (replyEmail && dialogAsks) {
      // It was also the address we asked to answer to.
      await this.d.identity.applyUnverifiedContact(profile.id, { type: 'email', value: email }, 'chat');
      await context.sendActivity(t(language, 'emailForReplySaved', { email }));
      return this.remindQueued(context, conversation, profile, true);
    }
    return this.remindQueued(context, conversation, profile, false);
  }

  /** "Your request for a person stands: number 2 in the queue…", with a button to withdraw it. */
  private async remindQueued(context: TurnContext, conversation: Conversation, profile: Customer, emailJustGiven: boolean): Promise<void> {
    const language = turnInfo(context).language;
    const ticket = await this.d.handoff.ticket(conversation);
    const text =
      ticket.agentsOnline > 0
        ? t(language, 'queuedReminder', { position: ticket.position, wait: formatWaitRange(ticket, language) })
        : t(language, this.d.handoff.isOpen() ? 'offlineReminder' : 'outsideHoursReminder');
    await context.sendActivity(MessageFactory.suggestedActions([t(language, 'withdrawButton')], text));
    if (!emailJustGiven && ticket.agentsOnline === 0) await this.askReplyEmail(context, conversation, profile);
    return this.endTurn(context, conversation);
  }

  /** Where the channel cannot reach the customer later and we have no e-mail of theirs, ask for one (once). */
  private async askReplyEmail(context: TurnContext, conversation: Conversation, profile: Customer): Promise<void> {
    if (!this.d.askEmailChannels.includes(conversation.channelId)) return;
    if (profile.contacts.some((c) => c.type === 'email')) return;
    const memory = await this.d.mainDialog.memory.get(context, {});
    if (memory.replyEmailAsked) return;
    memory.replyEmailAsked = true;
    await context.sendActivity(t(turnInfo(context).language, 'askEmailForReply'));
  }

  /**
   * The customer withdraws their request for a person while queued: back to the bot. The one place this bot changes
   * a queued conversation's state (through the handoff service).
   */
  private async withdrawHandoffRequest(conversation: Conversation): Promise<Conversation | null> {
    return this.d.handoff.withdraw(conversation.id);
  }

  /**
   * A message to a closed conversation. Its survey answer (a rating in digits, stars or words, in either language)
   * and polite closings ("no", "thanks", "bye") stay in it, so it stays closed and counts in handling times; anything
   * else is new business and starts a new conversation (startFollowUpConversation).
   */
  private readClosedReply(conversation: Conversation, text: string, r: Recognition): ClosedReply {
    const decision = this.d.mainDialog.decision(r);
    const closing = readYesNo(text) !== undefined || (decision.kind === 'answer' && ['thanks', 'goodbye'].includes(decision.intent));
    if (conversation.tags.includes('survey_pending')) {
      const rating = parseRatingWithComment(text);
      if (rating) return { kind: 'rating', score: rating.score, comment: rating.comment };
      if (closing) return { kind: 'decline' };
      return { kind: 'new' };
    }
    return closing ? { kind: 'smalltalk' } : { kind: 'new' };
  }

  private async answerClosed(context: TurnContext, conversation: Conversation, reply: Exclude<ClosedReply, { kind: 'new' }>): Promise<void> {
    const { language, recognition } = turnInfo(context);
    if (reply.kind === 'rating') {
      await this.d.recordSatisfaction(conversation.id, reply.score, reply.comment);
      await context.sendActivity(t(language, 'thanksFeedback'));
    } else if (reply.kind === 'decline') {
      await this.d.store.updateConversation(conversation.id, { tags: conversation.tags.filter((x) => x !== 'survey_pending') }, { states: ['closed'] });
      await context.sendActivity(t(language, 'surveyDeclined'));
    } else {
      const yesNo = readYesNo(recognition.text);
      await context.sendActivity(
        t(language, yesNo === 'no' ? 'anythingElseNo' : yesNo === 'yes' ? 'anythingElseYes' : recognition.intent === 'goodbye' ? 'goodbye' : 'surveyDeclined'),
      );
    }
    return this.endTurn(context, conversation);
  }

  /**
   * The customer writes again after their conversation was closed: a new conversation for the same profile, on the
   * same channel conversation, that says which one it follows. The closed one keeps its rating and its times.
   */
  private async startFollowUpConversation(context: TurnContext, closed: Conversation): Promise<Conversation> {
    const a = context.activity;
    const all = await channelConversations(this.d.store, a.channelId, a.conversation.id);
    const { conversation, created } = await this.d.store.getOrCreateConversation(
      {
        channelId: a.channelId,
        channelConversationId: followUpId(a.conversation.id, all.length + 1),
        customerId: closed.customerId,
        reference: TurnContext.getConversationReference(a) as unknown as ChannelReference,
        language: closed.language,
      },
      DEFERRED,
    );
    if (created) {
      await this.d.store.appendMessage(
        {
          conversationId: conversation.id,
          role: 'system',
          kind: 'event',
          text: `follows conversation ${closed.id}`,
          data: { type: 'follows', conversationId: closed.id },
        },
        DEFERRED,
      );
      // The conversation's memory (dialogs, counters, what was asked) belongs to the one that closed.
      await this.d.mainDialog.cancelAll(context);
      await this.d.failures.set(context, 0);
      await this.d.mainDialog.memory.set(context, {});
    }
    return conversation;
  }

  /**
   * The language of this turn's answer (dialogs/languagePolicy.ts); a conversation's language, once settled, is kept
   * on it (handoff notices and routing use it too).
   */
  private async settleLanguage(
    context: TurnContext,
    profile: Customer,
    conversation: Conversation,
    text: string,
  ): Promise<{ language: string; conversation?: Conversation }> {
    const chosen = profile.preferences?.language as string | undefined;
    const { language, settled } = replyLanguage({ conversation: conversation.language, channelLocale: context.activity.locale, chosen, text });
    if (!settled || language === conversation.language) return { language };
    const updated = await this.d.store.updateConversation(conversation.id, { language });
    return { language, conversation: updated ?? undefined };
  }

  /** Saves the dialog state, and the conversation's language when the customer changed it in this turn. */
  private async endTurn(context: TurnContext, conversation: Conversation): Promise<void> {
    const language = turnInfo(context).language;
    if (language !== conversation.language) await this.d.store.updateConversation(conversation.id, { language });
    await this.d.conversationState.saveChanges(context);
  }

  private async escalate(context: TurnContext, conversation: Conversation, decision: EscalationDecision, language: string): Promise<void> {
    await this.d.mainDialog.cancelAll(context);
    await this.d.failures.set(context, 0);
    await this.d.conversationState.saveChanges(context);
    if (this.d.externalHandoffChannels.includes(conversation.channelId)) return this.initiateExternalHandoff(context, conversation, decision);
    const ticket = await this.d.handoff.escalate(conversation.id, decision);
    if (ticket.agentsOnline === 0) {
      await context.sendActivity(
        MessageFactory.suggestedActions([t(language, 'withdrawButton')], t(language, this.d.handoff.isOpen() ? 'noAgentOnline' : 'outsideHours')),
      );
      await this.askReplyEmail(context, conversation, turnInfo(context).customer);
      await this.d.conversationState.saveChanges(context);
      return;
    }
    await context.sendActivity(t(language, 'escalating', { reasonText: '' }).trim());
    await context.sendActivity(
      MessageFactory.suggestedActions(
        [t(language, 'withdrawButton')],
        t(language, 'queuePosition', { position: ticket.position, wait: formatWaitRange(ticket, language) }),
      ),
    );
  }

  /** Bot Framework handoff protocol: a handoff.initiate event with the transcript and context. */
  private async initiateExternalHandoff(context: TurnContext, conversation: Conversation, decision: EscalationDecision): Promise<void> {
    const transcript = await this.d.store.listMessages(conversation.id, { limit: 200 });
    const moved = await this.d.handoff.startExternal(conversation.id, decision);
    if (!moved) return;
    const customer = await this.d.profiles.get(conversation.customerId);
    await context.sendActivity({
      type: ActivityTypes.Event,
      name: 'handoff.initiate',
      value: {
        reason: decision.reason,
        detail: decision.detail,
        profile: { name: customer.displayName, language: customer.language, segments: customer.segments },
      },
      attachments: [
        {
          contentType: 'application/vnd.microsoft.activity.transcript',
          content: transcript
            .filter((m) => m.kind === 'message')
            .map((m) => ({ type: 'message', text: m.text, from: { role: m.role === 'customer' ? 'user' : 'bot' }, timestamp: m.createdAt })),
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
    this.storeOutgoing(context, () => conversation);
    const language = conversation.language ?? 'en';
    await context.sendActivity(customer.displayName ? t(language, 'welcomeKnown', { name: customer.displayName.split(' ')[0] }) : t(language, 'welcome'));
  }

  private async onTyping(context: TurnContext): Promise<void> {
    const a = context.activity;
    const conversation = await this.currentConversation(a.channelId, a.conversation.id);
    if (conversation?.state === 'agent') this.d.handoff.customerTyping(conversation);
  }

  /** handoff.status from a contact centre that took over through the protocol. */
  private async onEvent(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (a.name !== 'handoff.status') return;
    const conversation = await this.currentConversation(a.channelId, a.conversation.id);
    const state = (a.value as { state?: unknown } | undefined)?.state;
    if (!conversation || conversation.state !== 'external' || typeof state !== 'string') return;
    if (state === 'completed' || state === 'failed') {
      await this.d.handoff.endExternal(conversation.id, state);
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

/** What a stored bot message keeps besides its text: what it replied to, and its buttons (web chat shows them again). */
function outgoingData(act: Partial<Activity>): Record<string, unknown> | undefined {
  const buttons = (act.suggestedActions?.actions ?? [])
    .filter((x) => typeof x.title === 'string' && (typeof x.value === 'string' || x.value === undefined))
    .map((x) => ({ title: String(x.title).slice(0, 200), value: String(x.value ?? x.title).slice(0, 200) }));
  if (!act.replyToId && buttons.length === 0) return undefined;
  return { ...(act.replyToId ? { replyToId: act.replyToId } : {}), ...(buttons.length ? { suggestedActions: buttons } : {}) };
}

function suggestions(language: string) {
  const es = language === 'es';
  const titles = es ? ['Seguir mi pedido', 'Quiero un reembolso', 'Hablar con una persona'] : ['Track my order', 'I want a refund', 'Talk to a person'];
  return { to: [], actions: titles.map((title) => ({ type: 'imBack', title, value: title })) };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * A turn that may move a conversation's stored address: one authenticated by a channel token issued for the new
 * address (an anonymous dev-mode request proves nothing), or, for an in-process web chat conversation, one that came through the web chat endpoint.
 */
function provesChannel(context: TurnContext, stored: ChannelReference): boolean {
  if (SupportAdapter.isOwnWebChat(stored)) return SupportAdapter.isOwnWebChat(context.activity);
  const identity = context.turnState.get<ClaimsIdentity | undefined>(context.adapter.BotIdentityKey);
  // Channel tokens carry the service URL they were issued for (and the adapter checked the token).
  return !!identity?.claims.some((c) => c.type === AuthenticationConstants.ServiceUrlClaim && c.value === context.activity.serviceUrl);
}
