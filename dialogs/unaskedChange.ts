import { MessageFactory, type TurnContext } from 'botbuilder';
import { t, type ReplyKey } from '../locale/replies';
import type { Decision } from '../nlu/confidencePolicy';
import type { Recognition } from '../nlu/recognizer';
import { ACTION_OF_INTENT, changeStance, restOf, type ChangeAction, type ChangeStance } from './changeScope';
import type { RouteOutcome } from './dialogResult';
import type { OfferedChange } from './routerMemory';
import { turnInfo } from './turnInfo';

/**
 * A state-changing intent whose message did not ask for the change (changeScope.ts): "I don't want to cancel order
 * 12345, I just want to know when it arrives", "I'm not asking for a return. Where is 55555?", "can I return it once it
 * arrives?", "¿y la devolución del 67890 cómo va?". No change flow starts (no code is sent, no "Cancel order…?" is
 * asked): the bot answers what was asked instead.
 */
export interface UnaskedChange {
  action: ChangeAction;
  stance: Exclude<ChangeStance, 'asked'>;
  /** What the message says besides the denied or questioned change. */
  rest: string;
}

/** The change `intent` would start, when its message does not ask for it; undefined when it does (or names none). */
export function unaskedChange(intent: string, text: string): UnaskedChange | undefined {
  const general = GENERAL_QUESTION_OF_INTENT[intent];
  if (general) {
    // "how long does a refund take": the policy, not one refund's status (whose dialog asks for an order number).
    if (OWN_ONE.test(text) || changeStance(text, general) !== 'question') return undefined;
    return { action: general, stance: 'question', rest: restOf(text, general) };
  }
  const action = ACTION_OF_INTENT[intent];
  if (!action) return undefined;
  const stance = changeStance(text, action);
  if (stance === undefined || stance === 'asked') return undefined;
  return { action, stance, rest: restOf(text, action) };
}

/** Intents about one's own change that a general question about it ("how long does a refund take?") is taken for. */
const GENERAL_QUESTION_OF_INTENT: Readonly<Record<string, ChangeAction>> = { 'refund.status': 'refund' };
/** A question about one's own (an order number, "my refund", "mi reembolso"): its status, not the policy. */
const OWN_ONE = /\d{5}|(?<![\p{L}])(?:my|mine|our|mi|mis|nuestro|nuestra|nuestros|nuestras)(?![\p{L}])/iu;

export interface UnaskedDeps {
  recognize: (text: string) => Promise<Recognition>;
  decide: (r: Recognition) => Decision;
  /** The knowledge file's answer for an intent or article id. */
  faq: (id: string, language: string) => string | undefined;
  /** Acts on an intent (the router's runIntent), for the order named or shown last. */
  runIntent: (intent: string, orderNumber: string | undefined) => Promise<RouteOutcome>;
  /** Starts the contact dialog asking for the new contact (the one in the message was said to be no longer theirs). */
  askNewContact: () => Promise<RouteOutcome>;
  /** Remembers that this reply offered to start a change (the intent that starts it, its order), for the next message. */
  offer?: (offered: OfferedChange) => Promise<void>;
}

/** Where a question about the action is answered: the knowledge file's policy article (or a reply of our own). */
const POLICY: Record<ChangeAction, { faq?: string; reply?: ReplyKey }> = {
  cancel: { reply: 'cancelPolicy' },
  return: { faq: 'return.policy' },
  refund: { faq: 'refund.policy' },
  contact: { faq: 'account.edit' },
  deleteAccount: { faq: 'kb.privacy' },
  optOut: {},
};
/** What a customer asking how an order's change stands is shown. */
const STATUS_INTENT: Partial<Record<ChangeAction, string>> = { cancel: 'order.track', return: 'order.track', refund: 'refund.status' };
/** The button that starts the change, once the question is answered, and the reply that says nothing was done. */
/** The intent that starts the change its button offers. */
const START_INTENT: Partial<Record<ChangeAction, string>> = { cancel: 'order.cancel', return: 'return.request', refund: 'refund.request' };
const START_BUTTON: Partial<Record<ChangeAction, [forOrder: ReplyKey, forAny: ReplyKey]>> = {
  cancel: ['startCancelButton', 'cancelOrderButton'],
  return: ['startReturnButton', 'startReturnAnyButton'],
  refund: ['startRefundButton', 'startRefundAnyButton'],
};
const NOT_DONE: Record<ChangeAction, ReplyKey> = {
  cancel: 'cancelNotAsked',
  return: 'returnNotAsked',
  refund: 'refundNotAsked',
  contact: 'contactKept',
  deleteAccount: 'deleteAccountKept',
  optOut: 'consentUnchanged',
};
/** "+34 600 123 456 is not my number any more": the contact given is an old one, and the new one is asked for. */
const NO_LONGER = /\b(any ?more|no longer|old|former|not mine|ya no|antiguo|antigua|viejo|vieja|no es m[ií]o)\b/iu;

/** Answers a message whose change nobody asked for; no change flow starts. */
export async function answerUnasked(
  context: TurnContext,
  intent: string,
  u: UnaskedChange,
  orderNumber: string | undefined,
  d: UnaskedDeps,
): Promise<RouteOutcome> {
  const info = turnInfo(context);
  const { language } = info;
  if (u.stance === 'question') {
    const policy = POLICY[u.action];
    // The return article asks for the order number: not when the order is known ("can I return it?" after its status).
    const faq = u.action === 'return' && orderNumber ? undefined : policy.faq && d.faq(policy.faq, language);
    await context.sendActivity(faq ?? t(language, u.action === 'return' ? 'returnPolicyOrder' : (policy.reply ?? NOT_DONE[u.action]), { order: orderNumber }));
    const buttons = START_BUTTON[u.action];
    // The change stays one tap away (for the order in question, when there is one), and starts only when asked for.
    if (buttons) {
      const label = t(language, buttons[orderNumber ? 0 : 1], { order: orderNumber ?? '' });
      const offer = t(language, orderNumber ? 'startChangeOffer' : 'startChangeOfferAny', { order: orderNumber ?? '', button: label });
      await context.sendActivity(MessageFactory.suggestedActions([label], offer));
      // "how do I cancel an order?" → the rules → "it's 55555": that order's change goes ahead (its proof and yes).
      const start = START_INTENT[u.action];
      if (start) await d.offer?.({ intent: start, order: orderNumber });
    }
    return { kind: 'answered' };
  }
  if (u.stance === 'negated' && u.action !== 'contact' && u.rest.split(/\s+/).length >= 2) {
    // What else the message says is the request ("…, I just want to know when it arrives" → the order's status).
    const r = await d.recognize(u.rest);
    const decision = d.decide(r);
    if (decision.kind === 'answer' && decision.intent !== intent) {
      info.recognition = r;
      return d.runIntent(decision.intent, orderNumber ?? (r.entities.find((e) => e.type === 'orderNumber')?.value as string | undefined));
    }
  }
  const status = STATUS_INTENT[u.action];
  if (status && (u.stance === 'status' || orderNumber)) return d.runIntent(u.stance === 'status' ? status : 'order.track', orderNumber);
  if (u.action === 'contact' && u.stance === 'negated' && NO_LONGER.test(info.recognition.text)) return d.askNewContact();
  if (u.stance === 'status' && POLICY[u.action].faq) {
    await context.sendActivity(d.faq(POLICY[u.action].faq!, language) ?? t(language, NOT_DONE[u.action]));
    return { kind: 'answered' };
  }
  await context.sendActivity(t(language, NOT_DONE[u.action]));
  return { kind: 'answered' };
}
