import { AppError } from '../core/errors';
import { hasVisibleText } from '../core/visibleText';
import { ActivityTypes, MessageFactory, type TurnContext } from 'botbuilder';
import { accompaniesFiles, fileReceived, mentionsMissingFile } from '../dialogs/fileMessage';
import { findHumanRequest, refusesPerson } from '../dialogs/humanRequest';
import { givenName, withoutName } from '../dialogs/givenName';
import { takeName } from '../dialogs/takeName';
import { clearLanguage, recognitionHint, replyLanguage, supported, type Supported } from '../dialogs/languagePolicy';
import { setTurnInfo, turnInfo } from '../dialogs/turnInfo';
import { decideEscalation, offerPerson, type EscalationDecision } from '../handoff/escalationPolicy';
import { formatWaitRange } from '../handoff/handoffService';
import { t } from '../locale/replies';
import { maskPaymentCards } from '../models/paymentCards';
import type { AttachmentMeta, Conversation, Customer, Message, NewMessage } from '../models/records';
import { OUT_OF_SCOPE, type Recognition } from '../nlu/recognizer';
import { answerClosed, answersSurvey, readClosedReply, type ClosedReply } from './closedTurn';
import { answerConsentAsk, honourOptOut, optsOut, stopAsTold } from './consentTurn';
import { askReplyEmail, whileQueued } from './queuedTurn';
import { endTurn, shownToAgents, storeOutgoing, suggestions } from './replySending';
import { failedBefore, markTurn, turnFailure, TURN_ANSWERED, TURN_FAILED } from './turnRetry';
import { SupportAdapter } from './supportAdapter';
import { storeWebChatGreeting } from './webchat/webChatGreeting';
import { greetingName } from '../dialogs/greetingName';
import { readExplicitYes } from '../dialogs/explicitYes';
import { answerShaped } from '../dialogs/pendingAnswer';
import { pendingConsentAsk } from '../profile/consentAsk';
import { attachmentMeta, currentConversation, DEFERRED, ingestConversation, startFollowUpConversation, type SupportBotDeps } from './turnIntake';

// The turn's parts live beside it: intake (turnIntake.ts), replies (replySending.ts), queued and closed chats.
export { channelConversations, followUpId, FROM_BOT_ENDPOINT, VERIFIED_IDENTITY, type SupportBotDeps } from './turnIntake';

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
/** What a message turn knows once the customer's message is stored. */
interface StoredTurn {
  customer: Customer;
  conversation: Conversation;
  newConversation: boolean;
  text: string;
  attachments: AttachmentMeta[];
  recognition: Recognition;
  closedReply: ClosedReply | undefined;
  message: Message;
  /** The channel's retry of an activity whose first attempt failed (turnRetry.ts). */
  retried: boolean;
}

export class SupportBot {
  constructor(private readonly d: SupportBotDeps) {}

