import { MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { channelName } from '../locale/intentLabels';
import { t } from '../locale/replies';
import { ProfileService } from '../profile/profileService';
import { readConsentWish, readReceiveWish, soundsLikeStop, withdrawsConsent, type ConsentWish } from './consentWish';
import { isHedged, readExplicitYes, type ExplicitAnswer } from './explicitYes';
import { answered, askYesNo, end, YES_NO_PROMPT } from './dialogResult';
import { asksMarketingFrequency, asksMarketingOn, asksMarketingState } from './marketingQuestion';
import { marketingStateText, receivesMarketingAnywhere } from './consentState';
import { consentChannelId } from './consentChannel';
import { readWantedChannel } from './channelStance';
import { noAddressReplies, noAddressReply } from './consentNoAddress';
import { grantAddress } from '../profile/consentAddress';
import { listChannels, readConsentScope, scopeChannelId } from './consentScope';
import { recordWithdrawal } from './consentWithdrawal';
import type { ProfileActions } from './dialogServices';
import { turnInfo } from './turnInfo';

export interface ChangeConsentOptions {
  /** What the customer's message asked for; undefined when it said neither (the dialog then asks about the current state). */
  wish?: ConsentWish;
  /** The channel id asked about and granted on; when absent, the one the message names, else the chat's own. */
  channel?: string;
  /** Offered after a withdrawal that said "but yes by SMS" (channelStance.ts): the grant question on `channel`, nothing else. */
  offer?: boolean;
  /** More channel ids asked about in the same question as `channel` ("offers by SMS and WhatsApp"). */
  also?: string[];
}

/**
 * Withdraws marketing consent and confirms it: from this dialog, and from any other question the bot is waiting on
 * ("unsubscribe me" typed at the order number prompt, mainDialog.ts).
 */
export async function withdrawMarketing(context: TurnContext, profiles: ProfileActions): Promise<void> {
  const { customer, conversation, language, recognition } = turnInfo(context);
  // "stop texting me offers but keep the emails coming": channels named are withdrawn, and only those (consentScope.ts).
  await context.sendActivity(
    await recordWithdrawal(profiles, customer, { text: recognition.text, chatChannelId: conversation.channelId, language, held: false }),
  );
}

/**
 * "stop", "baja": what to stop, with the likely answers as buttons. None of them leads to a grant (a bare "baja" was
 * once asked "Did you mean: subscribe to the newsletter?").
 */
export function whatToStop(language: string): Partial<Activity> {
  return MessageFactory.suggestedActions([t(language, 'stopOffersButton'), t(language, 'cancelOrderButton')], t(language, 'whatToStop'));
}

/**
 * "can I unsubscribe?", "¿cómo me doy de baja?", "would unsubscribing also stop my order updates?": a question is no
 * request. The customer hears how to stop them and what stopping leaves (service messages about orders), with the
 * opt-out one tap away when there is something to stop (`button`); nothing changes.
 */
export async function answerOptOutQuestion(context: TurnContext, o: { button: boolean }): Promise<void> {
  const { customer, conversation, language } = turnInfo(context);
  // "Nothing to stop" only when no channel receives them (it once looked at this chat alone).
  if (!receivesMarketingAnywhere(customer, conversation.channelId)) {
    await context.sendActivity(t(language, 'optOutHowToNotReceiving'));
    return;
  }
  const text = t(language, 'optOutHowTo');
  await context.sendActivity(o.button ? MessageFactory.suggestedActions([t(language, 'stopOffersButton')], text) : text);
}

/**
 * News and offers (the marketing purpose). A withdrawal is honoured at once and confirmed back, on every channel.
 * A grant is only ever made after an explicit yes ("yes", "sí", not "ok") to a question naming the purpose and the
 * channel it applies to; any other answer changes nothing.
 */
export class ChangeConsentDialog extends ComponentDialog {
  static readonly id = 'changeConsent';

  constructor(private readonly profiles: ProfileActions) {
    super(ChangeConsentDialog.id);
    this.addDialog(new TextPrompt(YES_NO_PROMPT));
    this.addDialog(new WaterfallDialog('main', [(s) => this.start(s), (s) => this.decide(s), (s) => this.decideStrict(s)]));
    this.initialDialogId = 'main';
  }

  private async withdraw(step: WaterfallStepContext) {
    await withdrawMarketing(step.context, this.profiles);
    return answered(step);
  }

  private async start(step: WaterfallStepContext) {
    const { customer, conversation, language, recognition } = turnInfo(step.context);
    const options = step.options as ChangeConsentOptions | undefined;
    const wish = options?.wish;
    if (wish === 'withdraw') return this.withdraw(step);
    // "what offers am I signed up for?" (picked from a clarifying question): where they stand, never a grant question.
    if (!options?.channel && asksMarketingState(recognition.text)) {
      await step.context.sendActivity(marketingStateText(customer, conversation.channelId, language));
      return answered(step);
    }
    // "sí, quiero recibir ofertas por correo": asked about and granted by e-mail, not on this chat.
    // "offers by SMS but not email": the channel wanted, never one denied (consentScope.ts, channelStance.ts).
    const wanted = [...new Set(readConsentScope(recognition.text).want.map((c) => scopeChannelId(c, conversation.channelId)))];
    const named = wanted.length > 0 ? wanted[0] : consentChannelId(readWantedChannel(recognition.text), conversation.channelId);
    const consentChannel = options?.channel ?? named;
    (step.values as Record<string, string>).channel = consentChannel;
    const many = options?.channel ? [options.channel, ...(options.also ?? [])] : wanted;
    if (many.length > 1 && (options?.offer || wish === 'grant')) return this.askMany(step, many);
    const receiving = ProfileService.consentFor(customer, 'marketing', consentChannel);
    // Offered beside a withdrawal, on a channel already receiving: said so, never "Do you want to stop them?".
    if (options?.offer && receiving) {
      await step.context.sendActivity(t(language, 'marketingKept', { channel: channelName(consentChannel, language) }));
      return answered(step);
    }
    if (options?.offer) {
      const noAddress = noAddressReply(customer, consentChannel, conversation.channelId, language);
      if (noAddress) await step.context.sendActivity(noAddress);
      if (noAddress) return answered(step);
      (step.values as Record<string, string>).asked = 'grant';
      return askYesNo(step, language, t(language, 'confirmMarketingGrant', { channel: channelName(consentChannel, language) }));
    }
    // "can I get offers by SMS?": how it works on that channel, then the question; only a yes to it grants, there.
    // With no confirmed number to send them to, what is missing instead of a question whose yes could grant nothing.
    if (!receiving && !options?.channel && asksMarketingOn(recognition.text)) {
      const channel = channelName(consentChannel, language);
      await step.context.sendActivity(t(language, 'marketingChannelExplain', { channel }));
      const noAddress = noAddressReply(customer, consentChannel, conversation.channelId, language);
      if (noAddress) await step.context.sendActivity(noAddress);
      if (noAddress) return answered(step);
      (step.values as Record<string, string>).asked = 'grant';
      return askYesNo(step, language, t(language, 'confirmMarketingGrant', { channel }));
    }
    if (wish === 'question') {
      await answerOptOutQuestion(step.context, { button: true });
      return answered(step);
    }
    // "I don't want to stop the newsletter", "why did my offers stop? I didn't unsubscribe": nothing changes; the
    // customer hears where they stand, and one not receiving is asked (an explicit yes grants, as below).
    if (wish === 'keep' && receiving) {
      await step.context.sendActivity(t(language, 'marketingKept', { channel: channelName(consentChannel, language) }));
      return answered(step);
    }
    if (wish === 'keep' && !noAddressReply(customer, consentChannel, conversation.channelId, language)) {
      (step.values as Record<string, string>).asked = 'grant';
      return askYesNo(step, language, t(language, 'confirmMarketingRegrant', { channel: channelName(consentChannel, language) }));
    }
    // "no, stop" read as about consent by the recognizer: a stop is never answered with an offer of news.
    if (!wish && !receiving && soundsLikeStop(turnInfo(step.context).recognition.text)) {
      await step.context.sendActivity(whatToStop(language));
      return end(step, { outcome: { kind: 'neutral' } });
    }
    // Not receiving there and no confirmed address to reach them at: nothing to ask, nothing recorded (consentNoAddress.ts).
    const noAddress = receiving ? undefined : noAddressReply(customer, consentChannel, conversation.channelId, language);
    if (noAddress) {
      await step.context.sendActivity(noAddress);
      return answered(step);
    }
    const channel = channelName(consentChannel, language);
    // Already receiving: the question says so, and asks whether to keep them. A "no" to it withdraws (a customer
    // once tapped "No" to "Do you want to receive news and offers?" and stayed subscribed on an earlier yes).
    (step.values as Record<string, string>).asked = !receiving ? 'grant' : wish ? 'keep' : 'stop';
    if (receiving && wish) return askYesNo(step, language, t(language, 'confirmMarketingKeep', { channel }));
    if (receiving) return askYesNo(step, language, t(language, 'confirmMarketingStop'));
    return askYesNo(step, language, t(language, 'confirmMarketingGrant', { channel }));
  }

  /**
   * "send me offers by SMS and WhatsApp": one question naming every channel wanted that can be granted (only SMS was
   * once asked about). Channels already receiving are said so; those with no confirmed address are explained, never
   * asked about.
   */
  private async askMany(step: WaterfallStepContext, ids: readonly string[]) {
    const { customer, conversation, language } = turnInfo(step.context);
    const receiving = ids.filter((id) => ProfileService.consentFor(customer, 'marketing', id));
    const unreachable = ids.filter((id) => !receiving.includes(id) && noAddressReply(customer, id, conversation.channelId, language) !== undefined);
    const askable = ids.filter((id) => !receiving.includes(id) && !unreachable.includes(id));
    if (receiving.length > 0) await step.context.sendActivity(t(language, 'marketingAlreadyOn', { channel: channelNames(receiving, language) }));
    for (const reply of noAddressReplies(customer, unreachable, conversation.channelId, language)) await step.context.sendActivity(reply);
    if (askable.length === 0) return answered(step);
    const values = step.values as Record<string, unknown>;
    values.channel = askable[0];
    values.also = askable.slice(1);
    values.asked = 'grant';
    return askYesNo(step, language, t(language, 'confirmMarketingGrant', { channel: channelNames(askable, language) }));
  }

  private async grant(step: WaterfallStepContext) {
    const { customer, conversation, language } = turnInfo(step.context);
    const scopes = [askedChannel(step), ...alsoAsked(step)];
    // Asked only with a confirmed address to reach them at (start); recorded for that address, as the profile holds it now.
    const granted: string[] = [];
    for (const scope of scopes) {
      const where = grantAddress(customer, scope, conversation.channelId);
      if (!where) continue;
      await this.profiles.setConsent(customer.id, 'marketing', true, { channel: conversation.channelId, method: 'chat', scope, address: where.address });
      granted.push(scope);
    }
    if (granted.length > 0) await step.context.sendActivity(t(language, 'marketingGranted', { channel: channelNames(granted, language) }));
    const missed = scopes.filter((s) => !granted.includes(s));
    for (const reply of noAddressReplies(customer, missed, conversation.channelId, language)) await step.context.sendActivity(reply);
    return answered(step);
  }

  private async unchanged(step: WaterfallStepContext, reroute: boolean) {
    const { recognition, language } = turnInfo(step.context);
    // A new request that withdraws goes to the router without "I changed nothing" before it: one turn never says it
    // changed nothing and then changes something.
    if (reroute && withdrawsConsent(typeof step.result === 'string' ? step.result : recognition.text, [recognition.intent]))
      return end(step, { reroute: true });
    await step.context.sendActivity(t(language, 'consentUnchanged'));
    return end(step, reroute ? { reroute: true } : { outcome: { kind: 'answered' } });
  }

  /**
   * "how often do you send it?" at the question: answered, and the same question asked again (start reads the same
   * state and options); consent is never changed by it.
   */
  private async frequencyAsked(step: WaterfallStepContext) {
    if (typeof step.result !== 'string' || !asksMarketingFrequency(step.result, true)) return undefined;
    await step.context.sendActivity(t(turnInfo(step.context).language, 'marketingFrequency'));
    return step.replaceDialog('main', { ...(step.options as ChangeConsentOptions | undefined), channel: askedChannel(step), also: alsoAsked(step) });
  }

  /**
   * "can I unsubscribe?" typed at the question: answered, and the same question asked again (it was once recorded as
   * a refusal). The question asked again is the dialog's last: a second question gets its answer and the dialog ends.
   */
  private async question(step: WaterfallStepContext, again: boolean) {
    const { language } = turnInfo(step.context);
    await answerOptOutQuestion(step.context, { button: false });
    if (!again) return answered(step);
    const asked = (step.values as Record<string, string>).asked;
    const key = asked === 'stop' ? 'confirmMarketingStop' : asked === 'keep' ? 'confirmMarketingKeep' : 'confirmMarketingGrant';
    return askYesNo(step, language, t(language, key, { channel: askedNames(step, language) }));
  }

  private async decide(step: WaterfallStepContext) {
    const asksHowOften = await this.frequencyAsked(step);
    if (asksHowOften) return asksHowOften;
    const { language } = turnInfo(step.context);
    const asked = (step.values as Record<string, string>).asked;
    if (asksQuestion(step)) return this.question(step, true);
    const elsewhere = this.otherChannel(step);
    if (elsewhere) return elsewhere;
    const channel = askedNames(step, language);
    const explicit = answerTo(step, asked);
    if (asked === 'stop' || asked === 'keep') {
      // "sí, pero no me mandéis spam" to "keep receiving them?": a yes with a condition is no answer either way (once
      // its opt-out half unsubscribed at once); asked again once in so many words, nothing changed on a guess.
      if (explicit === 'unclear')
        return askYesNo(step, language, t(language, asked === 'stop' ? 'confirmMarketingStopStrict' : 'confirmMarketingKeepStrict', { channel }));
      return this.decideChange(step, asked, explicit);
    }
    if (explicit === 'yes') return this.grant(step);
    // "yes, and where is order 12345?": the yes counts, then the router answers the rest (it was once dropped).
    if (yesAndMore(step)) {
      await this.grant(step);
      return end(step, { reroute: true });
    }
    // "ok", "yeah whatever", "I guess", "sí, pero sin spam": an answer, but not the explicit yes a grant needs; ask
    // once more in so many words.
    if (explicit === 'unclear') return askYesNo(step, language, t(language, 'confirmMarketingGrantStrict', { channel }));
    return this.refused(step, explicit);
  }

  /** A clear answer to "Do you want to stop them?" or "keep receiving them?"; anything else changes nothing. */
  private async decideChange(step: WaterfallStepContext, asked: 'stop' | 'keep', answer: 'yes' | 'no' | 'unclear' | undefined) {
    const { language } = turnInfo(step.context);
    if (answer === (asked === 'stop' ? 'yes' : 'no')) return this.withdraw(step);
    if (answer === 'yes') {
      await step.context.sendActivity(t(language, 'marketingKept', { channel: channelName(askedChannel(step), language) }));
      return answered(step);
    }
    return this.unchanged(step, answer === undefined);
  }

  /**
   * Anything but an explicit yes to "Do you want to receive news and offers?" grants nothing; a "no" also leaves the
   * customer unsubscribed when consent was granted meanwhile (on another channel, by a form): never subscribed
   * against the answer they just gave.
   */
  private async refused(step: WaterfallStepContext, answer: 'yes' | 'no' | undefined) {
    const { customer } = turnInfo(step.context);
    if (answer === 'no' && ProfileService.consentFor(customer, 'marketing', askedChannel(step))) return this.withdraw(step);
    return this.unchanged(step, answer === undefined);
  }

  /**
   * "yes, by email" to a question about this chat: the customer chose another channel, so the question is asked again
   * for that one; nothing is granted on a channel they did not choose.
   */
  private otherChannel(step: WaterfallStepContext) {
    const asked = (step.values as Record<string, string>).asked;
    if (typeof step.result !== 'string' || asked === 'stop') return undefined;
    const named = readWantedChannel(step.result);
    if (named === undefined) return undefined;
    const channel = consentChannelId(named, turnInfo(step.context).conversation.channelId);
    const also = alsoAsked(step);
    // "yes, by SMS" to "…on SMS and WhatsApp?": the one named, and no other.
    if (also.length > 0 && [askedChannel(step), ...also].includes(channel)) {
      Object.assign(step.values, { channel, also: [] });
      return undefined;
    }
    if (channel === askedChannel(step)) return undefined;
    return step.replaceDialog('main', { ...(step.options as ChangeConsentOptions | undefined), channel, also: [] });
  }

  /** The second asking: unclear again changes nothing and ends the question (the answer was to it, not a request). */
  private async decideStrict(step: WaterfallStepContext) {
    const asksHowOften = await this.frequencyAsked(step);
    if (asksHowOften) return asksHowOften;
    if (asksQuestion(step)) return this.question(step, false);
    const elsewhere = this.otherChannel(step);
    if (elsewhere) return elsewhere;
    const asked = (step.values as Record<string, string>).asked;
    const answer = answerTo(step, asked);
    if (asked === 'stop' || asked === 'keep') return this.decideChange(step, asked, answer);
    if (answer === 'yes') return this.grant(step);
    if (answer === 'no') return this.refused(step, 'no');
    return this.unchanged(step, answer === undefined);
  }
}

/** "yes, and where is order 12345?", "sí, y ¿dónde está mi pedido?": a plain yes, then another request. */
const YES_AND = /^\s*(yes|yeah|yep|sí|si)[\s,.!]+(?:and|also|y|además)\s+(\S.*)$/iu;
function yesAndMore(step: WaterfallStepContext): boolean {
  const m = typeof step.result === 'string' ? YES_AND.exec(step.result) : null;
  return m !== null && readExplicitYes(m[1]) === 'yes' && readExplicitYes(m[2]) === undefined && !isHedged(m[2]);
}

/** The channel id the question named (set by start). */
function askedChannel(step: WaterfallStepContext): string {
  return (step.values as Record<string, string>).channel ?? turnInfo(step.context).conversation.channelId;
}

/** More channel ids the same grant question named ("on SMS and WhatsApp?"). */
function alsoAsked(step: WaterfallStepContext): string[] {
  return ((step.values as Record<string, unknown>).also as string[] | undefined) ?? [];
}

/** "SMS and WhatsApp": every channel the question named. */
function askedNames(step: WaterfallStepContext, language: string): string {
  return channelNames([askedChannel(step), ...alsoAsked(step)], language);
}

function channelNames(ids: readonly string[], language: string): string {
  return listChannels(
    ids.map((id) => channelName(id, language)),
    language,
  );
}

/** Words naming what the grant question asks about, which may follow the yes ("sí, las ofertas", "yes, the news"). */
const GRANT_NAMING = [
  ...['the', 'news', 'offers', 'newsletter', 'and', 'las', 'ofertas', 'novedades', 'y', 'recibir', 'receive', 'them', 'vuestras', 'your'],
  // The keep and stop questions' own verbs: "yes, keep them", "sí, páralas" name the change asked about.
  ...['keep', 'stop', 'sending', 'seguir', 'recibiéndolas', 'recibiendolas', 'dejar', 'para', 'páralas', 'paralas', 'sigue', 'seguid', 'recibiendo'],
];

/**
 * The answer to the question asked ('grant', 'keep' or 'stop'). A sentence that keeps them ("I don't mind the offers",
 * "don't stop them, I like them") is a yes to keeping, a no to stopping and no clear yes to a grant: its negation is
 * never read as a no.
 */
function answerTo(step: WaterfallStepContext, asked: string | undefined): ExplicitAnswer | undefined {
  const text = typeof step.result === 'string' ? step.result : undefined;
  if (text !== undefined && readConsentWish(text) === 'keep') return asked === 'keep' ? 'yes' : asked === 'stop' ? 'no' : 'unclear';
  const explicit = readExplicitYes(text, { naming: GRANT_NAMING });
  if (explicit !== undefined || text === undefined) return explicit;
  // "please keep sending me offers", "quiero recibirlas": receiving asked for in so many words is the yes to this
  // question (and the no to "Do you want to stop them?"); with a hedge or a condition it is unclear.
  const receive = readReceiveWish(text);
  if (receive === 'yes') return asked === 'stop' ? 'no' : 'yes';
  return receive;
}

/** The answer is a question about opting out ("can I unsubscribe?"), not a yes or a no. */
function asksQuestion(step: WaterfallStepContext): boolean {
  return typeof step.result === 'string' && readConsentWish(step.result) === 'question';
}
