import type { Store } from './store';

/** A store whose method calls are recorded by name, in order. */
export interface CountedStore<S extends Store> {
  readonly store: S;
  /** Every call since the last reset, by method name. */
  readonly calls: string[];
  /** Empties the record and returns what it held. */
  reset(): string[];
}

/**
 * Store round trips are measured by counting the calls made to the store: each goes to the database once (an
 * embedded query, or a request to MongoDB; the few MongoDB methods that need two requests say so in their comments),
 * except `sync()`, which waits for a flush and sends nothing (MongoDB: nothing at all). Used by the round-trip test
 * of a bot turn (test/integration/storeRoundTrips.test.ts) and by `npm run bench`.
 */
export function countingStore<S extends Store>(store: S): CountedStore<S> {
  const calls: string[] = [];
  const counted = new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string' || prop === 'constructor') return value;
      return (...args: unknown[]) => {
        calls.push(prop);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store: counted,
    calls,
    reset: () => calls.splice(0, calls.length),
  };
}

/** The calls that are round trips (all but sync()). */
export function roundTrips(calls: readonly string[]): number {
  return calls.filter((c) => c !== 'sync').length;
}
