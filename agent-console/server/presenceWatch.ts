import type { Logger } from '../../core/logger';
import type { HandoffService } from '../../handoff/handoffService';
import type { SharedState } from '../../cluster/sharedState';
import type { Store } from '../../store/store';

const OFFLINE_GRACE_MS = 10_000; // a flaky connection that comes back within this keeps its presence
const GRACE_POLL_MS = 1_000;

/**
 * An agent whose last console socket closed keeps their presence for a grace period (a flaky connection that comes
 * back keeps its chats); past it they are marked offline and their chats go back to the queue. Deadlines are
 * shared: whichever instance finds one due first (atomically) checks every instance's sockets.
 */
export class PresenceWatch {
  private timer?: NodeJS.Timeout;
  private failing = false;
  private stopped = false;

  constructor(
    private readonly grace: SharedState['presenceGrace'],
    private readonly d: {
      store: Pick<Store, 'updateUser'>;
      handoff: Pick<HandoffService, 'releaseAgentChats'>;
      log: Logger;
      /** Whether the user has a console socket on any instance. */
      connected: (userId: string) => Promise<boolean>;
      /** Presence changed here: the board is sent again. */
      changed: () => Promise<void>;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.offlineDue(), GRACE_POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** A socket of the user connected: a grace under way ends. */
  connected(userId: string): void {
    this.grace.cancel(userId).catch((err: unknown) => this.d.log.warn({ err, userId }, 'presence grace not cancelled; checked when due'));
  }

  disconnected(userId: string): void {
    if (this.stopped) return;
    this.grace.schedule(userId, Date.now() + OFFLINE_GRACE_MS).catch((err: unknown) => this.d.log.warn({ err, userId }, 'presence grace not scheduled'));
  }

  /** Agents whose grace ran out, each taken by one instance. Never rejects. */
  private async offlineDue(): Promise<void> {
    if (this.stopped) return;
    try {
      for (const userId of await this.grace.takeDue(Date.now())) await this.markOffline(userId);
      this.failing = false;
    } catch (err) {
      // Once per outage, not every second: the deadlines wait in Redis and are taken when it is back.
      if (!this.failing) this.d.log.warn({ err }, 'presence grace check failed; retried every second');
      this.failing = true;
    }
  }

  /** The agent is marked offline unless they came back within the grace period (on any instance). Never rejects. */
  private async markOffline(userId: string): Promise<void> {
    if (this.stopped) return;
    try {
      const still = await this.d.connected(userId);
      if (!still) {
        await this.d.store.updateUser(userId, { presence: 'offline' });
        await this.d.handoff.releaseAgentChats(userId);
        await this.d.changed();
      }
    } catch (err) {
      this.d.log.warn({ err, userId }, 'could not mark agent offline');
    }
  }
}
