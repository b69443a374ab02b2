import type { ContactVerification } from '../commerce/contactVerification';
import type { OrderService } from '../commerce/orderService';
import type { ProfileActions } from '../profile/profileActions';

export type { ProfileActions };

/** Linking a contact point the customer proved they control (a one-time code): verified, merging with its owner. */
export interface ContactLinking {
  linkVerifiedContact(customerId: string, contact: { type: 'email'; value: string }, source: string): Promise<void>;
}

export interface SatisfactionSink {
  record(conversationId: string, score: number, comment?: string): Promise<void>;
}

export interface DialogServices {
  /** Orders, always asked for with the customer's identity; refusals are audited there. */
  orders: OrderService;
  /** One-time codes that prove a visitor holds the e-mail on an order before the bot acts on it. */
  verification: ContactVerification;
  profiles: ProfileActions & ContactLinking;
  satisfaction: SatisfactionSink;
}
