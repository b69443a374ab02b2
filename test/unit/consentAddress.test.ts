import type { AppError } from '../../core/errors';
import type { ConsentEvent, ContactPoint, Customer } from '../../models/records';
import { grantAddress, grantReach, sameAddress } from '../../profile/consentAddress';
import { ProfileService } from '../../profile/profileService';
import { noAddressReply } from '../../dialogs/consentNoAddress';
import { REPLY_LANGUAGES, t } from '../../locale/replies';

const at = '2026-01-01T00:00:00.000Z';
const email = (value: string, verified = false, addedAt = at): ContactPoint => ({ type: 'email', value, verified, source: 'chat', addedAt });
const phone = (value: string, verified = false, addedAt = at): ContactPoint => ({ type: 'phone', value, verified, source: 'chat', addedAt });
function customer(contacts: ContactPoint[], consent: ConsentEvent[] = [], identities: Customer['identities'] = []): Customer {
  return { contacts, consent, identities } as unknown as Customer;
}
const grant = (channel: string, address?: string): ConsentEvent => ({
  purpose: 'marketing',
  channel,
  granted: true,
  at,
  source: 'webchat',
  method: 'chat',
  ...(address ? { address } : {}),
});

describe('where a consent grant reaches the customer (profile/consentAddress.ts)', () => {
  test('no e-mail or phone on file: nothing to grant on e-mail, SMS or WhatsApp; the chat itself needs none', () => {
    const c = customer([]);
    expect(grantAddress(c, 'email', 'webchat')).toBeUndefined();
    expect(grantAddress(c, 'sms', 'webchat')).toBeUndefined();
    expect(grantAddress(c, 'whatsapp', 'webchat')).toBeUndefined();
    expect(grantAddress(c, 'telegram', 'webchat')).toBeUndefined();
    expect(grantAddress(c, 'webchat', 'webchat')).toEqual({});
    expect(grantAddress(c, '*', 'webchat')).toEqual({});
  });

  test('only a verified contact of that kind, the newest of them; a channel identity needs none', () => {
    const c = customer([
      email('old@example.com', true, '2025-01-01T00:00:00Z'),
      email('ok@example.com', true),
      email('typed@example.com', false, '2026-06-01T00:00:00Z'),
      phone('+34600000000', true),
    ]);
    expect(grantAddress(c, 'email', 'webchat')).toEqual({ address: 'ok@example.com' });
    expect(grantAddress(c, 'sms', 'webchat')).toEqual({ address: '+34600000000' });
    expect(grantAddress(c, 'whatsapp', 'webchat')).toEqual({ address: '+34600000000' });
    const onWhatsapp = customer([], [], [{ channelId: 'whatsapp', userId: '34600000000', verified: true, addedAt: at }]);
    expect(grantAddress(onWhatsapp, 'whatsapp', 'webchat')).toEqual({});
  });

  test('only unverified contacts of that kind: nothing to grant there, and grantReach says the contact is not verified', () => {
    // A stranger typing someone else's e-mail or phone in a chat: double opt-in, the code sent to it comes first.
    const c = customer([email('someone@example.com', false, '2026-06-01T00:00:00Z'), phone('+34611111111')]);
    for (const channel of ['email', 'sms', 'whatsapp']) {
      expect(grantAddress(c, channel, 'webchat')).toBeUndefined();
      expect(grantReach(c, channel, 'webchat')).toEqual({ ok: false, missing: 'verified' });
    }
    expect(grantReach(customer([]), 'email', 'webchat')).toEqual({ ok: false, missing: 'contact' });
    expect(grantReach(customer([]), 'telegram', 'webchat')).toEqual({ ok: false, missing: 'contact' });
    // A phone verified, the e-mail not: SMS and WhatsApp may be granted, e-mail not.
    const mixed = customer([email('someone@example.com'), phone('+34611111111', true)]);
    expect(grantReach(mixed, 'sms', 'webchat')).toEqual({ ok: true, address: '+34611111111' });
    expect(grantReach(mixed, 'email', 'webchat')).toEqual({ ok: false, missing: 'verified' });
    // The chat itself, '*' and a channel with an identity need no contact point, verified or not.
    expect(grantReach(c, 'webchat', 'webchat')).toEqual({ ok: true });
    expect(grantReach(c, '*', 'webchat')).toEqual({ ok: true });
    const onWhatsapp = customer([phone('+34611111111')], [], [{ channelId: 'whatsapp', userId: '34611111111', verified: true, addedAt: at }]);
    expect(grantReach(onWhatsapp, 'whatsapp', 'webchat')).toEqual({ ok: true });
  });

  test('confirmed by the code sent to it (verified: true), the same contact can be granted', () => {
    const typed = email('ana@example.com');
    expect(grantAddress(customer([typed]), 'email', 'webchat')).toBeUndefined();
    expect(grantAddress(customer([{ ...typed, verified: true }]), 'email', 'webchat')).toEqual({ address: 'ana@example.com' });
  });

  test('the console refuses a question it could not record: CONSENT_NO_ADDRESS, CONSENT_UNVERIFIED_ADDRESS', () => {
    const refusal = (c: Customer, channel: string) => {
      try {
        ProfileService.refuseUnreachableGrant(c, channel, 'webchat');
        return undefined;
      } catch (err) {
        return err as AppError;
      }
    };
    expect(refusal(customer([]), 'email')).toMatchObject({ code: 'CONSENT_NO_ADDRESS', status: 409 });
    expect(refusal(customer([email('x@example.com')]), 'email')).toMatchObject({ code: 'CONSENT_UNVERIFIED_ADDRESS', status: 409 });
    expect(refusal(customer([email('x@example.com', true)]), 'email')).toBeUndefined();
    expect(refusal(customer([]), 'webchat')).toBeUndefined();
  });

  test('the customer hears which is missing, in every reply language: no contact point, or one not confirmed yet', () => {
    const full = (contacts: ContactPoint[]) => ({ ...customer(contacts), identities: [] }) as unknown as Customer;
    for (const l of REPLY_LANGUAGES) {
      expect(noAddressReply(full([]), 'email', 'webchat', l)).toBe(t(l, 'consentNoEmail', { channel: l === 'es' ? 'correo electrónico' : 'e-mail' }));
      expect(noAddressReply(full([email('x@example.com')]), 'email', 'webchat', l)).toBe(
        t(l, 'consentUnconfirmedEmail', { channel: l === 'es' ? 'correo electrónico' : 'e-mail' }),
      );
      expect(noAddressReply(full([phone('+34611111111')]), 'sms', 'webchat', l)).toBe(t(l, 'consentUnconfirmedPhone', { channel: 'SMS' }));
      expect(noAddressReply(full([phone('+34611111111', true)]), 'whatsapp', 'webchat', l)).toBeUndefined();
    }
  });

  test('addresses compare case-blind, phones by their digits', () => {
    expect(sameAddress('Ana@Example.com', 'ana@example.com')).toBe(true);
    expect(sameAddress('+34 600 000 000', '34600000000')).toBe(true);
    expect(sameAddress('ana@example.com', 'bob@example.com')).toBe(false);
  });

  test('a grant for one address counts for it only, and not for a contact added later', () => {
    const given = customer([email('ana@example.com')], [grant('email', 'ana@example.com')]);
    expect(ProfileService.consentFor(given, 'marketing', 'email')).toBe(true);
    expect(ProfileService.consentFor(given, 'marketing', 'email', 'ANA@example.com')).toBe(true);
    expect(ProfileService.consentFor(given, 'marketing', 'email', 'someone@else.example')).toBe(false);
    // The address was removed and another typed in: it does not inherit the grant.
    const replaced = customer([email('someone@else.example')], given.consent);
    expect(ProfileService.consentFor(replaced, 'marketing', 'email')).toBe(false);
  });

  test('a withdrawal always applies; an old grant without an address keeps its meaning', () => {
    const withdrawn = customer(
      [email('ana@example.com')],
      [grant('email', 'ana@example.com'), { purpose: 'marketing', channel: '*', granted: false, at, source: 'webchat', method: 'chat' }],
    );
    expect(ProfileService.consentFor(withdrawn, 'marketing', 'email')).toBe(false);
    const old = customer([], [grant('email')]);
    expect(ProfileService.consentFor(old, 'marketing', 'email')).toBe(true);
  });
});
