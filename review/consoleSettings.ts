import type { AuditStore, BotStateStore } from '../store/store';
import type { Actor } from './accessPolicy';

/** Where the settings live in the store's key-value state (the key predates this module: keep it). */
export const CONSOLE_SETTINGS_KEY = 'console/settings';

/**
 * Settings supervisors change from the console (the service levels the inbox measures waits against). Shapes and
 * defaults belong to the console protocol (agent-console/server/inboxProtocol.ts); this keeps them and audits
 * every change.
 */
export class ConsoleSettings {
  constructor(private readonly store: BotStateStore & AuditStore) {}

  /** The service levels as last saved, or undefined when nobody changed them. */
  async savedServiceLevels<L extends object>(): Promise<Partial<L> | undefined> {
    return (await this.store.readState([CONSOLE_SETTINGS_KEY]))[CONSOLE_SETTINGS_KEY]?.value.serviceLevels as Partial<L> | undefined;
  }

  async setServiceLevels(serviceLevels: object, actor: Actor): Promise<void> {
    await this.store.writeState(CONSOLE_SETTINGS_KEY, { serviceLevels });
    await this.store.appendAudit({
      actorId: actor.id,
      action: 'console.settings',
      targetType: 'settings',
      targetId: CONSOLE_SETTINGS_KEY,
      data: { ...serviceLevels },
    });
  }
}
