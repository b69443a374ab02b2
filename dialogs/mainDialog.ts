import { MessageFactory, type ConversationState as BotConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus, type Dialog, type DialogContext, type DialogState, type DialogTurnResult } from 'botbuilder-dialogs';
import { channelName, intentLabel } from '../locale/intentLabels';
import { t } from '../locale/replies';
import { decide, type ConfidencePolicy, type Decision } from '../nlu/confidencePolicy';
import { entity, type Recognition, type Recognizer } from '../nlu/recognizer';
import { answerBuiltIn } from './builtInIntents';
import { CancelOrderDialog } from './cancelOrderDialog';
import { codeAgain } from './codeAgain';
import { lateContactCode } from './contactCodeLate';
import { answerBesideCode } from './codeAside';
import { contactSaveAside } from './contactSaveAside';
import { ChangeConsentDialog, whatToStop, withdrawMarketing, type ChangeConsentOptions } from './changeConsentDialog';
import { keptChannelAfterStop } from './channelStance';
import { ClarifyDialog, type ClarifyOptions } from './clarifyDialog';
import { asksAboutOptOut, isBareStop, readConsentWish, withdrawsConsent } from './consentWish';
import { listChannels, optsInOnNamedChannels, wantedBesideStop } from './consentScope';
import { ContactDetailsDialog, onlyEmail, type ContactDetailsOptions } from './contactDetailsDialog';
import { DeleteAccountDialog } from './deleteAccountDialog';
import { CONTACT_SAVE_PROMPT, type DialogEnd, type RouteOutcome } from './dialogResult';
import type { DialogServices } from './dialogServices';
import { FaqOfferDialog, type FaqOfferOptions } from './faqOfferDialog';
import { FeedbackDialog } from './feedbackDialog';
import type { KnowledgeBase } from './knowledge';
import { extractOrderNumber, VERIFY_CODE_PROMPT, type OrderDialogOptions, type OrderProofs } from './orderDialog';
import { reportsAccountMisuse, reportsMissingParcel } from './reportedProblems';
import { asksAboutSpam } from './spamQuestion';
import { PasswordResetDialog } from './passwordResetDialog';
import { namesRefundOnly, RefundDialog, RefundStatusDialog } from './refundDialog';
import { ReturnDialog } from './returnDialog';
import { TrackOrderDialog, orderStatusText } from './trackOrderDialog';
import { answerUnasked, unaskedChange } from './unaskedChange';
import { namesContactChange } from './contactChangeWords';
import { givenName } from './givenName';
import { asksCallBack, asksContactOnFile, continuesContactChange, type ContactKind } from './contactAsks';
import { letterlessName } from './letterlessName';
import { maskContact } from '../profile/identityResolution';
import { asksMarketingFrequency, asksMarketingOn, asksMarketingState, besideOptOut, optOutPart } from './marketingQuestion';
import { marketingStateText } from './consentState';
import { asksDataUse } from './privacyQuestion';
import { asksServiceMessages, asksWhenItArrives, reportsDoubleCharge, withdrawsRequest } from './followUpWords';
import { deniesPendingChange, leavesQuestion, likelyIntents, optsOutAtQuestion, type PendingQuestion } from './questionExits';
import { orderNumberAnswer } from './orderNumberAnswer';
import { answersPending } from './pendingAnswer';
import { asksDataCopy } from './dataAccessRequest';
import { splitRequests } from './laterRequests';
import { splitContactChanges } from './contactPairs';
import { anotherOrderAtEmail } from './emailQuestionExits';
import { askedAnythingElse, dropLater, keepForLater, lastQuestion, offerChange, offeredChange, takeLater, type RouterMemory } from './routerMemory';
import { DIALOG_FOR_INTENT, ORDER_DIALOGS } from './routingTables';
import { takeName } from './takeName';
import { turnInfo } from './turnInfo';
import { readYesNo } from './yesNo';

export type { RouteOutcome, RouterMemory };

/** News and offers: never read again from the rest of a message that opted out. */
const CONSENT_INTENTS = new Set(['consent.change', 'newsletter.subscribe']);
/** "what now?", "now what?", "¿y ahora qué?": the customer asks what can be done next. */
const ASKS_WHAT_NOW =
  /(?<![\p{L}])(?:what now|now what|what next|what do i do now|what happens now|y ahora qu[eé]|qu[eé] hago ahora|ahora qu[eé])(?![\p{L}])/iu;
/** Nothing to act on beside an opt-out ("unsubscribe me, thanks"): its confirmation is the answer. */
const SMALL_TALK = new Set(['greeting', 'goodbye', 'thanks', 'help']);

/** Requests a customer sends documents or photos for (a receipt, a damaged item, a bank statement). */
const FILE_REQUESTS = new Set(['refund.request', 'refund.status', 'return.request', 'complaint', 'order.cancel', 'order.change', 'payment.problem']);

