import type { ConsentEvent, ContactPoint, Customer } from '../../models/records';
import { grantAddress, sameAddress } from '../../profile/consentAddress';
import { ProfileService } from '../../profile/profileService';

const at = '2026-01-01T00:00:00.000Z';
const email = (value: string, verified = false, addedAt = at): ContactPoint => ({ type: 'email', value, verified, source: 'chat', addedAt });
const phone = (value: string): ContactPoint => ({ type: 'phone', value, verified: false, source: 'chat', addedAt: at });
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

  test('the contact of that kind, verified first, then the newest; a channel identity needs none', () => {
    const c = customer([email('old@example.com', false, '2025-01-01T00:00:00Z'), email('ok@example.com', true), phone('+34600000000')]);
    expect(grantAddress(c, 'email', 'webchat')).toEqual({ address: 'ok@example.com' });
    expect(grantAddress(c, 'sms', 'webchat')).toEqual({ address: '+34600000000' });
    const onWhatsapp = customer([], [], [{ channelId: 'whatsapp', userId: '34600000000', verified: true, addedAt: at }]);
    expect(grantAddress(onWhatsapp, 'whatsapp', 'webchat')).toEqual({});
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
