import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { OrderService } from '../commerce/orderService';
import { t } from '../locale/replies';
import { answered, end } from './dialogResult';
import { turnInfo } from './turnInfo';

const EMAIL_RE = /[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+/;
/** Leaving the question in plain words (outside test 26, L2): "ok thx bye", "never mind", "da igual", "adiós". */
const LEAVES =
  /(?<![\p{L}])(?:bye|goodbye|see you|cya|never ?mind|forget it|no thanks|no thank you|adi[oó]s|hasta luego|chao|da igual|d[eé]jalo|olv[ií]dalo|no gracias)(?![\p{L}])/iu;

/** Sends a reset link to the account email: the verified one on the profile, or one the customer types. */
export class PasswordResetDialog extends ComponentDialog {
  static readonly id = 'passwordReset';

  constructor(private readonly shop: OrderService) {
    super(PasswordResetDialog.id);
    this.addDialog(
      new TextPrompt('email', (p) => Promise.resolve(EMAIL_RE.test(p.recognized.value ?? '') || LEAVES.test(p.recognized.value ?? '') || p.attemptCount >= 3)),
    );
    this.addDialog(new WaterfallDialog('main', [(s) => this.askEmail(s), (s) => this.send(s)]));
    this.initialDialogId = 'main';
  }

  private async askEmail(step: WaterfallStepContext) {
    const { customer, recognition, language } = turnInfo(step.context);
    const typed = recognition.entities.find((e) => e.type === 'email')?.value ?? recognition.text.match(EMAIL_RE)?.[0];
    const known = customer.contacts.find((c) => c.type === 'email' && c.verified)?.value;
    if (typed || known) return step.next(String(typed ?? known));
    return step.prompt('email', { prompt: t(language, 'askEmail'), retryPrompt: t(language, 'retryEmail') });
  }

  private async send(step: WaterfallStepContext) {
    const { language, customer } = turnInfo(step.context);
    const email = String(step.result ?? '')
      .match(EMAIL_RE)?.[0]
      ?.toLowerCase();
    if (!email && LEAVES.test(String(step.result ?? ''))) {
      // "ok thx bye" at the e-mail question: a way out in plain words, never "Please type a valid email address".
      await step.context.sendActivity(t(language, 'goodbye'));
      return answered(step);
    }
    if (!email) {
      // The turn pipeline says it did not understand (with suggestions, or the queued customer's version): once.
      return end(step, { outcome: { kind: 'not_understood' } });
    }
    // Same answer whether or not the account exists, so the bot cannot be used to probe emails.
    const verifiedEmails = customer.contacts.filter((c) => c.type === 'email' && c.verified).map((c) => c.value);
    await this.shop.sendPasswordReset({ customerId: customer.id, verifiedEmails, proofs: [] }, email);
    await step.context.sendActivity(t(language, 'passwordResetSent', { email }));
    return answered(step);
  }
}
