import type { ConsentPurpose } from '../models/records';

/** What dialogs may change on the customer's profile; implemented by ProfileService. */
export interface ProfileActions {
  addContact(customerId: string, contact: { type: 'email' | 'phone'; value: string }, source: string): Promise<void>;
  /** Marks a contact on this profile verified (a code sent to it was typed back); false when it is not there. */
  confirmContact(customerId: string, contact: { type: 'email' | 'phone'; value: string }): Promise<boolean>;
  setLanguage(customerId: string, language: string): Promise<void>;
  setName(customerId: string, name: string): Promise<unknown>;
  /** False for a name that passes for the bot, staff or the company (profile/reservedNames.ts). */
  nameAllowed(name: string): Promise<boolean>;
  setConsent(
    customerId: string,
    purpose: ConsentPurpose,
    granted: boolean,
    where: { channel: string; method: string; scope?: string; address?: string },
  ): Promise<unknown>;
}
