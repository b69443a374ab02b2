import { AppError, ErrorCatalogue, toAppError } from '../../core/errors';

describe('error catalogue', () => {
  test('codes are unique, upper snake case, and map to HTTP statuses', () => {
    const codes = Object.keys(ErrorCatalogue);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [code, def] of Object.entries(ErrorCatalogue)) {
      expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
      expect(def.status).toBeGreaterThanOrEqual(400);
      expect(def.status).toBeLessThan(600);
      expect(def.message.length).toBeGreaterThan(0);
    }
  });

  test('AppError keeps code, status and cause; anything else normalizes to INTERNAL', () => {
    const cause = new Error('disk');
    const e = new AppError('STORE_UNAVAILABLE', undefined, { cause });
    expect(e).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503, cause });
    expect(e.toJSON()).toEqual({ code: 'STORE_UNAVAILABLE', message: ErrorCatalogue.STORE_UNAVAILABLE.message });
    expect(toAppError(cause)).toMatchObject({ code: 'INTERNAL', status: 500, cause });
    expect(toAppError(e)).toBe(e);
  });
});