  async onTurn(context: TurnContext): Promise<void> {
    await this.route(context);
    await this.d.store.sync();
    // Replies the bot gave in a queued chat reach the agents' screens once durable, like everything else.
    for (const r of shownToAgents(context)) this.d.handoff.relayCustomerMessage(r.conversation, r.message);
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

  private async onMessage(context: TurnContext): Promise<void> {
    const a = context.activity;
    const ingested = await ingestConversation(this.d, context);
    const { customer } = ingested;
    let conversation = ingested.conversation;
    let newConversation = ingested.created;
    // The web chat page greeted with buttons before the conversation existed: stored first, as the customer saw it.
    if (ingested.created && SupportAdapter.isOwnWebChat(a)) await storeWebChatGreeting(this.d.store, conversation, supported(a.locale) ?? 'en', DEFERRED);
    const activityId = typeof a.id === 'string' && a.id ? a.id : undefined;

    // A text of only invisible characters (zero-width space or joiner, BOM…) is an empty message, as it is from agents.
    // PCI: a card number is masked before the NLU, the store or any reply reads the text (models/paymentCards.ts); the
    // store masks every other writer's text too (store/guardedRecords.ts).
    const typed = maskPaymentCards(typeof a.text === 'string' && hasVisibleText(a.text) ? a.text : '');
    const text = typed.text;
    // The prompts and dialog state read the activity's own text: masked there too, and the customer told (tellCardHidden).
    if (typed.cards) {
      a.text = text;
      context.turnState.set(CARDS_HIDDEN, true);
    }
    const attachments = attachmentMeta(a);
    const hint = recognitionHint({
      conversation: conversation.language,
      channelLocale: a.locale,
      chosen: customer.preferences?.language as string | undefined,
      text,
    });
    // A chat a person holds uses the intent and sentiment only (relay, consent answers, opt-out): no entity extraction,
    // which costs tens of milliseconds of CPU for a text with a number or a date in it.
    const held = conversation.state === 'agent' || conversation.state === 'external';
    const recognition = await this.d.recognizer.recognize(text, { language: hint, ...(held ? { entities: false } : {}) });

    // A closed conversation keeps its survey answer; anything new starts a new conversation for the same profile.
    // A channel's retry of a message the closed chat already holds is that turn again (answered only if it failed,
    // turnRetry.ts): read afresh, a retried "3" after its rating was stored would look like new business.
    const again = conversation.state === 'closed' && activityId ? await this.d.store.findMessageByActivity(conversation.id, activityId) : null;
    let closedReply: ClosedReply | undefined =
      conversation.state !== 'closed' ? undefined : again ? { kind: 'smalltalk' } : readClosedReply(this.d.mainDialog, conversation, text, recognition);
    // An answer is stored without the model's guess at an intent, so the dashboard counts requests
    // (dialogs/pendingAnswer.ts): to the bot's own question ("yes", a code, an e-mail), to staff's consent question,
    // to the survey ("4 good service" was once a complaint), or an agent's question in a held chat ("yes", "12345").
    const consentAnswer = () => pendingConsentAsk(customer, this.d.profiles.now())?.conversationId === conversation.id && readExplicitYes(text) !== undefined;
    let answer =
      conversation.state === 'closed'
        ? answersSurvey(closedReply)
        : held
          ? answerShaped(text ?? '') || consentAnswer()
          : consentAnswer() || (await this.d.mainDialog.answersQuestion(context, recognition));
    const incoming = (conversationId: string): NewMessage => ({
      conversationId,
      role: 'customer',
      kind: 'message',
      authorId: customer.id,
      text,
      attachments,
      activityId,
      ...(answer ? {} : { intent: recognition.intent, score: round(recognition.score) }),
      sentiment: round(recognition.sentiment),
      language: recognition.language,
    });
    if (closedReply?.kind === 'rating' && closedReply.followUp) {
      // "3, and I want to talk to someone", "3 - but I still need a refund for order 12345": the rating and the words that
      // gave it belong to the closed chat (which stays closed); the request is new business in a new conversation, which
      // carries the words too and is queued or answered there.
      await this.d.store.appendMessage(incoming(conversation.id), DEFERRED);
      await this.d.recordSatisfaction(conversation.id, closedReply.score, closedReply.comment);
      closedReply = { kind: 'new', rated: true };
      // The new conversation's copy carries the request beside the rating: its intent counts.
      answer = false;
    }
    if (closedReply?.kind === 'new') {
      conversation = await startFollowUpConversation(this.d, context, conversation);
      newConversation = true;
    }

    const { message, created } = await this.d.store.appendMessage(incoming(conversation.id), DEFERRED);
    // A retried activity is stored once (the store's exactly-once append) and answered again only when the attempt
    // that stored it failed (turnRetry.ts).
    const retried = !created;
    // The channel's id of a message names that message: the same id with other words is no retry, and answering it as
    // one would drop the new words without a word (Web Chat's clientActivityID, a connector's activity id).
    if (retried && (message.text ?? '') !== (text ?? '')) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    if (retried && !(await failedBefore(this.d, message))) return;
    try {
      await this.answer(context, { customer, conversation, newConversation, text, attachments, recognition, closedReply, message, retried });
      if (retried) await markTurn(this.d, message, TURN_ANSWERED);
    } catch (err) {
      // Best effort: the turn already failed; the channel's retry reads this mark and answers again. A retry that
      // fails again leaves the mark it found (one per message, not one per attempt).
      if (!retried) await markTurn(this.d, message, TURN_FAILED).catch(() => undefined);
      throw turnFailure(err);
    }
  }

  /** The rest of a message turn, once the customer's message is stored: relay it, or answer it. */
  private async answer(context: TurnContext, turn: StoredTurn): Promise<void> {
    const { customer, conversation, newConversation, text, attachments, recognition, closedReply, message } = turn;
    const recentSentiment = customer.recentSentiment;
    // The text without a name the customer gave, and the language it is clearly written in: read once for the profile
    // and the reply's language.
    const unnamed = withoutName(text);
    const clear = clearLanguage(unnamed);
    // A retry's first attempt already counted the message on the profile.
    const profile = turn.retried
      ? customer
      : await this.d.profiles.recordMessage(
          customer.id,
          {
            sentiment: recognition.sentiment,
            // Clear evidence, and never a name ("call me Robert" once set a profile to Spanish); the channel's locale came first.
            language: clear,
            conversationId: conversation.id,
            at: message.createdAt,
            newConversation,
          },
          customer,
          DEFERRED,
        );

    const empty = text.trim() === '' && attachments.length === 0;
    if (conversation.state === 'agent' || conversation.state === 'external') {
      if (turn.retried) return;
      await this.d.store.sync();
      // Nothing to relay (an empty bubble would only reach the agent), and the bot does not speak in a person's chat.
      if (empty) return;
      // Relayed to the agent; the handoff service makes sure an absent or silent agent never means silence.
      if (conversation.state === 'agent') await this.d.handoff.customerWroteToAgent(conversation, message);
      // A yes or no to the consent question the agent had the bot ask (bot/consentTurn.ts).
      storeOutgoing(this.d, context, () => conversation);
      await tellCardHidden(context, conversation.language ?? recognition.language);
      if (await answerConsentAsk(this.d, context, conversation, profile, recognition, conversation.language ?? recognition.language, message)) return;
      if (await stopAsTold(this.d, context, conversation, profile, message, conversation.language ?? recognition.language)) return;
      // "Unsubscribe me" is honoured at once even while someone else holds the chat, and confirmed in the transcript.
      if (optsOut(recognition)) {
        await honourOptOut(this.d, context, conversation, profile, conversation.language ?? recognition.language);
      }
      return;
    }
    if (conversation.state === 'queued' && !empty) {
      // The agents see it at once; the bot still answers (nobody owns the chat yet).
      await this.d.store.sync();
      this.d.handoff.relayCustomerMessage(conversation, message);
    }

    let current = conversation;
    storeOutgoing(this.d, context, () => current);
    const language = await this.settleLanguage(context, profile, current, unnamed, clear);
    if (language.conversation) current = language.conversation;
    setTurnInfo(context, { recognition, customer: profile, conversation: current, language: language.language });
    await tellCardHidden(context, language.language);
    if (await answerConsentAsk(this.d, context, current, profile, recognition, language.language, message)) return endTurn(this.d, context, current);
    if (await stopAsTold(this.d, context, current, profile, message, language.language)) return endTurn(this.d, context, current);
    // Whatever the bot asked last turn is answered by this message or not at all.
    await this.d.mainDialog.lastQuestion(context);

    if (closedReply && closedReply.kind !== 'new') return answerClosed(this.d, context, current, closedReply);
    if (closedReply?.rated) await context.sendActivity(t(language.language, 'thanksFeedback'));

    if (empty) {
      // At a question (an order number, an e-mail), the question stands: said briefly and asked again.
      const asking = current.state !== 'queued' && (await this.d.mainDialog.hasActiveDialog(context));
      await context.sendActivity(t(language.language, asking ? 'emptyAtQuestion' : 'emptyMessage'));
      if (asking) await this.d.mainDialog.repromptActive(context);
      return endTurn(this.d, context, current);
    }
    if (attachments.length === 0 && mentionsMissingFile(text)) {
      await context.sendActivity(t(language.language, 'attachmentMissing'));
      return endTurn(this.d, context, current);
    }
    if (attachments.length > 0 && accompaniesFiles(text, this.d.mainDialog.decision(recognition))) {
      const name = attachments[0].name ?? attachments[0].contentType;
      // A receipt sent during a refund is kept with the refund; otherwise the customer is asked what it is for.
      const kept = current.state !== 'queued' && (await this.d.mainDialog.fileForRequest(context, name));
      if (!kept) await context.sendActivity(fileReceived(language.language, name, current.state === 'queued'));
      // A file alone is no answer to the question pending: it stands, asked again.
      if (!kept && current.state !== 'queued') await this.d.mainDialog.repromptActive(context);
      return endTurn(this.d, context, current);
    }
    if (current.state === 'queued') return whileQueued(this.d, context, current, profile);
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
    // "call me Alex Agente", "I'm Robert": a name being given is no request (for a person, or a complaint), whatever the
    // model reads in it; the router reads what the message asks besides the name on its own.
    const named = givenName(text);
    const sure: Recognition = { ...recognition, intent: decision.kind === 'answer' && !named ? decision.intent : OUT_OF_SCOPE };
    let failures = await this.d.failures.get(context, 0);

    const human = findHumanRequest(named ? named.rest : text);
    // "no quiero un agente, solo dime el horario": a person refused is no request for one, whatever the model reads;
    // what else the message asks is read on its own (nothing else: the customer is asked what they need).
    const refused = !human && !named && sure.intent === 'human.request' ? refusesPerson(text) : undefined;
    if (refused && !refused.rest) {
      await context.sendActivity(t(language, 'howCanIHelp'));
      return endTurn(this.d, context, conversation);
    }
    if (refused) {
      turnInfo(context).recognition = await this.d.recognizer.recognize(refused.rest, { language });
      return this.withBot(context, conversation, profile, recentSentiment);
    }
    if (human || sure.intent === 'human.request') {
      // "I'm Ana and I want to talk to a human": the name is taken (or refused) too, not lost to the queue.
      if (named) await takeName(context, this.d.profiles, named);
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
        {
          reason: outcome.reason,
          detail: outcome.detail,
          priorityBoost: (before?.priorityBoost ?? 0) + (outcome.reason === 'policy_intent' ? 2 : 0) + (outcome.priorityBoost ?? 0),
        },
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
    return endTurn(this.d, context, conversation);
  }

  /** An important customer whose routine question was answered is offered a person, once per conversation. */
  private async maybeOfferPerson(context: TurnContext, profile: Customer): Promise<void> {
    if (await this.d.mainDialog.hasActiveDialog(context)) return;
    // No person to offer on a connection nobody can write back to (see escalate).
    if (this.d.canReachLater && !this.d.canReachLater(turnInfo(context).conversation)) return;
    const memory = await this.d.mainDialog.memory.get(context, {});
    if (memory.personOffered || !memory.topic || !offerPerson(profile, memory.topic, this.d.policy)) return;
    memory.personOffered = true;
    const language = turnInfo(context).language;
    await context.sendActivity(MessageFactory.suggestedActions([t(language, 'talkToPerson')], t(language, 'offerPerson')));
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
    clear: Supported | undefined,
  ): Promise<{ language: string; conversation?: Conversation }> {
    const chosen = profile.preferences?.language as string | undefined;
    const { language, settled } = replyLanguage({ conversation: conversation.language, channelLocale: context.activity.locale, chosen, text, clear });
    if (!settled || language === conversation.language) return { language };
    const updated = await this.d.store.updateConversation(conversation.id, { language });
    return { language, conversation: updated ?? undefined };
  }

  private async escalate(context: TurnContext, conversation: Conversation, decision: EscalationDecision, language: string): Promise<void> {
    await this.d.mainDialog.cancelAll(context);
    await this.d.failures.set(context, 0);
    await this.d.conversationState.saveChanges(context);
    if (this.d.externalHandoffChannels.includes(conversation.channelId)) return this.initiateExternalHandoff(context, conversation, decision);
    if (this.d.canReachLater && !this.d.canReachLater(conversation)) {
      // Only this turn's answer reaches the customer (expectReplies from an untrusted service URL): say so, and stay.
      this.d.log.info({ conversationId: conversation.id, reason: decision.reason }, 'handoff declined: the customer cannot be reached outside a turn');
      await context.sendActivity(t(language, 'noPersonOnThisConnection'));
      return endTurn(this.d, context, conversation);
    }
    const ticket = await this.d.handoff.escalate(conversation.id, decision);
    if (ticket.agentsOnline === 0) {
      await context.sendActivity(
        MessageFactory.suggestedActions([t(language, 'withdrawButton')], t(language, this.d.handoff.isOpen() ? 'noAgentOnline' : 'outsideHours')),
      );
      await askReplyEmail(this.d, context, conversation, turnInfo(context).customer);
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
    const { customer, conversation } = await ingestConversation(this.d, context);
    if (conversation.lastSeq > 0 || conversation.state !== 'bot') return;
    storeOutgoing(this.d, context, () => conversation);
    const language = conversation.language ?? 'en';
    const name = greetingName(customer.displayName);
    await context.sendActivity(name ? t(language, 'welcomeKnown', { name }) : t(language, 'welcome'));
  }

  private async onTyping(context: TurnContext): Promise<void> {
    const a = context.activity;
    const conversation = await currentConversation(this.d.store, a.channelId, a.conversation.id);
    if (conversation?.state === 'agent') this.d.handoff.customerTyping(conversation);
  }

  /** handoff.status from a contact centre that took over through the protocol. */
  private async onEvent(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (a.name !== 'handoff.status') return;
    const conversation = await currentConversation(this.d.store, a.channelId, a.conversation.id);
    const state = (a.value as { state?: unknown } | undefined)?.state;
    if (!conversation || conversation.state !== 'external' || typeof state !== 'string') return;
    if (state === 'completed' || state === 'failed') {
      await this.d.handoff.endExternal(conversation.id, state);
    }
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Once for each message that had a card number in it: it was hidden, and none is ever needed here. */
async function tellCardHidden(context: TurnContext, language: string): Promise<void> {
  if (context.turnState.get(CARDS_HIDDEN) === true) await context.sendActivity(t(language, 'cardNumberHidden'));
}

/** Turn state key: the customer's message had a card number, masked before anything read it. */
const CARDS_HIDDEN = Symbol('crm.cardsHidden');
