import type { ConsentEvent, ContactType, Customer } from '../models/records';

/**
 * Where a consent grant can reach the customer. A grant on the chat the customer is in (or on a channel they have an
 * identity on) is reached through that identity. A grant on a channel reached at a contact point (e-mail, SMS,
 * WhatsApp by phone) needs that contact on the profile, and is recorded for that one address
 * (ConsentEvent.address): a contact added later, perhaps typed by someone else and unverified, never inherits it.
 * Pure functions of the profile, no framework imports.
 */

/** The contact point each contact-reached channel writes to. */
const CONTACT_OF_CHANNEL: Readonly<Record<string, ContactType>> = { email: 'email', sms: 'phone', whatsapp: 'phone' };

export function contactTypeOf(channel: string): ContactType | undefined {
  return CONTACT_OF_CHANNEL[channel];
}

/**
 * What a grant on `channel` would be recorded for: `{}` when no contact point is needed (every channel '*', the chat
 * the customer is in, a channel they have an identity on), `{ address }` the contact it is given for (verified first,
 * then the newest), undefined when the profile has no way to reach them there (nothing may be granted).
 */
export function grantAddress(c: Pick<Customer, 'contacts' | 'identities'>, channel: string, chatChannelId?: string): { address?: string } | undefined {
  if (channel === '*' || channel === chatChannelId) return {};
  if (c.identities.some((i) => i.channelId === channel)) return {};
  const type = contactTypeOf(channel);
  if (!type) return undefined;
  const points = c.contacts.filter((p) => p.type === type);
  if (points.length === 0) return undefined;
  const best = [...points].sort((a, b) => Number(b.verified) - Number(a.verified) || b.addedAt.localeCompare(a.addedAt))[0];
  return { address: best.value };
}

/** One address written two ways: e-mails case-blind, phone numbers by their digits ("+34 600…" and "34600…"). */
export function sameAddress(a: string, b: string): boolean {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  if (x.includes('@') || y.includes('@')) return x === y;
  const dx = x.replace(/\D/g, '');
  return dx.length > 0 && dx === y.replace(/\D/g, '');
}

/**
 * Whether an event counts for a message to `address` (undefined: to whichever address the profile has). A grant
 * given for an address counts only for it, and only while the profile still holds it. Events without an address
 * (withdrawals, which always apply, and grants recorded before addresses were: those keep their old meaning, the
 * whole channel) always count.
 */
export function eventApplies(e: ConsentEvent, c: Pick<Customer, 'contacts'>, address?: string): boolean {
  if (!e.granted || e.address === undefined) return true;
  const given = e.address;
  if (!c.contacts.some((p) => sameAddress(p.value, given))) return false;
  return address === undefined || sameAddress(given, address);
}
