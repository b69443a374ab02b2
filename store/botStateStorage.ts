import type { Storage, StoreItems } from 'botbuilder';
import { AppError } from '../core/errors';
import type { StateEntry } from '../models/records';
import type { BotStateStore, WriteOptions } from './store';

/**
 * botbuilder's Storage over our key-value state, so dialog state survives a restart and is shared by every
 * instance. eTags follow botbuilder's MemoryStorage rules: '*' or no eTag overwrites; a stale eTag fails.
 * `writeOptions.deferSync` is for state only ever saved inside a bot turn that awaits the store's sync() before
 * it answers (SupportBot does).
 */
export class BotStateStorage implements Storage {
  /** Entries a bot turn already read (store.readTurn), each served once to the read that follows. */
  private readonly primed = new Map<string, StateEntry | null>();

  constructor(
    private readonly store: BotStateStore,
    private readonly writeOptions: WriteOptions = {},
  ) {}

  /**
   * Hands the next read of `key` what the turn just read with its other reads (null: no such entry), so loading
   * the dialog state costs no round trip of its own. Call it right before loading the state (BotState.load).
   */
  prime(key: string, entry: StateEntry | undefined): void {
    this.primed.set(key, entry ?? null);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    const rest: string[] = [];
    for (const key of keys) {
      const entry = this.primed.get(key);
      if (entry === undefined) rest.push(key);
      else {
        this.primed.delete(key);
        if (entry) items[key] = { ...entry.value, eTag: entry.etag };
      }
    }
    if (rest.length) {
      const found = await this.store.readState(rest);
      for (const [key, entry] of Object.entries(found)) items[key] = { ...entry.value, eTag: entry.etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      this.primed.delete(key);
      const { eTag, ...value } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      try {
        const next = await this.store.writeState(key, value, typeof eTag === 'string' ? eTag : undefined, this.writeOptions);
        // botbuilder's state accessors keep using the object they wrote; give it the new eTag.
        if (item && typeof item === 'object') (item as { eTag?: string }).eTag = next;
      } catch (err) {
        if (err instanceof AppError && err.code === 'STORE_ETAG_CONFLICT') {
          throw new AppError('STORE_ETAG_CONFLICT', `Storage: error writing "${key}" due to eTag conflict.`, { cause: err });
        }
        throw err;
      }
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.primed.delete(key);
    await this.store.deleteState(keys);
  }
}
