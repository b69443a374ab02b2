import type { ConsentEvent, ConsentPurpose, ContactType, Customer } from '../models/records';

/**
 * Where a consent grant can reach the customer. A grant on the chat the customer is in (or on a channel they have an
 * identity on) is reached through that identity. A grant on a channel reached at a contact point (e-mail, SMS,
 * WhatsApp by phone) needs that contact on the profile, verified (confirmed by a code sent to it, or by an import or
 * identity resolution): anyone can type someone else's address in a chat, and double opt-in is what keeps a stranger
 * from signing that mailbox or phone up. It is recorded for that one address (ConsentEvent.address): a contact added
 * later, perhaps typed by someone else and unverified, never inherits it. Pure functions of the profile, no framework
 * imports.
 */

/** The contact point each contact-reached channel writes to. */
const CONTACT_OF_CHANNEL: Readonly<Record<string, ContactType>> = { email: 'email', sms: 'phone', whatsapp: 'phone' };

export function contactTypeOf(channel: string): ContactType | undefined {
  return CONTACT_OF_CHANNEL[channel];
}

/** Whether a grant can be recorded, and for which address; if not, what is missing (grantReach). */
export type GrantReach = { ok: true; address?: string } | { ok: false; missing: 'contact' | 'verified' };

/**
 * Whether a grant on `channel` can be recorded, and for what: `{ ok, address? }` with no address when none is needed
 * (every channel '*', the chat the customer is in, a channel they have an identity on), else the verified contact it
 * is given for (the newest of them). Not ok: `missing: 'contact'` when the profile has no contact point of that kind
 * (or the channel is reached by none), `missing: 'verified'` when it has only unverified ones. The one place that
 * decides; the bot, the consent dialog and the console's "Grant" all ask it.
 */
export function grantReach(c: Pick<Customer, 'contacts' | 'identities'>, channel: string, chatChannelId?: string): GrantReach {
  if (channel === '*' || channel === chatChannelId) return { ok: true };
  if (c.identities.some((i) => i.channelId === channel)) return { ok: true };
  const type = contactTypeOf(channel);
  if (!type) return { ok: false, missing: 'contact' };
  const points = c.contacts.filter((p) => p.type === type);
  if (points.length === 0) return { ok: false, missing: 'contact' };
  const verified = points.filter((p) => p.verified).sort((a, b) => b.addedAt.localeCompare(a.addedAt));
  if (verified.length === 0) return { ok: false, missing: 'verified' };
  return { ok: true, address: verified[0].value };
}

/**
 * What a grant on `channel` would be recorded for: `{}` when no contact point is needed, `{ address }` the verified
 * contact it is given for, undefined when nothing may be granted there (grantReach says why).
 */
export function grantAddress(c: Pick<Customer, 'contacts' | 'identities'>, channel: string, chatChannelId?: string): { address?: string } | undefined {
  const reach = grantReach(c, channel, chatChannelId);
  if (!reach.ok) return undefined;
  return reach.address === undefined ? {} : { address: reach.address };
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

/** Purposes a grant is needed for (service messages are allowed without one). */
const GRANTED_PURPOSES: readonly ConsentPurpose[] = ['proactive', 'marketing'];

/**
 * The withdrawals a replaced contact point leaves behind (a changed e-mail or phone confirmed: profileService
 * confirmContact). A grant recorded for the old address stops counting by itself once the profile no longer holds it
 * (eventApplies); a grant recorded on that channel before addresses were kept was given for whatever address the
 * profile had then, the old one, and would otherwise carry over to the new one unasked. Each such grant, where it is
 * the one in force, lapses with a withdrawal on its channel (method 'contact_replaced'). A grant on every channel
 * ('*') was given for no address and stays.
 */
export function lapsedByReplacement(c: Pick<Customer, 'consent' | 'contacts'>, type: ContactType, at: string): ConsentEvent[] {
  const channels = Object.keys(CONTACT_OF_CHANNEL).filter((ch) => CONTACT_OF_CHANNEL[ch] === type);
  const out: ConsentEvent[] = [];
  for (const purpose of GRANTED_PURPOSES) {
    for (const channel of channels) {
      const last = c.consent.filter((e) => e.purpose === purpose && (e.channel === channel || e.channel === '*') && eventApplies(e, c)).at(-1);
      if (last?.granted && last.channel === channel && last.address === undefined) {
        out.push({ purpose, channel, granted: false, at, source: 'chat', method: 'contact_replaced' });
      }
    }
  }
  return out;
}
