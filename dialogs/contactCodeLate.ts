import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { ContactVerification } from '../commerce/contactVerification';
import { t } from '../locale/replies';
import { BARE_CODE } from './codeAgain';
import type { RouteOutcome } from './dialogResult';
import type { ProfileActions } from './dialogServices';
import { CODE_LOCK_MS, lockCodes, lockedMinutes, type OrderProofs } from './orderDialog';
import { turnInfo } from './turnInfo';

/**
 * A contact's one-time code typed after its question closed (outside test 32, M6: "later", then the mail came and the
 * customer typed the code, which was read as an order number). While the code sent to a new e-mail or phone is still
 * live (OrderProofs.contactCode, kept when the question closed), a message that is only a code is checked against it
 * and a right one confirms that contact, as at the question. Undefined: no such code outstanding, or not a bare code.
 */
export async function lateContactCode(
  context: TurnContext,
  proofs: StatePropertyAccessor<OrderProofs>,
  verification: ContactVerification,
  profiles: Pick<ProfileActions, 'confirmContact'>,
): Promise<RouteOutcome | undefined> {
  const { recognition, language, customer } = turnInfo(context);
  const code = verification.codeIn(recognition.text);
  if (!code || !BARE_CODE.test(recognition.text.replace(/\d/g, ''))) return undefined;
  const state = await proofs.get(context, { proofs: [], failed: 0 });
  const pending = state.contactCode;
  // Locked out: codeAgain says so; expired or used up: nothing outstanding, the message is read as any other.
  if (!pending || lockedMinutes(state, verification.now()) !== undefined || !verification.isLive(pending.challenge)) return undefined;
  const { contact } = pending;
  const vars = { contact: contact.value, digits: verification.codeLength, minutes: verification.minutes };
  const checked = verification.check(pending.challenge, code);
  if (checked.result === 'ok') {
    delete state.contactCode;
    await proofs.set(context, state);
    const result = await profiles.confirmContact(customer.id, contact, { replaces: pending.replaces });
    const kind = t(language, contact.type === 'email' ? 'contactKindEmail' : 'contactKindPhone');
    await context.sendActivity(t(language, LATE_REPLY[result], { ...vars, kind }));
    return { kind: 'answered' };
  }
  if (checked.result === 'wrong') {
    await proofs.set(context, { ...state, contactCode: { ...pending, challenge: checked.challenge } });
    await context.sendActivity(t(language, 'verifyCodeWrong', { left: verification.maxAttempts - checked.challenge.attempts }));
    return { kind: 'answered' };
  }
  // The last attempt used up: the order codes' lock-out, as at the question.
  const { contactCode: _used, ...rest } = state;
  await proofs.set(context, checked.result === 'too_many' ? lockCodes(rest, verification.now()) : rest);
  await context.sendActivity(
    t(language, checked.result === 'too_many' ? 'contactCodeTooMany' : 'contactCodeExpired', {
      ...vars,
      kind: t(language, contact.type === 'email' ? 'contactKindEmail' : 'contactKindPhone'),
      lockMinutes: CODE_LOCK_MS / 60_000,
    }),
  );
  return { kind: 'answered' };
}

const LATE_REPLY = { confirmed: 'contactConfirmed', replaced: 'contactConfirmedReplaced', absent: 'contactConfirmAbsent', held: 'contactConfirmHeld' } as const;
