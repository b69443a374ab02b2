import { AppError } from '../core/errors';

/** Splits and decodes a compact JWT without verifying it; callers verify the signature with parts[0..1]. */
export function decodeJwt(
  token: unknown,
  what: string,
): { header: { alg?: string; kid?: string }; claims: Record<string, unknown>; parts: [string, string, string] } {
  if (typeof token !== 'string') throw new AppError('AUTH_REQUIRED');
  const parts = token.split('.');
  if (parts.length !== 3) throw new AppError('AUTH_INVALID', `${what} is not a JWT`);
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as { alg?: string; kid?: string },
      claims: JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as Record<string, unknown>,
      parts: parts as [string, string, string],
    };
  } catch {
    throw new AppError('AUTH_INVALID', `${what} is not a JWT`);
  }
}
