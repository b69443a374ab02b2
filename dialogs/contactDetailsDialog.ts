import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { ProfileActions } from './dialogServices';
import { t } from '../locale/replies';
import { answered, answerOf, askYesNo, end, YES_NO_PROMPT } from './dialogResult';
import { turnInfo } from './turnInfo';

const EMAIL_RE = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+/;
const PHONE_RE = /\+\d[\d\s().-]{6,18}\d/;

export function extractContact(text: string): { type: 'email' | 'phone'; value: string } | undefined {
  const email = text.match(EMAIL_RE)?.[0];
  if (email) return { type: 'email', value: email.toLowerCase() };
  const phone = text.match(PHONE_RE)?.[0];
  if (phone) return { type: 'phone', value: `+${phone.replace(/\D/g, '')}` };
  return undefined;
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
}

/**
 * Records a new email or phone, typed in chat and so unverified (a merge suggestion where another profile has it),
 * after a yes to a question naming it.
 */
export class ContactDetailsDialog extends ComponentDialog {
  static readonly id = 'contactDetails';

  constructor(private readonly profiles: ProfileActions) {
    super(ContactDetailsDialog.id);
    this.addDialog(new TextPrompt('contact', (p) => Promise.resolve(!!extractContact(p.recognized.value ?? '') || p.attemptCount >= 3)));
    this.addDialog(new TextPrompt(YES_NO_PROMPT));
    this.addDialog(new WaterfallDialog('main', [(s) => this.ask(s), (s) => this.confirm(s), (s) => this.save(s)]));
    this.initialDialogId = 'main';
  }

  private async ask(step: WaterfallStepContext) {
    const { recognition, language } = turnInfo(step.context);
    const given = extractContact(recognition.text);
    if (given) return step.next(recognition.text);
    return step.prompt('contact', { prompt: t(language, 'askNewContact'), retryPrompt: t(language, 'retryContact') });
  }

  private async confirm(step: WaterfallStepContext) {
    const { language } = turnInfo(step.context);
    const contact = extractContact(String(step.result ?? ''));
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
    return askYesNo(step, language, t(language, 'confirmContact', { contact: contact.value, kind }));
  }

  private async save(step: WaterfallStepContext) {
    const { customer, language } = turnInfo(step.context);
    const contact = (step.values as Record<string, { type: 'email' | 'phone'; value: string }>).contact;
    const answer = answerOf(step);
    const unasked = (step.options as ContactDetailsOptions | undefined)?.unasked;
    if (answer !== 'yes') {
      // Not a yes: nothing is stored. Anything but a no is a new request, which the router takes.
      if (answer === 'no' || !unasked) await step.context.sendActivity(t(language, unasked ? 'unaskedContactKept' : 'contactKept'));
      return end(step, answer === 'no' ? { outcome: { kind: 'answered' } } : { reroute: true });
    }
    await this.profiles.addContact(customer.id, contact, 'chat');
    await step.context.sendActivity(t(language, 'contactSaved', { contact: contact.value }));
    if (unasked) await step.context.sendActivity(t(language, 'howCanIHelp'));
    return answered(step);
  }
}
