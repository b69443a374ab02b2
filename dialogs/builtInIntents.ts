import { MessageFactory, type TurnContext } from 'botbuilder';
import { t } from '../locale/replies';
import { OUT_OF_SCOPE } from '../nlu/recognizer';
import type { RouteOutcome } from './dialogResult';
import type { DialogServices } from './dialogServices';
import { saysFarewell } from './farewellWords';
import { greetingName } from './greetingName';
import { turnInfo } from './turnInfo';

/** What the intents answered without a dialog or an FAQ article need: the services, and how to ask "Anything else?". */
export interface BuiltInDeps {
  services: Pick<DialogServices, 'orders' | 'profiles'>;
  askedAnythingElse: (context: TurnContext) => Promise<void>;
}

/**
 * The intents the router answers itself (dialogs/mainDialog.ts): greetings, thanks, goodbyes, help, a change of
 * language, and the two that go to people (a person asked for, a complaint). Anything else was not understood.
 */
export async function answerBuiltIn(context: TurnContext, intent: string, d: BuiltInDeps): Promise<RouteOutcome> {
  const info = turnInfo(context);
  const { recognition: r, language, customer } = info;
  switch (intent) {
    case 'greeting':
      await context.sendActivity(await greeting(context, d));
      return { kind: 'answered' };
    case 'thanks':
      await context.sendActivity(t(language, 'thanks'));
      await d.askedAnythingElse(context);
      return { kind: 'answered' };
    case 'goodbye':
      // "see" alone is no goodbye: only a farewell in words ends the chat (farewellWords.ts).
      if (!saysFarewell(r.text)) return { kind: 'not_understood' };
      await context.sendActivity(t(language, 'goodbye'));
      return { kind: 'answered' };
    case 'help':
      // What the bot can do, as buttons; asking for help is no sign of being understood, so the counter stays.
      await context.sendActivity(
        MessageFactory.suggestedActions(
          [
            t(language, 'help_track'),
            t(language, 'help_cancel'),
            t(language, 'help_refund'),
            t(language, 'help_return'),
            t(language, 'help_password'),
            t(language, 'talkToPerson'),
          ],
          t(language, 'help'),
        ),
      );
      return { kind: 'neutral' };
    case 'language.change': {
      const target = /spanish|español|espanol|castellano/i.test(r.text) ? 'es' : /english|inglés|ingles/i.test(r.text) ? 'en' : language;
      await d.services.profiles.setLanguage(customer.id, target);
      info.language = target;
      await context.sendActivity(t(target, 'languageSet'));
      return { kind: 'answered' };
    }
    case 'human.request':
      return { kind: 'escalate', reason: 'customer_asked', detail: `asked for a person: "${r.text.slice(0, 80)}"` };
    case 'complaint':
      return { kind: 'escalate', reason: 'policy_intent', detail: 'intent complaint is always handled by people' };
    case OUT_OF_SCOPE:
    default:
      return { kind: 'not_understood' };
  }
}

/** A welcome: by first name to a customer we know, with their open order when their e-mail is verified. */
async function greeting(context: TurnContext, d: BuiltInDeps): Promise<string> {
  const { customer, language } = turnInfo(context);
  const name = greetingName(customer.displayName);
  if (!name) return t(language, 'welcome');
  const verifiedEmails = customer.contacts.filter((c) => c.type === 'email' && c.verified).map((c) => c.value);
  const open = verifiedEmails.length > 0 ? (await d.services.orders.openOrdersFor({ customerId: customer.id, verifiedEmails, proofs: [] }))[0] : undefined;
  if (open)
    return t(language, 'welcomeOpenOrder', {
      name,
      order: open.number,
      status: t(language, open.status === 'shipped' ? 'status_shipped' : 'status_processing'),
    });
  return t(language, 'welcomeKnown', { name });
}
