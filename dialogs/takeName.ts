import type { TurnContext } from 'botbuilder';
import { t } from '../locale/replies';
import type { ProfileActions } from './dialogServices';
import { requestBeside, type GivenName } from './givenName';
import { turnInfo } from './turnInfo';

/**
 * "call me Maria", "llámame María": a preference, not an intent to learn. The name is kept (or refused, when it
 * passes for us: "Support", "Alex Agente") and said back; what the message asks besides it is returned for the
 * router to read ("Me llamo Pedro y quiero un reembolso": the request was once dropped).
 */
export async function takeName(context: TurnContext, profiles: ProfileActions, named: GivenName): Promise<string | undefined> {
  const { language, customer } = turnInfo(context);
  const allowed = await profiles.nameAllowed(named.name);
  if (allowed) {
    await profiles.setName(customer.id, named.name);
    // The rest of this turn says the new name ("my name is Tom, hello": never "Hi Robert!" from the channel's name).
    turnInfo(context).customer = { ...customer, displayName: named.name };
  }
  await context.sendActivity(allowed ? t(language, 'nameSet', { name: named.name }) : t(language, 'nameReserved'));
  return requestBeside(named);
}
