import type { OrderService } from '../commerce/orderService';
import type { ProfileActions } from '../profile/profileActions';

export type { ProfileActions };

export interface SatisfactionSink {
  record(conversationId: string, score: number, comment?: string): Promise<void>;
}

export interface DialogServices {
  /** Orders, always asked for with the customer's identity; refusals are audited there. */
  orders: OrderService;
  profiles: ProfileActions;
  satisfaction: SatisfactionSink;
}
