import { WEBCHAT_CHANNEL } from './supportAdapter';

/**
 * How long a polling page keeps getting an agent's typing activity after it happened (ms). The console sends one at
 * most every 3 s while the agent types (handoff/handoffMessaging.ts) and Web Chat shows each for 5 s, so steady
 * typing shows without a gap and stopped typing vanishes a few seconds later.
 */
export const TYPING_SHOWN_MS = 4000;

/** Past this many conversations with recent typing, the expired are dropped as new ones come. */
const MAX_TRACKED = 10_000;

/**
 * Agents' typing for web chat pages that poll (Direct Line's fallback): typing is never stored, so each instance
 * remembers when it last heard of it per conversation (every instance hears it: cluster/sharedState.ts) and a poll
 * within TYPING_SHOWN_MS gets one `typing` activity in its activity set, outside the watermark. It expires by
 * itself, and a bot or agent message stored after it ends it (the indicator would otherwise outlive the reply).
 */
export class WebChatTyping {
  private readonly at = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** An agent is typing in this web chat conversation (its channel conversation id). */
  heard(conversationId: string): void {
    const now = this.now();
    if (this.at.size >= MAX_TRACKED) for (const [id, when] of this.at) if (now - when >= TYPING_SHOWN_MS) this.at.delete(id);
    this.at.delete(conversationId); // re-inserted last: the map stays in about time order
    this.at.set(conversationId, now);
  }

  /**
   * The typing activity a poll should carry, if any. `lastReplyAt`: when the last bot or agent message in the
   * conversation was stored (ISO), which ends a typing heard before it.
   */
  activity(conversationId: string, lastReplyAt?: string): Record<string, unknown> | undefined {
    const when = this.at.get(conversationId);
    if (when === undefined) return undefined;
    if (this.now() - when >= TYPING_SHOWN_MS || (lastReplyAt !== undefined && Date.parse(lastReplyAt) >= when)) {
      this.at.delete(conversationId);
      return undefined;
    }
    // The same id for every poll that carries it: a client that keys activities by id sees one.
    return {
      type: 'typing',
      id: `typing-${conversationId}-${when}`,
      timestamp: new Date(when).toISOString(),
      channelId: WEBCHAT_CHANNEL,
      from: { id: 'bot', name: 'Agent', role: 'bot' },
    };
  }

  /** Whether a typing is current for this conversation (cheap: the poll reads the last reply only then). */
  current(conversationId: string): boolean {
    const when = this.at.get(conversationId);
    return when !== undefined && this.now() - when < TYPING_SHOWN_MS;
  }
}
