import mongoose from 'mongoose';
import { AppError } from '../../core/errors';
import type { MongoModels } from '../../models/mongoSchemas';
import { noFaults, type FaultHook, type FaultPoint } from '../faults';

/** Our own operators in a filter, marked as such: sanitizeFilter neutralizes every other `$` key. */
export const t = mongoose.trusted;

export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}

export function duplicateOn(err: unknown, field: string): boolean {
  const e = err as { keyPattern?: Record<string, unknown>; message?: string };
  return isDuplicateKey(err) && (e.keyPattern ? field in e.keyPattern : String(e.message).includes(field));
}

/** What every part of the MongoDB engine shares: the models, error mapping, the fault hook. */
export class MongoContext {
  constructor(
    readonly m: MongoModels,
    private readonly faults: FaultHook = noFaults,
  ) {}

  fault(point: FaultPoint): void {
    this.faults(point);
  }

  /** Driver and mongoose errors become coded store errors. */
  async wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (isDuplicateKey(err)) throw new AppError('STORE_CONFLICT', undefined, { cause: err });
      const name = (err as Error)?.name ?? '';
      if (name === 'MongooseError' && /not allowed with sanitizeFilter/.test((err as Error).message)) {
        throw new AppError('STORE_INVALID_QUERY', (err as Error).message, { cause: err });
      }
      throw new AppError('STORE_UNAVAILABLE', (err as Error)?.message, { cause: err });
    }
  }
}
