import type { ConsentPurpose } from '../models/records';

/**
 * What a right code did to the contact it was sent to (ProfileActions.confirmContact): 'replaced' is confirmed and
 * the profile's other contacts of its kind removed (a change asked for).
 */
export type ContactConfirmation = 'confirmed' | 'replaced' | 'absent' | 'held';

/** What dialogs may change on the customer's profile; implemented by ProfileService. */
export interface ProfileActions {
  addContact(customerId: string, contact: { type: 'email' | 'phone'; value: string }, source: string): Promise<void>;
  /**
   * Marks a contact on this profile verified (a code sent to it was typed back): 'absent' when it is not there, 'held'
   * when another profile has it verified (then staff are asked to look at the two, nothing is marked here).
   * `replaces`: the contact is a change, so it replaces the profile's other contacts of its kind.
   */
  confirmContact(customerId: string, contact: { type: 'email' | 'phone'; value: string }, o?: { replaces?: boolean }): Promise<ContactConfirmation>;
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
