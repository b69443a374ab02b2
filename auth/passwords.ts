import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { PASSWORD_HASH_COST } from '../core/configSchema';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

// scrypt is memory-hard: N=2^15, r=8 uses 32 MiB per hash, which makes GPU guessing expensive.
const R = 8;
const P = 1;
const KEY_LEN = 32;
/** log2 of scrypt's N (PASSWORD_HASH_COST): below 15 only in tests, which core/config.ts checks. */
export const DEFAULT_HASH_COST = PASSWORD_HASH_COST.default;

const maxmem = (n: number) => 2 * 128 * R * n;

export async function hashPassword(password: string, cost: number = DEFAULT_HASH_COST): Promise<string> {
  if (!Number.isInteger(cost) || cost < PASSWORD_HASH_COST.minInTests || cost > PASSWORD_HASH_COST.max)
    throw new RangeError(`password hash cost ${cost} is out of range`);
  const N = 2 ** cost;
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LEN, { N, r: R, p: P, maxmem: maxmem(N) });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A hash of nothing at this cost: verified against when an account is unknown, so it takes as long as a real one. */
export function dummyHash(cost: number = DEFAULT_HASH_COST): string {
  return `scrypt$${2 ** cost}$${R}$${P}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, key] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: Math.max(64 * 1024 * 1024, maxmem(Number(n))),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
