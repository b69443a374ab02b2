import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState, type Dialog } from 'botbuilder-dialogs';
import { CancelOrderDialog } from './cancelOrderDialog';
import { ContactDetailsDialog } from './contactDetailsDialog';
import type { DialogServices } from './dialogServices';
import { FeedbackDialog } from './feedbackDialog';
import { answer, type Knowledge } from './knowledge';
import { PasswordResetDialog } from './passwordResetDialog';
import { RefundDialog, RefundStatusDialog } from './refundDialog';
import { t } from '../locale/replies';
import { ReturnDialog } from './returnDialog';
import { TrackOrderDialog, orderStatusText } from './trackOrderDialog';
import { turnInfo } from './turnInfo';
import { entity, OUT_OF_SCOPE } from '../nlu/recognizer';

const NAME_RE = /\b(call me|my name is|llámame|llamame|me llamo)\s+([\p{Lu}][\p{L}'-]*(?:\s+[\p{Lu}][\p{L}'-]*){0,2})/iu;

export type RouteOutcome = { kind: 'answered' } | { kind: 'not_understood' };

/** Intent → dialog that takes it. Intents answered from the knowledge file are not listed. */
const DIALOG_FOR_INTENT: Record<string, string> = {
  'order.track': TrackOrderDialog.id,
  'order.cancel': CancelOrderDialog.id,
  'refund.request': RefundDialog.id,
  'refund.status': RefundStatusDialog.id,
  'return.request': ReturnDialog.id,
  'password.recover': PasswordResetDialog.id,
  'feedback.review': FeedbackDialog.id,
  'contact.change': ContactDetailsDialog.id,
};

/**
 * The router: continues an active dialog, or starts the one the intent asks for, or answers from the
 * knowledge file, or reports that it did not understand (the bot counts those for escalation).
 */
export class MainDialog {
  private readonly dialogs: DialogSet;

  constructor(
    private readonly dialogState: StatePropertyAccessor<DialogState>,
    private readonly services: DialogServices,
    private readonly knowledge: Knowledge,
  ) {
    this.dialogs = new DialogSet(dialogState);
    const children: Dialog[] = [
      new TrackOrderDialog(services.backend),
      new CancelOrderDialog(services.backend),
      new RefundDialog(services.backend),
      new RefundStatusDialog(services.backend),
      new ReturnDialog(services.backend),
      new PasswordResetDialog(services.backend),
      new FeedbackDialog(services.satisfaction),
      new ContactDetailsDialog(services.profiles),
    ];
    for (const d of children) this.dialogs.add(d);
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

  async cancelAll(context: TurnContext): Promise<void> {
    if (!(await this.hasActiveDialog(context))) return;
    const dc = await this.createContext(context);
    await dc.cancelAllDialogs();
  }

  async run(context: TurnContext): Promise<RouteOutcome> {
    if (await this.hasActiveDialog(context)) {
      const dc = await this.createContext(context);
      const result = await dc.continueDialog();
      if (result.status !== DialogTurnStatus.empty) return { kind: 'answered' };
    }
    const info = turnInfo(context);
    const { recognition: r, language, customer } = info;
    // "call me Maria" / "llámame María": a preference, not an intent the classifier needs to learn.
    const named = r.text.match(NAME_RE);
    if (named) {
      const name = named[2].trim().replace(/\s+/g, ' ').slice(0, 60);
      await this.services.profiles.setName(customer.id, name);
      await context.sendActivity(t(language, 'nameSet', { name }));
      return { kind: 'answered' };
    }
    const dialogId = DIALOG_FOR_INTENT[r.intent];
    if (dialogId) {
      const dc = await this.createContext(context);
      await dc.beginDialog(dialogId, { orderNumber: entity(r, 'orderNumber')?.value });
      return { kind: 'answered' };
    }
    const faq = answer(this.knowledge, r.intent, language) ?? (r.intent === 'return.request' ? answer(this.knowledge, 'return.policy', language) : undefined);
    if (faq) {
      await context.sendActivity(faq);
      return { kind: 'answered' };
    }
    switch (r.intent) {
      case 'greeting':
        await context.sendActivity(await this.greeting(info.customer.displayName, customer.contacts.find((c) => c.type === 'email' && c.verified)?.value, language));
        return { kind: 'answered' };
      case 'goodbye':
      case 'thanks':
      case 'help':
        await context.sendActivity(t(language, r.intent));
        return { kind: 'answered' };
      case 'language.change': {
        const target = /spanish|español|espanol|castellano/i.test(r.text) ? 'es' : /english|inglés|ingles/i.test(r.text) ? 'en' : language;
        await this.services.profiles.setLanguage(customer.id, target);
        info.language = target;
        await context.sendActivity(t(target, 'languageSet'));
        return { kind: 'answered' };
      }
      case 'consent.change':
      case 'newsletter.subscribe': {
        const grant = r.intent === 'newsletter.subscribe' || /again|otra vez|de nuevo|ya pod/i.test(r.text);
        await this.services.profiles.setConsent(customer.id, 'marketing', grant, { channel: info.conversation.channelId, method: 'chat' });
        await context.sendActivity(t(language, grant ? 'marketingGranted' : 'marketingWithdrawn'));
        return { kind: 'answered' };
      }
      case OUT_OF_SCOPE:
      default:
        return { kind: 'not_understood' };
    }
  }

  private async greeting(name: string | undefined, email: string | undefined, language: string): Promise<string> {
    if (!name) return t(language, 'welcome');
    const open = email ? (await this.services.backend.openOrdersFor(email))[0] : undefined;
    if (open) return t(language, 'welcomeOpenOrder', { name: name.split(' ')[0], order: open.number, status: t(language, open.status === 'shipped' ? 'status_shipped' : 'status_processing') });
    return t(language, 'welcomeKnown', { name: name.split(' ')[0] });
  }
}

export { orderStatusText };