export interface MainDialogDeps {
  /** The bot's conversation state: the dialog stack, order proofs and the router's memory live in it. */
  state: BotConversationState;
  services: DialogServices;
  knowledge: KnowledgeBase;
  /** The recognizer, for the quick part of a message that also asks for a person. */
  recognizer: Recognizer;
  /** When to answer, ask back or search; nlu/confidencePolicy.ts's calibrated default otherwise. */
  confidence?: ConfidencePolicy;
  /** The company's country for phone numbers typed without a country code (DEFAULT_PHONE_REGION). */
  defaultPhoneRegion?: string;
}

/**
 * The router: continues an active dialog, or acts on what the customer asked when the recognizer is sure, asks which
 * of the likely intents they meant when it is not, offers the best FAQ article when nothing fits, or reports that it
 * did not understand (the bot counts those for escalation). Bare yes/no answers never reach the intent model.
 */
export class MainDialog {
  private readonly dialogs: DialogSet;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  readonly memory: StatePropertyAccessor<RouterMemory>;
  private readonly proofs: StatePropertyAccessor<OrderProofs>;

  constructor(private readonly d: MainDialogDeps) {
    this.dialogState = d.state.createProperty<DialogState>('dialogState');
    this.memory = d.state.createProperty<RouterMemory>('routerMemory');
    this.proofs = d.state.createProperty<OrderProofs>('orderProofs');
    this.dialogs = new DialogSet(this.dialogState);
    const { services } = d;
    const acting = { verification: services.verification, profiles: services.profiles };
    const children: Dialog[] = [
      new TrackOrderDialog(services.orders, this.proofs),
      new CancelOrderDialog(services.orders, this.proofs, acting),
      new RefundDialog(services.orders, this.proofs, acting, (c, text) => keepForLater(this.memory, c, text)),
      new RefundStatusDialog(services.orders, this.proofs),
      new ReturnDialog(services.orders, this.proofs, acting),
      new PasswordResetDialog(services.orders),
      new FeedbackDialog(services.satisfaction),
      new ContactDetailsDialog(services.profiles, { defaultRegion: d.defaultPhoneRegion, verification: services.verification, proofs: this.proofs }),
      new ChangeConsentDialog(services.profiles),
      new DeleteAccountDialog(),
      new ClarifyDialog(),
      new FaqOfferDialog((step) => this.askedAnythingElse(step.context)),
    ];
    for (const x of children) this.dialogs.add(x);
  }

  /**
   * botbuilder-dialogs builds its memory configuration (a dependency container of memory scopes and path
   * resolvers, checked with zod) once per turn and keeps it in turn state under this key; the scopes are
   * stateless, so we build it once and hand it to every turn: a few percent of a bot turn's CPU. The key is
   * internal to botbuilder-dialogs; should it change, this only stops saving that work.
   */
  private static readonly MEMORY_CONFIGURATION = 'DialogStateManagerConfiguration';
  private memoryConfiguration: unknown;

  private async createContext(context: TurnContext) {
    if (this.memoryConfiguration) context.turnState.set(MainDialog.MEMORY_CONFIGURATION, this.memoryConfiguration);
    const dc = await this.dialogs.createContext(context);
    this.memoryConfiguration ??= context.turnState.get(MainDialog.MEMORY_CONFIGURATION);
    return dc;
  }

  /**
   * Whether a dialog is waiting for an answer, read from the dialog state itself: most turns start no dialog
   * (FAQ answers, greetings), and a DialogContext (with its memory scopes) is only built for those that do.
   */
  async hasActiveDialog(context: TurnContext): Promise<boolean> {
    // The same default DialogSet.createContext uses, so both read one state object.
    const state = await this.dialogState.get(context, { dialogStack: [] });
    return state.dialogStack.length > 0;
  }

  /**
   * Whether the message answers the question the bot asked last turn (pendingAnswer.ts), read before the turn takes it:
   * it is then stored without an intent. Reads the stored state only; nothing changes.
   */
  async answersQuestion(context: TurnContext, r: Recognition): Promise<boolean> {
    const { lastQuestion: asked, offeredChange: offered, replyEmailAsked } = await this.memory.get(context, {});
    const question = await this.pending(context);
    return answersPending({ question, lastQuestion: asked, offeredChange: offered, replyEmailAsked }, r, this.d.confidence);
  }

  /** The question a dialog waits on, if any (its dialog and innermost prompt). */
  async pending(context: TurnContext): Promise<PendingQuestion | undefined> {
    return (await this.hasActiveDialog(context)) ? pendingQuestion(await this.createContext(context)) : undefined;
  }

  async cancelAll(context: TurnContext): Promise<void> {
    if (!(await this.hasActiveDialog(context))) return;
    const dc = await this.createContext(context);
    await dc.cancelAllDialogs();
  }

