import { ConversationState, type Storage, type TurnContext } from 'botbuilder';

interface Cached {
  state: Record<string, unknown>;
  /** The state as last loaded or saved, as JSON ('' forces the next save). */
  json: string;
}

/** The state as the store keeps it: JSON, without the eTag (botbuilder's calculateChangeHash leaves it out too). */
function serialized(state: Record<string, unknown>): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}

/**
 * botbuilder's ConversationState with a cheaper change check. Upstream hashes the state three times a turn (on load,
 * before a save and after it), each a replacer-driven stringify and a SHA-256: about 4 % of a turn's CPU at
 * saturation. Here the check compares the state's JSON with the JSON it had when loaded or saved, which is also
 * exactly what the store would write (BotStateStorage keeps JSON), so "unchanged" means "nothing to write".
 * Same contract otherwise: load caches per turn, saveChanges writes only a changed state (or when forced), clear and
 * delete as upstream.
 */
export class TurnConversationState extends ConversationState {
  private readonly cacheKey = Symbol('conversationState');

  constructor(storage: Storage, namespace = '') {
    super(storage, namespace);
  }

  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    const cached = context.turnState.get<Cached | undefined>(this.cacheKey);
    if (!force && cached?.state) return cached.state;
    const key = await this.storageKey(context);
    const items = await this.storage.read([key]);
    const state = (items[key] as Record<string, unknown> | undefined) ?? {};
    context.turnState.set(this.cacheKey, { state, json: serialized(state) });
    return state;
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    let cached = context.turnState.get<Cached | undefined>(this.cacheKey);
    const json = cached ? serialized(cached.state) : '{}';
    if (!force && (!cached || cached.json === json)) return;
    const key = await this.storageKey(context);
    cached ??= { state: {}, json: '' };
    cached.state.eTag = '*';
    await this.storage.write({ [key]: cached.state });
    // The write changes only the eTag, which the JSON leaves out: what was written is what was just serialized.
    cached.json = json;
    context.turnState.set(this.cacheKey, cached);
  }

  override clear(context: TurnContext): Promise<void> {
    context.turnState.set(this.cacheKey, { state: {}, json: '' });
    return Promise.resolve();
  }

  override async delete(context: TurnContext): Promise<void> {
    if (context.turnState.has(this.cacheKey)) context.turnState.delete(this.cacheKey);
    await this.storage.delete([await this.storageKey(context)]);
  }

  override get(context: TurnContext): Record<string, unknown> | undefined {
    return context.turnState.get<Cached | undefined>(this.cacheKey)?.state;
  }
}
