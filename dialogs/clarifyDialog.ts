import { MessageFactory } from 'botbuilder';
import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { intentLabel, intentLabels } from '../locale/intentLabels';
import { REPLY_LANGUAGES, t } from '../locale/replies';
import { choiceByNumber, NUMBERED_CHOICES, normalizeAnswer as normalize } from '../models/offeredChoices';
import { end } from './dialogResult';
import { orderNumberAnswer } from './orderNumberAnswer';
import { turnInfo } from './turnInfo';
import { unaskedChange } from './unaskedChange';
import { readYesNo } from './yesNo';

export interface ClarifyOptions {
  /** The likely intents, best first (two or three). */
  options: string[];
  /** What the customer wrote, kept for the intent they pick (an order number or an e-mail in it still counts). */
  text: string;
  orderNumber?: string;
}

const CHOICE_PROMPT = 'clarifyChoice';

/** The intents about one order (the router's ORDER_DIALOGS take them; not imported, as that table imports this file). */
const ORDER_INTENTS = new Set(['order.track', 'order.cancel', 'refund.request', 'refund.status', 'return.request']);

/** An answer that is an e-mail address and nothing else: the order's e-mail, when the options are about an order. */
const onlyEmailAddress = (answer: string) => /^\s*([^\s@<>]+@[^\s@<>]+\.[^\s@<>.]+)\s*$/.exec(answer)?.[1];

/**
 * The intent an order number picks among the options: the only one about an order, a refund when the options are
 * about refunds alone (the refund dialog says where one already asked for stands), else the order's status (it shows
 * the order and changes nothing), also when no option was about an order. Several changes and no status: asked which.
 */
function orderIntentOf(options: string[]): string | undefined {
  const about = options.filter((i) => ORDER_INTENTS.has(i));
  if (about.length === 1) return about[0];
  if (about.length > 1 && about.every((i) => i.startsWith('refund.'))) return 'refund.request';
  if (about.length === 0 || about.includes('order.track')) return 'order.track';
  return undefined;
}

/**
 * "Did you mean: Track my order / Cancel an order / None of these": asked instead of guessing when the recognizer is
 * unsure. A pick (or a yes to a single suggestion) runs that intent (understood); a yes to several is asked which;
 * "none of these" or a no is not understood, answered with what the bot can do; anything else is a new request.
 */
export class ClarifyDialog extends ComponentDialog {
  static readonly id = 'clarify';

  constructor() {
    super(ClarifyDialog.id);
    this.addDialog(new TextPrompt(CHOICE_PROMPT));
    this.addDialog(new WaterfallDialog('main', [(s) => this.ask(s), (s) => this.read(s), (s) => this.read(s)]));
    this.initialDialogId = 'main';
  }

  private async ask(step: WaterfallStepContext, question: 'clarify' | 'clarifyWhich' = 'clarify') {
    const language = turnInfo(step.context).language;
    const { options } = step.options as ClarifyOptions;
    const buttons = [...options.map((o) => intentLabel(o, language)), t(language, 'noneOfThese')];
    const prompt = MessageFactory.suggestedActions(buttons, t(language, question));
    // Its options (not "None of these") are taken by their number too: the transcript marks "2" as the second one.
    prompt.channelData = { [NUMBERED_CHOICES]: options.length };
    return step.prompt(CHOICE_PROMPT, { prompt });
  }

  private async read(step: WaterfallStepContext) {
    const o = step.options as ClarifyOptions;
    const answer = normalize(String(step.result ?? ''));
    const index = choiceByNumber(answer, o.options.length);
    const picked =
      index >= 0 ? o.options[index] : o.options.find((intent) => intentLabels(intent).some((l) => normalize(l) === answer) || normalize(intent) === answer);
    // One suggestion ("Did you mean: Cancel an order | None of these"): a yes takes it. The intent's own dialog still
    // confirms anything that changes something.
    const only = o.options.length === 1 && readYesNo(answer) === 'yes' ? o.options[0] : undefined;
    const values = step.values as { askedWhich?: boolean; orderNumber?: string; email?: string };
    // An order number instead of a pick ("refund" → "Did you mean…" → "12345", "es el 12345"): the request goes on
    // with it.
    const number = picked || only ? undefined : orderNumberAnswer(String(step.result ?? ''));
    // The order's e-mail instead of a pick ("where is my order 12345?" → "Did you mean: Track my order" → the e-mail,
    // M4): the order flow goes on with it as the proof it asks for, never an offer to save it as a contact.
    const email = (picked || only ? undefined : onlyEmailAddress(String(step.result ?? ''))) ?? values.email;
    // An e-mail names no request: it picks only the one order option there is (several are asked which, below).
    const orderOptions = o.options.filter((i) => ORDER_INTENTS.has(i));
    const byEmail = email && orderOptions.length === 1 ? orderOptions[0] : undefined;
    const byNumber = number ? orderIntentOf(o.options) : byEmail;
    const chosen = picked ?? only ?? byNumber;
    const orderNumber = number ?? values.orderNumber ?? o.orderNumber;
    // "how does cancelling work?" → "Cancel an order?" → "55555": the order given is the go-ahead, not the question
    // again (its dialog still asks for the proof and an explicit yes).
    const text = byNumber && number && unaskedChange(byNumber, o.text)?.stance === 'question' ? number : o.text;
    if (chosen) return end(step, { pick: { intent: chosen, text, orderNumber, email: ORDER_INTENTS.has(chosen) ? email : undefined } });
    // Several things to do with that order: asked which, once, keeping the number for the pick.
    if ((number || email) && !values.askedWhich && o.options.some((i) => ORDER_INTENTS.has(i))) {
      values.askedWhich = true;
      values.orderNumber = number ?? values.orderNumber;
      values.email = email;
      return this.ask(step, 'clarifyWhich');
    }
    // A yes to two or three suggestions says which of them no more than before: asked which, once, with the same
    // buttons (a yes again is then the router's, which asks what it can do).
    if (o.options.length > 1 && readYesNo(answer) === 'yes' && !values.askedWhich) {
      values.askedWhich = true;
      return this.ask(step, 'clarifyWhich');
    }
    const none = REPLY_LANGUAGES.some((l) => normalize(t(l, 'noneOfThese')) === answer) || readYesNo(answer) === 'no';
    if (none) return end(step, { outcome: { kind: 'not_understood' } });
    return end(step, { reroute: true });
  }
}
