import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { ComponentDialog, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { CodeChallenge, ContactVerification } from '../commerce/contactVerification';
import { decidePhoneRegion, nationalToE164 } from '../models/phoneNumbers';
import type { ProfileActions } from './dialogServices';
import { t } from '../locale/replies';
import { changeStance, clauses } from './changeScope';
import { refusesContact } from './contactRefusal';
import { asksNewCode, missesCode, promisesCode, stopsCode, waitsForCode } from './codeQuestion';
import { answered, answerOf, askYesNo, CONTACT_SAVE_PROMPT, end, YES_NO_PROMPT, type DialogEnd } from './dialogResult';
import { CODE_LOCK_MS, lockCodes, lockedMinutes, type OrderProofs } from './orderDialog';
import { readExplicitYes } from './explicitYes';
import { turnInfo } from './turnInfo';
import { readYesNo } from './yesNo';

const EMAIL_RE = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+/;
const PHONE_RE = /\+\d[\d\s().-]{6,18}\d/;
/** A number as typed at home ("07700 900123", "(415) 555-0132"), or after "00" as dialled abroad: seven digits or more. */
const LOCAL_PHONE_RE = /(?<![\p{L}\p{N}+@])\(?\d[\d\s().-]{5,18}\d(?![\p{L}\p{N}@])/u;
const MIN_LOCAL_DIGITS = 7;

export type Contact = { type: 'email' | 'phone'; value: string };
/** A phone number typed without its country code, which no known country makes a number of (phoneNumbers.ts). */
export type UnplacedPhone = { type: 'unplaced'; typed: string };

/**
 * The e-mail address or phone number in a text, a phone number made E.164: one typed without its country code is
 * read as a number of `region` (decidePhoneRegion), and is unplaced when there is none or it is not one of its numbers.
 */
export function extractContact(text: string, region?: string): Contact | UnplacedPhone | undefined {
  const email = text.match(EMAIL_RE)?.[0];
  if (email) return { type: 'email', value: email.toLowerCase() };
  const phone = text.match(PHONE_RE)?.[0];
  if (phone) return { type: 'phone', value: `+${phone.replace(/\D/g, '')}` };
  const local = text.match(LOCAL_PHONE_RE)?.[0].trim();
  const digits = local?.replace(/\D/g, '') ?? '';
  if (!local || digits.length < MIN_LOCAL_DIGITS) return undefined;
  // "0044 7700 900123": the prefix dialled abroad from most countries, then the country code.
  if (/^00[1-9]/.test(digits) && digits.length >= 10) return { type: 'phone', value: `+${digits.slice(2)}` };
  const e164 = region ? nationalToE164(local, region) : undefined;
  return e164 ? { type: 'phone', value: e164 } : { type: 'unplaced', typed: local };
}

/** The customer's country for a number typed without its country code (models/phoneNumbers.ts decidePhoneRegion). */
function regionOf(context: TurnContext, defaultRegion: string | undefined): string | undefined {
  const { customer } = turnInfo(context);
  return decidePhoneRegion({ profileCountry: customer.attributes?.country, channelLocale: context.activity.locale, defaultRegion });
}

/** A message that is an e-mail address and nothing else ("ben@example.com", "<mailto:ben@example.com>."). */
const ONLY_EMAIL_RE = /^\s*<?(?:mailto:)?([^\s@<>:]+@[^\s@<>]+\.[^\s@<>.]+)>?\s*[.!]?\s*$/i;

export function onlyEmail(text: string): string | undefined {
  return text.match(ONLY_EMAIL_RE)?.[1].toLowerCase();
}

export interface ContactDetailsOptions {
  /**
   * The customer typed a contact nobody asked for (an e-mail address alone): thank them, offer to keep it, and ask
   * what they need. Stored only after a yes, like any contact change.
   */
  unasked?: boolean;
  /** The contact in the message is an old one ("+34 600 123 456 is not my number any more"): ask for the new one. */
  askNew?: boolean;
  /** Asked for after a first change was settled ("and my phone number too"): the prompt names it. */
  more?: 'email' | 'phone';
  /**
   * The answer that gave this contact at an earlier question, read instead of the message: the second of "yes, and my
   * phone too: +44 …" (M8), or a correction at "Save …?" ("no, it's ana.b@example.com", M10).
   */
  given?: string;
}

/**
 * "and my phone number too" at "Save ana.new@example.com as your new e-mail address?": a second change added, not a
 * no (it once dropped the first silently). Which contact it adds, or undefined when the answer adds none.
 */
const ADDS_START = /^\s*(?:(?:yes|yeah|sí|si)[\s,.!]+)?(?:and|also|plus|oh and|y|también|tambien|además|ademas)\b/iu;
const ADDS_END = /\b(?:too|as well|also|también|tambien)\s*[.!]*$/iu;
const PHONE_WORDS = /\b(?:phone|mobile|cell|number|tel[eé]fono|m[oó]vil|n[uú]mero)\b/iu;
const EMAIL_WORDS = /\b(?:e-?mail|email address|correo)\b/iu;

export function addsAnotherContact(text: string): 'email' | 'phone' | undefined {
  if (!ADDS_START.test(text) && !ADDS_END.test(text)) return undefined;
  if (PHONE_WORDS.test(text) && !EMAIL_WORDS.test(text)) return 'phone';
  if (EMAIL_WORDS.test(text) && !PHONE_WORDS.test(text)) return 'email';
  return undefined;
}

/**
 * The contact a message gives as the customer's, not one it denies: "it's not ana@old.com any more, it's ana@new.com"
 * gives the second. Undefined when every contact in it is denied.
 */
function contactIn(text: string, region: string | undefined): Contact | UnplacedPhone | undefined {
  for (const clause of clauses(text)) {
    const found = extractContact(clause, region);
    if (found && changeStance(clause, 'contact') !== 'negated') return found;
  }
  return undefined;
}

/** An answer that starts with a yes ("yes, and my phone too"). */
const YES_START = /^\s*(?:yes|yeah|yep|sí|si)\b/iu;

const placed = (c: Contact | UnplacedPhone | undefined): Contact | undefined => (c && c.type !== 'unplaced' ? c : undefined);

/** Words that may name the saving after the yes ("yes, save it", "sí, guárdalo"). */
const SAVE_WORDS = ['save', 'it', 'that', 'the', 'new', 'my', 'email', 'address', 'number', 'phone', 'guárdalo', 'guardalo', 'guarda', 'mi', 'nuevo', 'correo'];

/** An explicit yes or a no (readExplicitYes); "ok", "vale" or "yes but…" is neither. */
function strictAnswer(step: WaterfallStepContext): 'yes' | 'no' | undefined {
  const a = readExplicitYes(typeof step.result === 'string' ? step.result : undefined, { naming: SAVE_WORDS });
  return a === 'yes' || a === 'no' ? a : undefined;
}

/**
 * Records a new email or phone, typed in chat and so unverified (a merge suggestion where another profile has it),
 * after an explicit yes ("yes", "sí"; not "ok" or "vale", which are asked again once in so many words) to a question
 * naming it, as an order's change is.
 */
export class ContactDetailsDialog extends ComponentDialog {
  static readonly id = 'contactDetails';

  /**
   * `defaultRegion`: the company's country for phone numbers typed without a country code (DEFAULT_PHONE_REGION).
   * `verification`: one-time codes, sent to a saved contact to confirm it (the order codes' limits and lock-out,
   * kept in `proofs`, the conversation's order proofs).
   */
  constructor(
    private readonly profiles: ProfileActions,
    private readonly o: { defaultRegion?: string; verification?: ContactVerification; proofs?: StatePropertyAccessor<OrderProofs> } = {},
  ) {
    super(ContactDetailsDialog.id);
    this.addDialog(
      new TextPrompt('contact', (p) => {
        const said = p.recognized.value ?? '';
        return Promise.resolve(!!placed(extractContact(said, regionOf(p.context, this.o.defaultRegion))) || refusesContact(said) || p.attemptCount >= 3);
      }),
    );
    this.addDialog(new TextPrompt(YES_NO_PROMPT));
    this.addDialog(new TextPrompt(CONTACT_SAVE_PROMPT));
    this.addDialog(new TextPrompt(CODE_PROMPT));
    this.addDialog(
      new WaterfallDialog('main', [(s) => this.ask(s), (s) => this.confirm(s), (s) => this.recheckYes(s), (s) => this.save(s), (s) => this.afterCode(s)]),
    );
    this.addDialog(new WaterfallDialog(CODE_DIALOG, [(s) => this.askCode(s), (s) => this.checkCode(s)]));
    this.initialDialogId = 'main';
  }

  private async ask(step: WaterfallStepContext) {
    const { recognition, language } = turnInfo(step.context);
    const options = step.options as ContactDetailsOptions | undefined;
    const source = options?.given ?? (options?.askNew ? undefined : recognition.text);
    // The second change of "yes, and my phone too: …" is read without the first's address.
    const text = options?.given && options.more === 'phone' ? options.given.replace(new RegExp(EMAIL_RE, 'g'), ' ') : source;
    const given = text === undefined ? undefined : contactIn(text, regionOf(step.context, this.o.defaultRegion));
    if (given?.type === 'unplaced') {
      // "and my phone to 07700 900123" with no country known (or not one of its numbers): asked, never guessed.
      return step.prompt('contact', { prompt: t(language, 'askPhoneCountryCode', { number: given.typed }), retryPrompt: t(language, 'retryContact') });
    }
    if (given) return step.next(given.value);
    const prompt = options?.more
      ? t(language, 'askMoreContact', { more: t(language, options.more === 'email' ? 'contactKindEmail' : 'contactKindPhone') })
      : t(language, 'askNewContact');
    return step.prompt('contact', { prompt, retryPrompt: t(language, 'retryContact') });
  }

  private async confirm(step: WaterfallStepContext) {
    const { language } = turnInfo(step.context);
    const contact = placed(contactIn(String(step.result ?? ''), regionOf(step.context, this.o.defaultRegion)));
    if (!contact && refusesContact(String(step.result ?? ''))) {
      // "I'd rather not give my email": respected, nothing stored, and the question is not asked again.
      await step.context.sendActivity(t(language, 'contactRefused'));
      return answered(step);
    }
    if (!contact) {
      // The turn pipeline says it did not understand (with suggestions, or the queued customer's version): once.
      return end(step, { outcome: { kind: 'not_understood' } });
    }
    (step.values as Record<string, unknown>).contact = contact;
    if ((step.options as ContactDetailsOptions | undefined)?.unasked) {
      const { customer } = turnInfo(step.context);
      if (customer.contacts.some((c) => c.type === contact.type && c.value === contact.value)) {
        await step.context.sendActivity(t(language, 'unaskedContactKnown', { contact: contact.value }));
        return answered(step);
      }
      return askYesNo(step, language, t(language, 'unaskedContact', { contact: contact.value }));
    }
    const kind = t(language, contact.type === 'email' ? 'contactKindEmail' : 'contactKindPhone');
    // Its own prompt: a question typed at it is answered beside it (contactSaveAside.ts), the change kept pending.
    return askYesNo(step, language, t(language, 'confirmContact', { contact: contact.value, kind }), CONTACT_SAVE_PROMPT);
  }

  /**
   * "no, it's ana.b@example.com", "sorry I meant …" at "Save ana.v@…?": another contact of the same kind given instead
   * (M10: it was ignored and the first dropped). The answer's text, to be asked about in its place.
   */
  private correctionIn(step: WaterfallStepContext): string | undefined {
    if (typeof step.result !== 'string') return undefined;
    const current = (step.values as Record<string, Contact>).contact;
    const found = contactIn(step.result, regionOf(step.context, this.o.defaultRegion));
    if (!found || (found.type === 'unplaced' ? 'phone' : found.type) !== current.type) return undefined;
    return found.type !== 'unplaced' && found.value === current.value ? undefined : step.result;
  }

  /**
   * "yes, and my phone too: +44 …": the yes, and a second change, whose contact, when the answer gives it, is asked
   * about next instead of asked for (M8: it was lost). Recorded in the step's values; true when the answer adds one.
   */
  private addsMore(step: WaterfallStepContext): boolean {
    const values = step.values as Record<string, unknown>;
    const more = typeof step.result === 'string' && !(step.options as ContactDetailsOptions | undefined)?.unasked ? addsAnotherContact(step.result) : undefined;
    if (!more) return false;
    values.more = more;
    const region = regionOf(step.context, this.o.defaultRegion);
    const text = step.result as string;
    const found = contactIn(more === 'phone' ? text.replace(new RegExp(EMAIL_RE, 'g'), ' ') : text, region);
    if (found && (found.type === 'unplaced' ? 'phone' : found.type) === more) values.moreGiven = text;
    return true;
  }

  /** "ok", "vale", "yes but…": an answer, not the explicit yes a saved contact needs; asked once more in so many words. */
  private async recheckYes(step: WaterfallStepContext) {
    const { language } = turnInfo(step.context);
    const contact = (step.values as Record<string, { type: 'email' | 'phone'; value: string }>).contact;
    const kind = t(language, contact.type === 'email' ? 'contactKindEmail' : 'contactKindPhone');
    const options = step.options as ContactDetailsOptions | undefined;
    if (this.addsMore(step)) {
      const more = (step.values as Record<string, 'email' | 'phone'>).more;
      // "yes, and my phone too": the yes counts; anything else adding a change asks the first again, naming the second.
      if (YES_START.test(step.result as string)) return step.next('yes');
      const moreKind = t(language, more === 'email' ? 'contactKindEmail' : 'contactKindPhone');
      return askYesNo(step, language, t(language, 'confirmContactThenMore', { contact: contact.value, kind, more: moreKind }), CONTACT_SAVE_PROMPT);
    }
    const fix = this.correctionIn(step);
    if (fix) return step.replaceDialog('main', { ...options, askNew: undefined, given: fix } satisfies ContactDetailsOptions);
    const strict = strictAnswer(step);
    if (strict || answerOf(step) === undefined) return step.next(step.result);
    const prompt = (step.options as ContactDetailsOptions | undefined)?.unasked ? YES_NO_PROMPT : CONTACT_SAVE_PROMPT;
    return askYesNo(step, language, t(language, 'confirmContactStrict', { contact: contact.value, kind }), prompt);
  }

  private async save(step: WaterfallStepContext) {
    const { customer, language } = turnInfo(step.context);
    const contact = (step.values as Record<string, { type: 'email' | 'phone'; value: string }>).contact;
    const options = step.options as ContactDetailsOptions | undefined;
    // Asked again in so many words: a correction, or "yes, and my phone too: …", read here as at the first asking.
    const fix = !(step.values as Record<string, unknown>).more ? this.correctionIn(step) : undefined;
    if (fix) return step.replaceDialog('main', { ...options, askNew: undefined, given: fix } satisfies ContactDetailsOptions);
    const addsNow = !(step.values as Record<string, unknown>).more && typeof step.result === 'string' && this.addsMore(step);
    // Only an explicit yes saves; a second vague answer ("ok" again) is a no.
    const answer = addsNow && YES_START.test(step.result) ? 'yes' : (strictAnswer(step) ?? (answerOf(step) === undefined ? undefined : 'no'));
    const unasked = options?.unasked;
    const more = (step.values as Record<string, 'email' | 'phone' | undefined>).more;
    const moreGiven = (step.values as Record<string, string | undefined>).moreGiven;
    if (more && answer !== undefined) {
      // A second change was asked for: the first settled as answered, then the second asked for.
      if (answer === 'yes') {
        await this.profiles.addContact(customer.id, contact, 'chat');
        if (this.o.verification) return step.beginDialog(CODE_DIALOG, { contact, replaces: true } satisfies CodeOptions);
        await step.context.sendActivity(t(language, 'contactSaved', { contact: contact.value }));
      } else await step.context.sendActivity(t(language, 'contactKept'));
      return step.replaceDialog('main', { askNew: true, more, given: moreGiven } satisfies ContactDetailsOptions);
    }
    if (answer !== 'yes') {
      // Not a yes: nothing is stored. Anything but a no is a new request, which the router takes.
      if (answer === 'no' || !unasked) await step.context.sendActivity(t(language, unasked ? 'unaskedContactKept' : 'contactKept'));
      return end(step, answer === 'no' ? { outcome: { kind: 'answered' } } : { reroute: true });
    }
    await this.profiles.addContact(customer.id, contact, 'chat');
    // A change ("change my email to …") replaces the old contact of its kind once confirmed; an unasked one adds.
    if (this.o.verification) return step.beginDialog(CODE_DIALOG, { contact, replaces: !unasked } satisfies CodeOptions);
    await step.context.sendActivity(t(language, 'contactSaved', { contact: contact.value }));
    if (unasked) await step.context.sendActivity(t(language, 'howCanIHelp'));
    return answered(step);
  }

  /** After the code question: a second change asked for, the unasked contact's "how can I help", or a new request. */
  private async afterCode(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { language } = turnInfo(step.context);
    const r = (step.result ?? {}) as DialogEnd;
    if (r.reroute) return end(step, { reroute: true });
    const { more, moreGiven } = step.values as { more?: 'email' | 'phone'; moreGiven?: string };
    if (more) return step.replaceDialog('main', { askNew: true, more, given: moreGiven } satisfies ContactDetailsOptions);
    if ((step.options as ContactDetailsOptions | undefined)?.unasked) await step.context.sendActivity(t(language, 'howCanIHelp'));
    return answered(step);
  }

  /**
   * The saved contact's confirmation: a one-time code sent to it (the order codes' outbound port and per-hour limits),
   * typed back here. Not in this chat after too many wrong codes (the order codes' lock-out, shared).
   */
  private async askCode(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { language, customer, conversation } = turnInfo(step.context);
    const v = this.o.verification!;
    const { contact, again, replaces } = step.options as CodeOptions;
    const vars = { contact: contact.value, digits: v.codeLength, minutes: v.minutes, kind: kindOf(language, contact) };
    const known = customer.contacts.find((c) => c.type === contact.type && c.value.toLowerCase() === contact.value);
    if (known?.verified) {
      // Saved again, already proven: nothing to confirm, but as a change it still replaces the others of its kind.
      const result = replaces ? await this.profiles.confirmContact(customer.id, contact, { replaces }) : 'confirmed';
      await step.context.sendActivity(t(language, CONFIRMED_REPLY[result], vars));
      return step.endDialog({});
    }
    const state = (await this.o.proofs?.get(step.context, { proofs: [], failed: 0 })) ?? { proofs: [], failed: 0 };
    const lockMinutes = lockedMinutes(state, v.now());
    if (lockMinutes !== undefined) {
      await step.context.sendActivity(t(language, 'contactCodeLocked', { ...vars, lockMinutes }));
      return step.endDialog({});
    }
    const values = step.values as { challenge?: CodeChallenge };
    if (again && v.isLive(again)) {
      values.challenge = again;
      return step.prompt(CODE_PROMPT, { prompt: t(language, 'askContactCode', vars) });
    }
    const sent = await v.send(contact, language, conversation.id);
    if (!sent.ok) {
      await step.context.sendActivity(t(language, 'contactCodeLimit', vars));
      return step.endDialog({});
    }
    values.challenge = sent.challenge;
    return step.prompt(CODE_PROMPT, { prompt: t(language, 'contactSavedCode', vars) });
  }

  private async checkCode(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { language, customer } = turnInfo(step.context);
    const v = this.o.verification!;
    const options = step.options as CodeOptions;
    const { contact } = options;
    const vars = { contact: contact.value, digits: v.codeLength, minutes: v.minutes, kind: kindOf(language, contact) };
    const text = String(step.result ?? '');
    const code = v.codeIn(text);
    const challenge = (step.values as { challenge?: CodeChallenge }).challenge;
    if (!code) {
      // "send it again", "it never came": a new code, within the per-hour limits.
      if (asksNewCode(text) || missesCode(text)) return step.replaceDialog(CODE_DIALOG, { ...options, again: undefined } satisfies CodeOptions);
      // "let me check", or "yes" / "got it" (they will type it): the same code awaited, asked for again.
      if (waitsForCode(text) || promisesCode(text)) return step.replaceDialog(CODE_DIALOG, { ...options, again: challenge } satisfies CodeOptions);
      // "later", "no", "never mind", or a new request: the contact stays saved, unconfirmed, and said so.
      const leaves = !LATER.test(text) && readYesNo(text) !== 'no' && !stopsCode(text);
      // The code may still come: kept, so typed bare later it confirms this contact (contactCodeLate.ts).
      if (challenge && this.o.proofs) {
        const state = await this.o.proofs.get(step.context, { proofs: [], failed: 0 });
        await this.o.proofs.set(step.context, { ...state, contactCode: { contact, challenge, replaces: options.replaces } });
      }
      // Left for a new request (which may be "what's my email on file?"): said without the address, then routed.
      await step.context.sendActivity(t(language, leaves ? 'contactCodeLeft' : 'contactCodeLater', vars));
      return step.endDialog(leaves ? ({ reroute: true } satisfies DialogEnd) : {});
    }
    const checked = challenge ? v.check(challenge, code) : { result: 'expired' as const, challenge: undefined };
    if (checked.result === 'ok') {
      const state = await this.o.proofs?.get(step.context, { proofs: [], failed: 0 });
      if (state?.contactCode) {
        delete state.contactCode;
        await this.o.proofs!.set(step.context, state);
      }
      // Marked verified on this profile only: never moved to, or merged with, another profile that has it.
      // A change replaces the old contact of its kind only now: a typo must never cost the customer the one that works.
      const result = await this.profiles.confirmContact(customer.id, contact, { replaces: options.replaces });
      await step.context.sendActivity(t(language, CONFIRMED_REPLY[result], vars));
      return step.endDialog({});
    }
    if (checked.result === 'wrong') {
      await step.context.sendActivity(t(language, 'verifyCodeWrong', { left: v.maxAttempts - checked.challenge.attempts }));
      return step.replaceDialog(CODE_DIALOG, { ...options, again: checked.challenge } satisfies CodeOptions);
    }
    if (checked.result === 'too_many' && this.o.proofs) {
      const state = await this.o.proofs.get(step.context, { proofs: [], failed: 0 });
      await this.o.proofs.set(step.context, lockCodes(state, v.now()));
    }
    await step.context.sendActivity(
      t(language, checked.result === 'too_many' ? 'contactCodeTooMany' : 'contactCodeExpired', { ...vars, lockMinutes: CODE_LOCK_MS / 60_000 }),
    );
    return step.endDialog({});
  }
}

const CODE_DIALOG = 'contactCode';
/**
 * A right code's answer: confirmed (and replacing the old contact of its kind), the contact gone from the profile
 * meanwhile, or held verified by another profile.
 */
const CONFIRMED_REPLY = {
  confirmed: 'contactConfirmed',
  replaced: 'contactConfirmedReplaced',
  absent: 'contactConfirmAbsent',
  held: 'contactConfirmHeld',
} as const;
const CODE_PROMPT = 'contactCodePrompt';
/** "later", "skip", "not now", "luego", "más tarde": the confirmation put off. */
const LATER = /\b(later|skip|not now|another time|luego|m[aá]s tarde|ahora no|otro momento)\b/iu;

interface CodeOptions {
  contact: Contact;
  /** A change ("change my email to …"): once confirmed, it replaces the other contacts of its kind. */
  replaces?: boolean;
  /** The challenge still awaited (a wrong code, or "let me check"): asked again, no new code sent. */
  again?: CodeChallenge;
}

const kindOf = (language: string, c: Contact) => t(language, c.type === 'email' ? 'contactKindEmail' : 'contactKindPhone');