  /** What the recognition means for acting: an intent the bot is sure of, a question back, or nothing that fits. */
  decision(r: Recognition): Decision {
    return decide(r, this.d.confidence);
  }

  /** An active dialog or the router, whichever takes this message. */
  async run(context: TurnContext): Promise<RouteOutcome> {
    const outcome = (await this.reportedProblem(context)) ?? (await this.continueActive(context)) ?? (await this.route(context));
    return this.takeUpLater(context, outcome);
  }

  /**
   * A request kept for later (dialogs/laterRequests.ts), once nothing waits on the customer's answer: said, then
   * routed as a message of its own. A person taking the chat reads all of it: kept requests are dropped then.
   */
  private async takeUpLater(context: TurnContext, outcome: RouteOutcome): Promise<RouteOutcome> {
    if (outcome.kind === 'escalate') {
      await dropLater(this.memory, context);
      return outcome;
    }
    if (await this.hasActiveDialog(context)) return outcome;
    const next = await takeLater(this.memory, context);
    if (!next) return outcome;
    const info = turnInfo(context);
    await context.sendActivity(t(info.language, 'laterRequestNow', { request: next }));
    info.recognition = await this.d.recognizer.recognize(next, { language: info.language });
    return this.takeUpLater(context, await this.route(context));
  }

  /**
   * A problem reported in so many words (dialogs/reportedProblems.ts), whatever question is pending: an account used
   * by someone else, a parcel shown delivered that never came. An apology and a person, never a guess at an intent
   * (they were once offered "Track my order" and told "Order 67890 was delivered.").
   */
  private async reportedProblem(context: TurnContext): Promise<RouteOutcome | undefined> {
    const { recognition: r, language } = turnInfo(context);
    const misuse = reportsAccountMisuse(r.text);
    const missing = !misuse && reportsMissingParcel(r.text);
    if (!misuse && !missing) return undefined;
    await this.lastQuestion(context);
    await this.cancelAll(context);
    const order = (entity(r, 'orderNumber')?.value as string | undefined) ?? extractOrderNumber(r.text);
    const memory = await this.memory.get(context, {});
    memory.topic = 'complaint';
    memory.topicOrder = order;
    if (misuse) {
      await context.sendActivity(t(language, 'accountMisuseReported'));
      return {
        kind: 'escalate',
        reason: 'policy_intent',
        detail: `possible fraud: account misuse reported${order ? `, order ${order}` : ''}`,
        priorityBoost: 5,
      };
    }
    await context.sendActivity(t(language, order ? 'missingParcelOrder' : 'missingParcel', { order }));
    return { kind: 'escalate', reason: 'policy_intent', detail: `parcel shown delivered but not received${order ? `, order ${order}` : ''}`, priorityBoost: 2 };
  }

