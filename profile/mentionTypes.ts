/**
 * A public mention as the social listening tool posts it (POST /api/mentions), and what became of it. Types only:
 * api/wire.ts shares them with the browser.
 */
export interface Mention {
  network: string;
  handle: string;
  text: string;
  reach?: number;
  url?: string;
  language?: string;
  postedAt?: string;
}

export interface MentionResult {
  customerId: string;
  sentiment: number;
  /** Set when the mention opened a conversation in the agents' queue. */
  conversationId?: string;
}
