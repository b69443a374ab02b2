import { MessageFactory, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { ComponentDialog, TextPrompt, type PromptValidatorContext, type WaterfallStepContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { CustomerIdentity, Order } from '../commerce/commerceBackend';
import type { CodeChallenge, ContactVerification } from '../commerce/contactVerification';
import { maskEmail } from '../commerce/devCodeNotifier';
import type { OrderService } from '../commerce/orderService';
import { t, type ReplyKey } from '../locale/replies';
import { OUT_OF_SCOPE } from '../nlu/recognizer';
import { asksNewCode, missesCode, stopsCode, waitsForCode } from './codeQuestion';
import { answerOf, askYesNo, end, SURE_ELSEWHERE, YES_NO_PROMPT, yesNoActivity as yesNoActivityOf } from './dialogResult';
import type { ContactLinking } from './dialogServices';
import { turnInfo } from './turnInfo';
import { refusesContact } from './contactRefusal';
import { lacksOrderNumber } from './orderNumberMissing';
import { purchaseAge } from './purchaseAge';
import { readYesNo } from './yesNo';

export const ORDER_PROMPT = 'orderNumberPrompt';
export const ORDER_EMAIL_PROMPT = 'orderEmailPrompt';
export const VERIFY_CODE_PROMPT = 'verifyCodePrompt';
const ORDER_RE = /#?\b(\d{5,10})\b/;
const EMAIL_RE = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+/;
/** Days from delivery within which an item can be returned or refunded (dialogs/faq.json's return and refund articles). */
export const RETURN_WINDOW_DAYS = 30;
/** The dialogs whose order number may be answered with when the item was bought (the return window is theirs). */
const WINDOW_INTENTS = new Set(['return.request', 'refund.request']);
/** Wrong e-mails offered as proof in one conversation before the bot stops checking (each one is audited). */
export const MAX_FAILED_PROOFS = 3;

export function extractOrderNumber(text: string | undefined): string | undefined {
  return text?.match(ORDER_RE)?.[1];
}

export interface OrderDialogOptions {
  orderNumber?: string;
  /** At the code question: send a new code (the customer asked for one). */
  newCode?: boolean;
  /** At the code question: the customer said it has not come; say where it went and offer a new one. */
  offerNewCode?: boolean;
  /** The customer had no order number and was shown their open orders: not listed again. */
  openListed?: boolean;
  /** Said when the item was bought instead of the number: the window it is in, and the number asked for again. */
  boughtAgo?: boolean;
  /**
   * The e-mail on the order, given already: typed right after the bot offered this change for that order, or at a
   * "Did you mean" before it was asked for. Taken as the answer to that question.
   */
  email?: string;
}

/** Orders this conversation's visitor proved (order number with the e-mail on it), and wrong tries so far. */
export interface OrderProofs {
  proofs: { orderNumber: string; email: string }[];
  failed: number;
  /** The order this conversation last showed: "can I return it?" right after means this one. */
  last?: string;
  /** E-mails this visitor proved they hold in this conversation (a one-time code sent there and typed back). */
  verified?: string[];
  /** The code sent and not yet typed back (kept hashed). */
  challenge?: CodeChallenge;
  /** Too many wrong codes: no more codes in this conversation until codeLockedUntil (none: for good, as once kept). */
  codeLocked?: boolean;
  /** When the lock-out ends, by the verification's clock (ms). */
  codeLockedUntil?: number;
  /**
   * The change a code was last asked for and not yet proven (dialog and order, `at` by the verification's clock):
   * "send me a new code" after the code question closed starts it again (dialogs/codeQuestion.ts, codeAgain).
   */
  pendingCode?: PendingCode;
  /**
   * The code sent to a new e-mail or phone, still outstanding after its question closed ("later", a new request): typed
   * bare while live, it confirms that contact (dialogs/contactCodeLate.ts).
   */
  contactCode?: { contact: { type: 'email' | 'phone'; value: string }; challenge: CodeChallenge; replaces?: boolean };
}

/** How long too many wrong codes lock codes out of a chat, ms: the codes' own per-hour window. */
export const CODE_LOCK_MS = 60 * 60_000;

/** Minutes left of the chat's lock-out (at least 1), or undefined when codes are not locked out now. */
export function lockedMinutes(state: OrderProofs, now: number): number | undefined {
  if (!state.codeLocked) return undefined;
  if (state.codeLockedUntil === undefined) return Math.ceil(CODE_LOCK_MS / 60_000);
  return now < state.codeLockedUntil ? Math.max(1, Math.ceil((state.codeLockedUntil - now) / 60_000)) : undefined;
}

/** The proofs with a lock-out starting now. */
export function lockCodes(state: OrderProofs, now: number): OrderProofs {
  return { ...state, codeLocked: true, codeLockedUntil: now + CODE_LOCK_MS };
}

export interface PendingCode {
  dialogId: string;
  orderNumber: string;
  at: number;
}

/** What a dialog that changes an order needs besides the order: a verified identity, and where to link it. */
export interface ActingDeps {
  verification: ContactVerification;
  profiles: ContactLinking;
}

/** "Rain jacket and 3 × Wool socks". */
export function describeItems(order: Order, language: string): string {
  const names = order.items.map((i) => (i.quantity > 1 ? `${i.quantity} × ${i.name}` : i.name));
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${t(language, 'and')} ${names[names.length - 1]}`;
}

/** How likely a sentence at the one-time code question must be another request to leave it (see sentenceElsewhere). */
const LIKELY_ELSEWHERE = 0.6;
/** Words of a customer still busy with the code: the code, the e-mail it went to, the inbox it may be in. */
const ABOUT_THE_CODE = /\b(code|c[oó]digo|e-?mail|mail|correo|inbox|bandeja|spam)\b/iu;

/**
 * Base of every dialog about one order. Its first steps take the order number (from the utterance or asked), then
 * the order itself, but only if it is this customer's: a verified e-mail on it, or, for a visitor nobody vouched
 * for, the e-mail on the order given now. The steps after those receive the Order as the step result.
 */
export abstract class OrderDialog extends ComponentDialog {
  constructor(
    id: string,
    protected readonly orders: OrderService,
    private readonly proofState: StatePropertyAccessor<OrderProofs>,
    private readonly acting?: ActingDeps,
    /** The intent this dialog acts on: said again at its own questions, it is no new request ("cancel it"). */
    private readonly ownIntent?: string,
  ) {
    super(id);
    if (acting) {
      this.addDialog(
        new TextPrompt(VERIFY_CODE_PROMPT, (p: PromptValidatorContext<string>) => {
          const text = p.recognized.value ?? '';
          const offered = (p.options.validations as { offered?: boolean } | undefined)?.offered === true;
          // "sí" with no code ends nothing (it once stopped the change at the second try): the code is asked for again.
          if (!offered && readYesNo(text) === 'yes' && !acting.verification.codeIn(text)) return Promise.resolve(false);
          if (acting.verification.codeIn(text) || readYesNo(text) === 'no' || stopsCode(text) || this.leavesCode(p.context, text)) return Promise.resolve(true);
          // A new code asked for, or word that none came: answered at once (checkCode), never "type the code" again.
          if (asksNewCode(text) || missesCode(text) || waitsForCode(text)) return Promise.resolve(true);
          // "yes" to "Shall I send a new code?".
          if (offered && readYesNo(text) === 'yes') return Promise.resolve(true);
          return Promise.resolve(p.attemptCount >= 2);
        }),
      );
    }
    this.addDialog(
      new TextPrompt(ORDER_PROMPT, (p: PromptValidatorContext<string>) => {
        const n = extractOrderNumber(p.recognized.value);
        // A bare "no" is the customer's answer (no number at hand, or not wanted), not a typo to ask again about.
        if (n || readYesNo(p.recognized.value ?? '') === 'no' || lacksOrderNumber(p.recognized.value ?? '')) return Promise.resolve(true);
        // "I bought it 2 months ago" in a return or refund: the window it is in (checkOwnership), never a bad number.
        if (this.readsWindow() && purchaseAge(p.recognized.value ?? '')) return Promise.resolve(true);
        // An unclear answer is asked again once; the second ends the prompt and the customer is offered help. (A clear
        // other request never gets here: the router lets it leave the question, MainDialog.leavesQuestion.)
        return Promise.resolve(p.attemptCount >= 2);
      }),
    );
    this.addDialog(
      new TextPrompt(ORDER_EMAIL_PROMPT, (p: PromptValidatorContext<string>) => {
        const text = p.recognized.value ?? '';
        if (EMAIL_RE.test(text) || refusesContact(text)) return Promise.resolve(true);
        return Promise.resolve(p.attemptCount >= 2);
      }),
    );
    this.addDialog(new TextPrompt(YES_NO_PROMPT));
  }

  /** The first three steps of every order dialog: number, ownership, proof. */
  protected orderSteps() {
    return [
      (s: WaterfallStepContext) => this.askOrderNumber(s),
      (s: WaterfallStepContext) => this.checkOwnership(s),
      (s: WaterfallStepContext) => this.proveOwnership(s),
    ];
  }

  protected async identity(context: TurnContext): Promise<CustomerIdentity> {
    const { customer } = turnInfo(context);
    const state = await this.proofState.get(context, { proofs: [], failed: 0 });
    return {
      customerId: customer.id,
      verifiedEmails: [...customer.contacts.filter((c) => c.type === 'email' && c.verified).map((c) => c.value.toLowerCase()), ...(state.verified ?? [])],
      proofs: state.proofs,
    };
  }

  protected callContext(context: TurnContext) {
    const { conversation } = turnInfo(context);
    return { conversationId: conversation.id, channelId: conversation.channelId };
  }

  protected async askOrderNumber(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as OrderDialogOptions | undefined;
    const given = options?.orderNumber;
    if (given) return step.next(given);
    const { language, recognition } = turnInfo(step.context);
    // "I want to return a jacket I bought 2 months ago", or that said at this question: the window first.
    const age = this.readsWindow() ? purchaseAge(recognition.text) : undefined;
    const ask = age ? t(language, age.days <= RETURN_WINDOW_DAYS ? 'askOrderNumberInWindow' : 'askOrderNumberPastWindow', { said: age.said }) : undefined;
    return step.prompt(ORDER_PROMPT, { prompt: ask ?? t(language, 'askOrderNumber'), retryPrompt: t(language, 'retryOrderNumber') });
  }

  /** Whether this dialog's request has a return window (a return, a refund). */
  private readsWindow(): boolean {
    return this.ownIntent !== undefined && WINDOW_INTENTS.has(this.ownIntent);
  }

  private async checkOwnership(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const language = turnInfo(step.context).language;
    const number = extractOrderNumber(String(step.result ?? ''));
    // "no lo sé" is no refusal: read before the "no" in it is.
    if (!number && lacksOrderNumber(String(step.result ?? ''))) return this.withoutNumber(step);
    if (!number && readYesNo(String(step.result ?? '')) === 'no') {
      await step.context.sendActivity(t(language, 'orderNumberDeclined'));
      return end(step, { outcome: { kind: 'neutral' } });
    }
    // When it was bought, said at the question: the window it is in, and the number asked for again (once).
    if (!number && this.readsWindow() && purchaseAge(String(step.result ?? '')) && !(step.options as OrderDialogOptions | undefined)?.boughtAgo)
      return step.replaceDialog(this.id, { ...(step.options as OrderDialogOptions | undefined), boughtAgo: true } satisfies OrderDialogOptions);
    if (!number) {
      // The turn pipeline says it did not understand (with suggestions, or the queued customer's version): once.
      return end(step, { outcome: { kind: 'not_understood' } });
    }
    (step.values as Record<string, string>).orderNumber = number;
    const who = await this.identity(step.context);
    const proven = who.proofs.some((p) => p.orderNumber === number);
    // Nobody vouched for this visitor: ask for the proof first instead of trying (and auditing) a lookup bound to fail.
    if (who.verifiedEmails.length > 0 || proven) {
      const r = await this.orders.getOrder(who, number, this.callContext(step.context));
      if (r.ok) {
        await this.remember(step.context, number);
        return step.next(r.value);
      }
    }
    if ((await this.proofState.get(step.context, { proofs: [], failed: 0 })).failed >= MAX_FAILED_PROOFS) {
      await step.context.sendActivity(t(language, 'orderProofLimit'));
      return end(step, { outcome: { kind: 'answered' } });
    }
    const email = (step.options as OrderDialogOptions | undefined)?.email;
    if (email) return step.next(email);
    const ask = who.verifiedEmails.length > 0 ? 'askOrderEmailVerified' : 'askOrderEmail';
    return step.prompt(ORDER_EMAIL_PROMPT, { prompt: t(language, ask, { order: number }), retryPrompt: t(language, 'retryOrderEmail', { order: number }) });
  }

  /**
   * No order number at hand: the customer's open orders when their e-mail is verified (picked as buttons, then asked
   * for once more), else where the number is and a person who can look the order up. Never the same question again.
   */
  private async withoutNumber(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const language = turnInfo(step.context).language;
    const who = await this.identity(step.context);
    const listed = (step.options as OrderDialogOptions | undefined)?.openListed;
    const open = who.verifiedEmails.length > 0 && !listed ? await this.orders.openOrdersFor(who) : [];
    if (open.length > 0) {
      const orders = open.map((o) => `${o.number} (${describeItems(o, language)})`).join(', ');
      await step.context.sendActivity(
        MessageFactory.suggestedActions(
          open.map((o) => o.number),
          t(language, 'orderNumberFromList', { orders }),
        ),
      );
      return step.replaceDialog(this.id, { openListed: true } satisfies OrderDialogOptions);
    }
    await step.context.sendActivity(MessageFactory.suggestedActions([t(language, 'talkToPerson')], t(language, 'orderNumberMissing')));
    return end(step, { outcome: { kind: 'neutral' } });
  }

  private async proveOwnership(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result && typeof step.result === 'object') return step.next(step.result);
    const language = turnInfo(step.context).language;
    const number = (step.values as Record<string, string>).orderNumber;
    const text = String(step.result ?? '');
    const email = text.match(EMAIL_RE)?.[0];
    if (!email && refusesContact(text)) {
      // "I'd rather not give my email" (or a bare "no"): respected; the order stays closed to us, a person can help.
      await step.context.sendActivity(t(language, 'orderEmailRefused', { order: number }));
      return end(step, { outcome: { kind: 'answered' } });
    }
    if (!email) {
      await step.context.sendActivity(t(language, 'orderNeedsEmail', { order: number }));
      // "no" is an answer; two unclear ones are not understood (the turn pipeline then offers help, once).
      // "I don't have the order number" says why: answered by the line above, never a second "did not understand".
      return end(step, { outcome: { kind: readYesNo(text) === 'no' || lacksOrderNumber(text) ? 'answered' : 'not_understood' } });
    }
    const who = await this.identity(step.context);
    const r = await this.orders.prove(who, number, email, this.callContext(step.context));
    const state = await this.proofState.get(step.context, { proofs: [], failed: 0 });
    if (!r.ok) {
      await this.proofState.set(step.context, { ...state, failed: state.failed + 1 });
      await step.context.sendActivity(t(language, 'orderProofFailed', { order: number }));
      // A typo is the usual cause: ask again (the next answer is read as the e-mail, not as a new request), until the
      // limit of wrong tries, which checkOwnership enforces.
      return step.replaceDialog(this.id, { orderNumber: number });
    }
    await this.proofState.set(step.context, { ...state, proofs: [...state.proofs.filter((p) => p.orderNumber !== number), r.proof], last: number });
    return step.next(r.order);
  }

  private async remember(context: TurnContext, orderNumber: string): Promise<void> {
    const state = await this.proofState.get(context, { proofs: [], failed: 0 });
    await this.proofState.set(context, { ...state, last: orderNumber });
  }

  /**
   * Steps after orderSteps for a dialog that changes the order: an order opened only by naming its e-mail (which is
   * on labels and forwarded mails) is not enough to act on it. The visitor proves they hold that mailbox with a
   * one-time code sent there; a customer the channel or the website vouched for goes straight on.
   */
  protected verifySteps() {
    return [(s: WaterfallStepContext) => this.askCode(s), (s: WaterfallStepContext) => this.checkCode(s)];
  }

  private async askCode(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const order = this.keepOrder(step);
    const email = order.customerEmail?.toLowerCase();
    const who = await this.identity(step.context);
    if (!this.acting || (email && who.verifiedEmails.includes(email))) return step.next(order);
    const language = turnInfo(step.context).language;
    const state = await this.proofState.get(step.context, { proofs: [], failed: 0 });
    const locked = lockedMinutes(state, this.acting.verification.now());
    if (!email || locked !== undefined) {
      await step.context.sendActivity(t(language, locked !== undefined ? 'orderProofLimit' : 'orderNotFound', { order: order.number }));
      return end(step, { outcome: { kind: 'answered' } });
    }
    const v = this.acting.verification;
    const vars = { order: order.number, digits: v.codeLength, to: maskEmail(email), minutes: v.minutes };
    const options = (step.options ?? {}) as OrderDialogOptions;
    // Whatever ends the question from here (a "no", a new request, an expired code), this change stays pending.
    await this.proofState.set(step.context, { ...state, pendingCode: { dialogId: this.id, orderNumber: order.number, at: v.now() } });
    const live = v.isLive(state.challenge) && state.challenge.email === email;
    const retryPrompt = t(language, 'retryVerifyCode', vars);
    if (live && options.offerNewCode) {
      return step.prompt(VERIFY_CODE_PROMPT, {
        prompt: yesNoActivityOf(language, t(language, 'verifyCodeWhere', vars)),
        retryPrompt,
        validations: { offered: true },
      });
    }
    if (live && !options.newCode) return step.prompt(VERIFY_CODE_PROMPT, { prompt: t(language, 'askVerifyCodeAgain', vars), retryPrompt });
    // A first code, one after the last expired, or a new one asked for: the same per-address limit applies to each.
    // Counted per conversation as well as per address: a stranger's chat cannot use up the real customer's codes.
    const sent = await v.send(email, language, turnInfo(step.context).conversation.id);
    if (!sent.ok) {
      // Asked for a new one past the limit while the one sent still works: that one is still awaited.
      if (live) return step.prompt(VERIFY_CODE_PROMPT, { prompt: t(language, 'verifyCodeNoNew', vars), retryPrompt });
      await step.context.sendActivity(t(language, 'verifyCodeLimit', vars));
      return end(step, { outcome: { kind: 'answered' } });
    }
    await this.proofState.set(step.context, { ...(await this.proofState.get(step.context, state)), challenge: sent.challenge });
    return step.prompt(VERIFY_CODE_PROMPT, { prompt: t(language, options.newCode ? 'verifyCodeResent' : 'askVerifyCode', vars), retryPrompt });
  }

  private async checkCode(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result && typeof step.result === 'object') return step.next(step.result);
    const { language, customer } = turnInfo(step.context);
    const order = this.keptOrder(step);
    const v = this.acting!.verification;
    const text = String(step.result ?? '');
    const code = v.codeIn(text);
    const state = await this.proofState.get(step.context, { proofs: [], failed: 0 });
    if (!code) {
      const offered = ((step.options ?? {}) as OrderDialogOptions).offerNewCode === true;
      // "send me another one", or "yes" (or "still nothing") to the offer of one: a new code, within the per-address
      // limit (askCode).
      if (asksNewCode(text) || (offered && (readYesNo(text) === 'yes' || missesCode(text))))
        return step.replaceDialog(this.id, { orderNumber: order.number, newCode: true });
      // "I never got it": where it went, and the offer of a new one. "No" to that offer, or "let me check my inbox":
      // the code is awaited still.
      if (missesCode(text) && !offered) return step.replaceDialog(this.id, { orderNumber: order.number, offerNewCode: true });
      if ((offered && readYesNo(text) === 'no') || waitsForCode(text)) return step.replaceDialog(this.id, { orderNumber: order.number });
      await step.context.sendActivity(t(language, 'verifyCodeStopped', { order: order.number }));
      // "reset my password" instead of the code: nothing changed, said so, and the request is the router's.
      if (this.leavesCode(step.context, text)) return end(step, { reroute: true });
      // Leaving the question, in so many words or not, is said so and is no message the bot failed to read.
      return end(step, { outcome: { kind: readYesNo(text) === 'no' || stopsCode(text) ? 'answered' : 'neutral' } });
    }
    const challenge = state.challenge;
    const checked = challenge ? v.check(challenge, code) : { result: 'expired' as const, challenge: undefined };
    if (checked.result === 'ok') {
      const email = challenge!.email;
      await this.proofState.set(step.context, {
        ...state,
        challenge: undefined,
        pendingCode: undefined,
        verified: [...new Set([...(state.verified ?? []), email])],
      });
      // Now, and only now, the address is theirs: linked to the profile as verified (merging with its owner's).
      await this.acting!.profiles.linkVerifiedContact(customer.id, { type: 'email', value: email }, 'chat_code');
      return step.next(order);
    }
    const ctx = this.callContext(step.context);
    await this.orders.verificationFailed(await this.identity(step.context), order.number, checked.result, ctx);
    if (checked.result === 'wrong') {
      await this.proofState.set(step.context, { ...state, challenge: checked.challenge });
      await step.context.sendActivity(t(language, 'verifyCodeWrong', { left: v.maxAttempts - checked.challenge.attempts }));
      return step.replaceDialog(this.id, { orderNumber: order.number });
    }
    const locked = checked.result === 'too_many';
    await this.proofState.set(step.context, locked ? lockCodes({ ...state, challenge: undefined }, v.now()) : { ...state, challenge: undefined });
    await step.context.sendActivity(t(language, locked ? 'verifyCodeTooMany' : 'verifyCodeExpired', { order: order.number, minutes: CODE_LOCK_MS / 60_000 }));
    return end(step, { outcome: { kind: 'answered' } });
  }

  /**
   * The confirmation of a change that cannot be taken back reads an explicit yes (the consent reader's strict
   * mode): "ok", "k", "sure whatever" ask once more in so many words; the step after reads the final answer.
   */
  protected async recheckYes(step: WaterfallStepContext, action: ReplyKey): Promise<DialogTurnResult> {
    const strict = answerOf(step, { strict: true, keepIsNo: true });
    const text = typeof step.result === 'string' ? step.result : '';
    // The words go on, not the reading: the step after reads them the same, and may say more ("keep the socks").
    if (strict) return step.next(text);
    // A new request instead of an answer ends the question at once (the last step drops the change and reroutes).
    if (this.newRequest(step, text)) return step.next(text);
    const language = turnInfo(step.context).language;
    const order = this.keptOrder(step);
    return askYesNo(step, language, t(language, 'confirmExplicitYes', { action: t(language, action), order: order.number }));
  }

  /**
   * No yes or no but a clear new request: a sentence, another order's number ("where is 12345"), or a short request the
   * recognizer is sure of ("reset my password"), once asked again as if it were a vague answer. The dialog's own
   * intent ("cancel it" at "Cancel order 55555?") is no new request.
   */
  private newRequest(step: WaterfallStepContext, text: string): boolean {
    if (answerOf(step, { keepIsNo: true })) return false;
    if (text.trim().split(/\s+/).length > 3) return true;
    const other = extractOrderNumber(text);
    return (other !== undefined && other !== this.keptOrder(step).number) || this.sureElsewhere(step.context, text);
  }

  /**
   * At the one-time code question (no code in the text): a short request the recognizer is sure of, or a sentence
   * naming an order ("where is my order 67890?"). A bare number, or one said to be the code ("my code is 12345"), is
   * more likely a mistyped code: asked again.
   */
  private leavesCode(context: TurnContext, text: string): boolean {
    if (this.sureElsewhere(context, text)) return true;
    if (this.sentenceElsewhere(context, text)) return true;
    return extractOrderNumber(text) !== undefined && /\p{L}{2,}/u.test(text) && !/\b(code|c[oó]digo)\b/iu.test(text);
  }

  /**
   * A sentence with no digit in it is no code. Read as another request, likely if not sure ("i dont need an agent, just
   * tell me the refund policy": refund policy 0.73, a person 0.24), it is one, unless it speaks of the code or where it
   * went ("I never got the email with the code"), which is the customer still at the question.
   */
  private sentenceElsewhere(context: TurnContext, text: string): boolean {
    if (/\d/.test(text) || text.trim().split(/\s+/).length < 4 || ABOUT_THE_CODE.test(text)) return false;
    const r = turnInfo(context).recognition;
    return r.score >= LIKELY_ELSEWHERE && r.intent !== OUT_OF_SCOPE && r.intent !== this.ownIntent;
  }

  /** A message without digits that the recognizer is sure asks for something else than this dialog does. */
  private sureElsewhere(context: TurnContext, text: string): boolean {
    if (/\d/.test(text) || readYesNo(text)) return false;
    const r = turnInfo(context).recognition;
    return r.score >= SURE_ELSEWHERE && r.intent !== OUT_OF_SCOPE && r.intent !== this.ownIntent;
  }

  /** The final answer to a change's confirmation: only an explicit yes does it. */
  protected finalAnswer(step: WaterfallStepContext): { yes: boolean; end: { outcome?: { kind: 'answered' }; reroute?: boolean } } {
    const yes = answerOf(step, { strict: true, keepIsNo: true }) === 'yes';
    // A clear answer other than yes ("no", "ok" again) drops the change; anything else is a new request.
    return { yes, end: answerOf(step, { keepIsNo: true }) === undefined ? { reroute: true } : { outcome: { kind: 'answered' } } };
  }

  /** The order the ownership steps produced (the result of the step right after them), kept for later steps. */
  protected keepOrder(step: WaterfallStepContext): Order {
    const order = step.result as Order;
    (step.values as Record<string, unknown>).order = order;
    return order;
  }

  protected keptOrder(step: WaterfallStepContext): Order {
    return (step.values as Record<string, unknown>).order as Order;
  }
}