  /**
   * Gives the message to the dialog waiting for an answer. Undefined when there is none, or when the message was no
   * answer to its question but a new request (the dialog changed nothing and ended): the caller routes it.
   */
  async continueActive(context: TurnContext): Promise<RouteOutcome | undefined> {
    await this.lastQuestion(context);
    if (!(await this.hasActiveDialog(context))) return undefined;
    const dc = await this.createContext(context);
    const pending = pendingQuestion(dc);
    const { recognition } = turnInfo(context);
    if (optsOutAtQuestion(pending, recognition, this.d.confidence)) {
      // "unsubscribe me" at "What is your order number?": honoured at once and confirmed, like anywhere else, then the
      // question stands (asked again: the withdrawal was no answer to it, and the customer's request is not dropped).
      await withdrawMarketing(context, this.d.services.profiles);
      // "Did this answer your question?" asked of an FAQ article is no question once something else was answered.
      if (pending.dialog === FaqOfferDialog.id) await dc.cancelAllDialogs();
      else await dc.repromptDialog();
      return { kind: 'answered' };
    }
    // "how long do refunds take?" while the code is awaited: answered, and the code still awaited (codeAside.ts).
    if (pending.prompt === VERIFY_CODE_PROMPT && (await answerBesideCode(context, this.codeAsideDeps()))) return { kind: 'answered' };
    // "will you send me spam?" at "Save ana@example.com as your new e-mail address?": answered, the question again.
    if (pending.prompt === CONTACT_SAVE_PROMPT && (await this.answerBesideSave(context))) {
      await dc.repromptDialog();
      return { kind: 'answered' };
    }
    // "no, olvídalo" at "Did this answer your question?" or "Did you mean…": withdrawn, and nothing proposed.
    if ((pending.dialog === FaqOfferDialog.id || pending.dialog === ClarifyDialog.id) && withdrawsRequest(recognition.text)) {
      await dc.cancelAllDialogs();
      await context.sendActivity(t(turnInfo(context).language, 'requestWithdrawn'));
      return { kind: 'neutral' };
    }
    if (leavesQuestion(pending, recognition, this.d.confidence) || deniesPendingChange(pending, recognition.text)) {
      // A clear new request is no answer to what the bot asked: the question is dropped and the request routed.
      await dc.cancelAllDialogs();
      // "what about 55555" at the e-mail on another order: the same request, for that order (emailQuestionExits.ts).
      const other = anotherOrderAtEmail(pending, recognition, this.decision(recognition));
      if (other) return this.runIntent(context, other.intent, { orderNumber: other.orderNumber });
      return undefined;
    }
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) return undefined;
    const ended = result.status === DialogTurnStatus.complete ? (result.result as DialogEnd | undefined) : undefined;
    if (ended?.pick) {
      // The customer picked one of the clarifying question's options: act on it as if it had been understood.
      const info = turnInfo(context);
      info.recognition = { ...info.recognition, text: ended.pick.text, intent: ended.pick.intent, score: 1, alternatives: undefined };
      return this.runIntent(context, ended.pick.intent, { dc, orderNumber: ended.pick.orderNumber, email: ended.pick.email });
    }
    if (ended?.reroute) return undefined;
    return this.outcomeOf(result);
  }

  /** A question at a contact change's "Save …?" answered (contactSaveAside.ts); false when it is none to answer there. */
  private async answerBesideSave(context: TurnContext): Promise<boolean> {
    const { recognition, language } = turnInfo(context);
    const { knowledge } = this.d;
    const aside = contactSaveAside(
      recognition,
      this.decision(recognition),
      (id) => knowledge.answer(id, language) !== undefined,
      (text) => knowledge.best(text, language)?.article.id,
    );
    const answer = aside && ('faq' in aside ? knowledge.answer(aside.faq, language) : t(language, aside.reply));
    if (!answer) return false;
    await context.sendActivity(answer);
    return true;
  }

  private codeAsideDeps() {
    const { knowledge, services } = this.d;
    return {
      decide: (r: Recognition) => this.decision(r),
      faq: knowledge.answer.bind(knowledge),
      search: (text: string, language: string) => knowledge.best(text, language)?.article.id,
      proofs: this.proofs,
      digits: services.verification.codeLength,
    };
  }

  private outcomeOf(result: DialogTurnResult): RouteOutcome {
    if (result.status === DialogTurnStatus.complete) return (result.result as DialogEnd | undefined)?.outcome ?? { kind: 'answered' };
    // A dialog that asks its next question has understood this message.
    return { kind: 'answered' };
  }

  /** A new request: yes/no in context, a name to use, then what the recognizer is sure of, unsure of, or nothing. */
  async route(context: TurnContext): Promise<RouteOutcome> {
    const info = turnInfo(context);
    const { recognition: r, language } = info;
    const asked = await this.lastQuestion(context);
    // "Send me a new code" after the code question closed: that change again, or word that no code is pending.
    // The code of a new e-mail or phone typed after "later": that contact confirmed (contactCodeLate.ts).
    const late = await lateContactCode(context, this.proofs, this.d.services.verification, this.d.services.profiles);
    if (late) return late;
    const code = await codeAgain(context, () => this.createContext(context), this.proofs, this.d.services.verification);
    if (code) return code;
    // An order number right after the bot explained a change and offered it: the go-ahead for that order.
    const offered = offeredChange(context);
    const given = offered && orderNumberAnswer(r.text);
    if (offered && given) return this.runIntent(context, offered.intent, { orderNumber: given });
    // The e-mail on the order it named, typed next: that order's proof (never a contact to save).
    const proof = offered?.order && onlyEmail(r.text);
    if (offered?.order && proof) {
      const dc = await this.createContext(context);
      return this.outcomeOf(await dc.beginDialog(DIALOG_FOR_INTENT[offered.intent], { orderNumber: offered.order, email: proof } satisfies OrderDialogOptions));
    }

    const byWords = await this.readWords(context, asked);
    if (byWords) return byWords;
    // "ok so what now?" after "You are back with the assistant": asks what can be done, no yes to anything (it once got
    // "Great! What can I do for you?"): what the bot can do, as buttons.
    // Only when that is all it says: "ok, what now? where is order 12345" asks about the order.
    if (ASKS_WHAT_NOW.test(r.text) && r.text.trim().split(/\s+/).length <= 6 && !entity(r, 'orderNumber')) return this.runIntent(context, 'help');
    const yesNo = readYesNo(r.text);
    // "ok cancel it" right after an order's status reads as a yes naming its action (as it would at "Cancel order
    // 55555?"), but nothing was asked: the action the recognizer is sure of is the request.
    const decision = this.decision(r);
    const action = yesNo === 'yes' && decision.kind === 'answer' && DIALOG_FOR_INTENT[decision.intent] !== undefined;
    if (yesNo && !action) {
      // Nobody asked anything that a bare yes or no could answer now: it never goes to the intent model.
      if (asked === 'anythingElse') {
        await context.sendActivity(t(language, yesNo === 'no' ? 'anythingElseNo' : 'anythingElseYes'));
        return { kind: 'answered' };
      }
      await context.sendActivity(t(language, yesNo === 'no' ? 'bareNo' : 'bareYes'));
      return { kind: 'neutral' };
    }
    // "call me Maria": a name to keep (or refuse), never an intent; the request beside it is read on its own.
    const named = givenName(r.text);
    // "can you call me later?" (once "Did you mean: Say goodbye"): what the bot and the team can do instead.
    if (!named && asksCallBack(r.text)) return this.answerCallBack(context);
    if (named) {
      const rest = await takeName(context, this.d.services.profiles, named);
      if (!rest) return { kind: 'answered' };
      info.recognition = await this.d.recognizer.recognize(rest, { language });
      // "hello team, my name is Tom": "Nice to meet you, Tom!" was the welcome; the hello needs no second one.
      const beside = this.decision(info.recognition);
      if (beside.kind === 'answer' && beside.intent === 'greeting') {
        await context.sendActivity(t(language, 'howCanIHelp'));
        return { kind: 'answered' };
      }
      return this.route(context);
    }
    // "call me =1+1": a name all the same (once the opening hours, by "call"), refused: a name needs letters.
    const letterless = letterlessName(r.text);
    if (letterless) {
      await context.sendActivity(t(language, 'nameNoLetters', { name: letterless.name }));
      if (!letterless.rest) return { kind: 'answered' };
      info.recognition = await this.d.recognizer.recognize(letterless.rest, { language });
      return this.route(context);
    }
    // "what do you do with my email address?": how the data is used, exported or erased; nothing changes.
    if (asksDataUse(r.text)) {
      await context.sendActivity(t(language, 'privacyDataUse'));
      return { kind: 'answered' };
    }
    // "what's my email on file?" asks what is kept, and changes nothing (it once asked for the new address).
    const onFile = asksContactOnFile(r.text);
    if (onFile) return this.answerContactOnFile(context, onFile);
    // "and my phone to +44 7700 900123" after a change: another change, through its flow and its yes (never saved here).
    if (continuesContactChange(r.text)) return this.runIntent(context, 'contact.change');
    // "can I get a copy of the data you hold on me?": a copy, made by staff; never an offer to delete the account.
    if (asksDataCopy(r.text)) {
      await context.sendActivity(t(language, 'dataCopyRequested'));
      return {
        kind: 'escalate',
        reason: 'policy_intent',
        detail: 'data access request: the customer asked for a copy of their data (GET /api/customers/:id/export)',
      };
    }
    // An e-mail address alone, unasked (first message, or typed at a "Did you mean"): no intent, and the FAQ search
    // once offered "Create an account". Thank them and offer to keep it as a contact, stored only after a yes.
    if (onlyEmail(r.text)) {
      const dc = await this.createContext(context);
      const options: ContactDetailsOptions = { unasked: true };
      return this.outcomeOf(await dc.beginDialog(ContactDetailsDialog.id, options));
    }
    // "I want to cancel my newsletter subscription" reads like a subscription to the classifier: any message about news
    // and offers that stops or refuses something is a withdrawal, honoured at once, however sure the classifier is.
    // About news and offers means the top intent or one likely enough to be offered in a clarifying question: the
    // ranked alternatives always name three intents, and "leave a review" ranks newsletter.subscribe third at 0.00.
    // "stop", "no, stop": nothing named to stop, so nothing to guess at (least of all an offer of news).
    if (isBareStop(r.text)) {
      await context.sendActivity(whatToStop(language));
      return { kind: 'neutral' };
    }
    // An opt-out in so many words ("quiero darme de baja", once read as deleting the account) needs no intent at all.
    // The top intent and the likely ones, read three times below: r stays this turn's recognition down to there.
    const likely = likelyIntents(r, this.d.confidence);
    const aboutConsent = likely.some((i) => i === 'consent.change' || i === 'newsletter.subscribe');
    if ((aboutConsent && readConsentWish(r.text) === 'withdraw') || withdrawsConsent(r.text, [])) return this.withdrawAndMore(context);
    // "where is my order 12345? and please stop the sms promos": the whole reads as the order to the recognizer, so the
    // clause about news and offers is read on its own words (it was once dropped; an opt-out never is).
    const optOut = optOutPart(r.text);
    if (optOut && (await this.optsOutAlone(optOut, language))) return this.withdrawAndMore(context, optOut);
    // "what offers am I signed up for?": where they stand on every channel, from the profile; nothing changes.
    if (asksMarketingState(r.text)) {
      await context.sendActivity(marketingStateText(info.customer, info.conversation.channelId, language));
      return { kind: 'answered' };
    }
    // "can I unsubscribe?", "what happens if I opt out?": a question about opting out is answered as one, never withdrawn.
    if (asksAboutOptOut(r.text, likely)) return this.runIntent(context, 'consent.change');
    // "can I get offers by SMS?": explained and asked about on that channel (a yes grants; changeConsentDialog.ts).
    // "I'd like offers by SMS but not email": an opt-in on that channel, whatever the model made of its "not".
    if (asksMarketingOn(r.text) || optsInOnNamedChannels(r.text)) return this.runIntent(context, 'newsletter.subscribe');
    // "how often do you send the newsletter?": answered, and consent stays as it is.
    if (asksMarketingFrequency(r.text)) {
      await context.sendActivity(t(language, 'marketingFrequency'));
      return { kind: 'answered' };
    }
    // "are you going to spam me?": the consent rule, never the sign-up article about the spam folder.
    if (asksAboutSpam(r.text)) {
      await context.sendActivity(t(language, 'marketingOnlyWithYes'));
      return { kind: 'answered' };
    }
    // A new e-mail and a new phone in one message: the first asked now, the second kept (dialogs/contactPairs.ts).
    const pair = likely.includes('contact.change') ? splitContactChanges(r.text, language) : undefined;
    if (pair && (await keepForLater(this.memory, context, pair.tail, true))) {
      await context.sendActivity(t(language, 'laterRequestFirst', { request: pair.tail }));
      info.recognition = await this.d.recognizer.recognize(pair.head, { language });
      return this.runIntent(context, 'contact.change');
    }
    // "return 67890 and also get a refund for 24680": the first request now, the second kept for when it is done.
    const split = await splitRequests(
      r.text,
      (text) => this.d.recognizer.recognize(text, { language }),
      (x) => this.decision(x),
    );
    if (split && (await keepForLater(this.memory, context, split.tail, true))) {
      await context.sendActivity(t(language, 'laterRequestFirst', { request: split.tail }));
      info.recognition = split.head;
      return this.runIntent(context, split.intent);
    }
    // "i dont remember the number": read as a contact change for its "number", yet naming none (contactChangeWords.ts).
    const eagerContact = decision.kind === 'answer' && decision.intent === 'contact.change' && !namesContactChange(r.text);
    if (decision.kind === 'answer' && !eagerContact) return this.runIntent(context, decision.intent);
    // "refund" alone: split by the model between asking for one and where one stands; the refund dialog does both.
    if (namesRefundOnly(r.text)) return this.runIntent(context, 'refund.request');
    // Unsure, and most likely a change the message denies ("sorry, I don't want to cancel anything, where is 55555?"):
    // runIntent answers what else it asks; the denied change is never offered back.
    if (decision.kind === 'clarify' && unaskedChange(decision.options[0], r.text)?.stance === 'negated') return this.runIntent(context, decision.options[0]);
    if (decision.kind === 'clarify') {
      const dc = await this.createContext(context);
      const options: ClarifyOptions = { options: decision.options, text: r.text, orderNumber: entity(r, 'orderNumber')?.value as string | undefined };
      await dc.beginDialog(ClarifyDialog.id, options);
      return { kind: 'neutral' };
    }
    const hit = this.d.knowledge.best(r.text, language);
    if (hit) {
      const dc = await this.createContext(context);
      const options: FaqOfferOptions = { text: hit.article.answer[language === 'es' ? 'es' : 'en'], articleId: hit.article.id };
      await dc.beginDialog(FaqOfferDialog.id, options);
      return { kind: 'neutral' };
    }
    return { kind: 'not_understood' };
  }

  /**
   * Follow-up readings (followUpWords.ts), before yes/no and the intent model: a request withdrawn, a
   * question whether order updates go on, "when will it arrive?" about the order just shown, a double charge.
   */
  private async readWords(context: TurnContext, asked: RouterMemory['lastQuestion']): Promise<RouteOutcome | undefined> {
    const { recognition: r, language } = turnInfo(context);
    // "mejor no" at "Anything else?" closes the chat politely (route's yes/no reading).
    if (asked !== 'anythingElse' && withdrawsRequest(r.text)) {
      await context.sendActivity(t(language, 'requestWithdrawn'));
      return { kind: 'neutral' };
    }
    if (asksServiceMessages(r.text)) {
      await context.sendActivity(t(language, 'serviceMessagesContinue'));
      return { kind: 'answered' };
    }
    const named = (entity(r, 'orderNumber')?.value as string | undefined) ?? extractOrderNumber(r.text);
    const last = (await this.proofs.get(context, { proofs: [], failed: 0 })).last;
    if (!named && last && asksWhenItArrives(r.text)) return this.runIntent(context, 'order.track', { orderNumber: last });
    if (reportsDoubleCharge(r.text)) {
      const memory = await this.memory.get(context, {});
      memory.topic = 'payment.problem';
      memory.topicOrder = named;
      await context.sendActivity(t(language, named ? 'doubleChargeOrder' : 'doubleCharge', { order: named }));
      return { kind: 'answered' };
    }
    return undefined;
  }

  /**
   * An opt-out, through the consent dialog as alone, then what else the message asks ("where is order 12345? also
   * stop the marketing emails": the order's part was once dropped): routed on its own words when the opt-out ended
   * its dialog (a question it asks comes first and the rest waits for the customer).
   */
  private async withdrawAndMore(context: TurnContext, part?: string): Promise<RouteOutcome> {
    const info = turnInfo(context);
    // The consent dialog reads the opt-out's own clause when the message also asks something else.
    const whole = info.recognition;
    if (part) info.recognition = { ...whole, text: part };
    const outcome = await this.runIntent(context, 'consent.change');
    info.recognition = whole;
    // "…por correo pero sí por sms", "stop the SMS offers, send them on WhatsApp instead": the channel still wanted is
    // offered in so many words (channelStance.ts, consentScope.ts), never withdrawn.
    const stance = keptChannelAfterStop(info.recognition.text);
    const [kept, ...also] = stance ? [stance] : wantedBesideStop(info.recognition.text, info.conversation.channelId);
    if (kept && !(await this.hasActiveDialog(context))) {
      const names = listChannels(
        [kept, ...also].map((id) => channelName(id, info.language)),
        info.language,
      );
      await context.sendActivity(t(info.language, 'marketingStillWanted', { channel: names }));
      const dc = await this.createContext(context);
      return this.outcomeOf(await dc.beginDialog(ChangeConsentDialog.id, { channel: kept, also, offer: true } satisfies ChangeConsentOptions));
    }
    const rest = besideOptOut(info.recognition.text);
    if (!rest || (await this.hasActiveDialog(context))) return outcome;
    const other = await this.d.recognizer.recognize(rest, { language: info.language });
    const d = this.decision(other);
    const options = d.kind === 'answer' ? [d.intent] : d.kind === 'clarify' ? d.options : [];
    if (options.length === 0 || options.some((i) => CONSENT_INTENTS.has(i) || SMALL_TALK.has(i))) return outcome;
    info.recognition = other;
    return this.route(context);
  }

  /** A clause that withdraws read alone: an opt-out in so many words, or a stop of news and offers the recognizer agrees is about them. */
  private async optsOutAlone(text: string, language: string): Promise<boolean> {
    if (withdrawsConsent(text, [])) return true;
    if (readConsentWish(text) !== 'withdraw') return false;
    const alone = await this.d.recognizer.recognize(text, { language });
    return likelyIntents(alone, this.d.confidence).some((i) => CONSENT_INTENTS.has(i));
  }

  /** No phone calls from this chat: a person here, or the contact options (the knowledge file's), as it stands. */
  private async answerCallBack(context: TurnContext): Promise<RouteOutcome> {
    const { language } = turnInfo(context);
    const contact = this.d.knowledge.answer('kb.contact', language);
    const text = [t(language, 'callBackNone'), contact].filter(Boolean).join(' ');
    await context.sendActivity(MessageFactory.suggestedActions([t(language, 'talkToPerson')], text));
    return { kind: 'answered' };
  }

  /**
   * The contact on file, asked about. Shown only in the masked form the product already shows ("a•••@example.com",
   * "•••123"), and only when verified: vouched for by the channel or the website's signed token, or proven with a
   * one-time code, the same proof that lets this customer change an order. A detail typed in a chat is anyone's
   * word, and an unverified chat may not be its owner: then nothing is shown, only what can be done (a new one saved
   * after a yes, or a person), as buttons.
   */
  private async answerContactOnFile(context: TurnContext, kind: ContactKind): Promise<RouteOutcome> {
    const { language, customer } = turnInfo(context);
    const shown = customer.contacts.filter((c) => c.verified && (kind === 'any' || c.type === kind)).map((c) => maskContact(c.value));
    const change = intentLabel('contact.change', language);
    if (shown.length === 0) {
      await context.sendActivity(MessageFactory.suggestedActions([change, t(language, 'talkToPerson')], t(language, 'contactOnFileHidden')));
      return { kind: 'answered' };
    }
    const kindName = t(language, kind === 'email' ? 'contactKindEmail' : kind === 'phone' ? 'contactKindPhone' : 'contactKindAny');
    await context.sendActivity(MessageFactory.suggestedActions([change], t(language, 'contactOnFileShown', { kind: kindName, contacts: shown.join(', ') })));
    return { kind: 'answered' };
  }

  /** Acts on an intent the bot is sure of (or the customer picked). */
  async runIntent(context: TurnContext, intent: string, o: { dc?: DialogContext; orderNumber?: string; email?: string } = {}): Promise<RouteOutcome> {
    const { recognition: r, language } = turnInfo(context);
    (await this.memory.get(context, {})).topic = intent;
    const dialogId = DIALOG_FOR_INTENT[intent];
    if (dialogId) {
      const dc = o.dc ?? (await this.createContext(context));
      const wish = dialogId === ChangeConsentDialog.id ? readConsentWish(r.text) : undefined;
      // No number in the message: the order this conversation just showed ("can I return it?"). Every order reply
      // names its number, so a customer who meant another one sees it at once.
      const named = o.orderNumber ?? (entity(r, 'orderNumber')?.value as string | undefined);
      const orderNumber = named ?? (ORDER_DIALOGS.has(dialogId) ? (await this.proofs.get(context, { proofs: [], failed: 0 })).last : undefined);
      (await this.memory.get(context, {})).topicOrder = orderNumber;
      // "I don't want to cancel order 12345", "can I return it once it arrives?": a change nobody asked for never starts.
      const unasked = unaskedChange(intent, r.text);
      if (unasked)
        return answerUnasked(context, intent, unasked, orderNumber, {
          recognize: (text) => this.d.recognizer.recognize(text, { language }),
          decide: (x) => this.decision(x),
          faq: (id, lang) => this.d.knowledge.answer(id, lang),
          runIntent: (next, order) => this.runIntent(context, next, { dc, orderNumber: order }),
          askNewContact: async () => this.outcomeOf(await dc.beginDialog(ContactDetailsDialog.id, { askNew: true } satisfies ContactDetailsOptions)),
          offer: (offered) => offerChange(this.memory, context, offered),
        });
      const result = await dc.beginDialog(dialogId, { orderNumber, wish, email: o.email });
      return this.outcomeOf(result);
    }
    const faq = this.d.knowledge.answer(intent, language) ?? (intent === 'return.request' ? this.d.knowledge.answer('return.policy', language) : undefined);
    if (faq) {
      await context.sendActivity(faq);
      return { kind: 'answered' };
    }
    return answerBuiltIn(context, intent, { services: this.d.services, askedAnythingElse: (c) => this.askedAnythingElse(c) });
  }

  /**
   * The quick part of a message that also asks for a person ("I need a human, my card was charged twice"): when the
   * recognizer is sure of it and the FAQ answers it, that answer goes first. Nothing else (no dialog) starts.
   */
  async quickAnswer(context: TurnContext, text: string): Promise<boolean> {
    if (text.trim().length < 3) return false;
    const { language } = turnInfo(context);
    const r = await this.d.recognizer.recognize(text, { language });
    const decision = this.decision(r);
    if (decision.kind !== 'answer') return false;
    const faq = this.d.knowledge.answer(decision.intent, language);
    if (!faq) return false;
    await context.sendActivity(faq);
    return true;
  }

  /**
   * Files sent with no words of a request ("here is my receipt") during a request they belong with (a refund, a
   * return, a complaint…): acknowledged as part of it, and the question it waits on asked again. False when the
   * conversation's request is none of those (the caller then asks what the file is for).
   */
  async fileForRequest(context: TurnContext, name: string): Promise<boolean> {
    const memory = await this.memory.get(context, {});
    if (!memory.topic || !FILE_REQUESTS.has(memory.topic)) return false;
    const { language } = turnInfo(context);
    const label = intentLabel(memory.topic, language);
    const request = memory.topicOrder ? t(language, 'requestWithOrder', { label, order: memory.topicOrder }) : label;
    await context.sendActivity(t(language, 'attachmentForRequest', { name, request }));
    if (await this.hasActiveDialog(context)) await (await this.createContext(context)).repromptDialog();
    return true;
  }

  /** The question a dialog waits on, asked again (after an empty message or a bare file): false when none waits. */
  async repromptActive(context: TurnContext): Promise<boolean> {
    if (!(await this.hasActiveDialog(context))) return false;
    await (await this.createContext(context)).repromptDialog();
    return true;
  }

  /** What the bot's previous message asked, read once per turn (routerMemory.ts). */
  lastQuestion(context: TurnContext): Promise<RouterMemory['lastQuestion']> {
    return lastQuestion(this.memory, context);
  }

  /** The bot's last message asked "Anything else?". */
  askedAnythingElse(context: TurnContext): Promise<void> {
    return askedAnythingElse(this.memory, context);
  }
}

/** The question a dialog waits on: the dialog that asked, and its innermost prompt. */
function pendingQuestion(dc: DialogContext): PendingQuestion {
  // `child` builds a new DialogContext (with its memory scopes) on every read: read once per level.
  let inner = dc;
  for (let next = dc.child; next; next = next.child) inner = next;
  return { dialog: dc.activeDialog?.id, prompt: inner.activeDialog?.id ?? '' };
}

export { orderStatusText };
