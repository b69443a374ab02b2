import type { Storage, StoreItems } from 'botbuilder';
import { AppError } from '../core/errors';
import type { Store, WriteOptions } from './store';

/**
 * botbuilder's Storage over our Store, so dialog state survives a restart and is shared by every
 * instance. eTags follow botbuilder's MemoryStorage rules: '*' or no eTag overwrites; a stale eTag fails.
 * `writeOptions.deferSync` is for state only ever saved inside a bot turn that awaits the store's sync() before
 * it answers (SupportBot does).
 */
export class BotStateStorage implements Storage {
  constructor(
    private readonly store: Store,
    private readonly writeOptions: WriteOptions = {},
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    const found = await this.store.readState(keys);
    const items: StoreItems = {};
    for (const [key, entry] of Object.entries(found)) items[key] = { ...entry.value, eTag: entry.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
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
    await this.store.deleteState(keys);
  }
}
