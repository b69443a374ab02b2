import type { z } from 'zod';
import { AppError, toAppError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { User } from '../../models/records';

/** What an ack waits for: the store's sync(), which also waits for outbox writes under way. */
export interface DurableStore {
  sync(): Promise<void>;
}

/**
 * The result of a request, once everything it wrote is durable: a transition's webhook event is written as the
 * change is emitted, one group commit (SQLite) or one round trip (MongoDB) after the change itself, and a crash
 * between an ack and that write would lose the notification (docs/adr/0006). Costs nothing when nothing is pending.
 */
export async function durable<T>(store: DurableStore, result: Promise<T>): Promise<T> {
  const data = await result;
  await store.sync();
  return data;
}

/**
 * One request handler of a socket protocol table (the inbox's, the live collaboration's): validates the payload
 * against its schema, loads the caller fresh (a deleted account is refused at once) and acks a coded result once
 * what it wrote is durable (`durable`), like the gateway's own handlers. A refusal is logged as such; a failure
 * (5xx) as an error.
 */
export function ackedHandler<P>(
  socket: { data: { userId: string }; on(event: string, listener: (payload: unknown, ack: unknown) => Promise<void>): unknown },
  d: { store: DurableStore & { getUser(id: string): Promise<User | null> }; log: Logger },
  kind: string,
  name: string,
  schema: z.ZodType<P>,
  fn: (user: User, payload: P) => Promise<unknown>,
): void {
  socket.on(name, async (payload: unknown, ack: unknown): Promise<void> => {
    const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
    try {
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success)
        throw new AppError('VALIDATION_FAILED', `${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`);
      const user = await d.store.getUser(socket.data.userId);
      if (!user) throw new AppError('AUTH_INVALID');
      reply({ ok: true, data: await durable(d.store, fn(user, parsed.data)) });
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) d.log.error({ err: e.cause ?? e, event: name }, `${kind} handler failed`);
      else d.log.info({ code: e.code, event: name }, `${kind} request refused`);
      reply({ ok: false, error: { code: e.code, message: e.message } });
    }
  });
}
