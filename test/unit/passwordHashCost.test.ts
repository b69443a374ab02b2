import { DEFAULT_HASH_COST, dummyHash, hashPassword, verifyPassword } from '../../auth/passwords';
import { loadConfig } from '../../core/config';
import { isAppError } from '../../core/errors';

/** Problems loadConfig reports for an environment (none: it loaded). */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (!isAppError(err, 'CONFIG_INVALID')) throw err;
    return (err as { details: string[] }).details;
  }
}

describe('PASSWORD_HASH_COST', () => {
  test('defaults to 2^15, and new hashes say so', async () => {
    expect(loadConfig({}).passwordHashCost).toBe(15);
    expect(DEFAULT_HASH_COST).toBe(15);
    expect((await hashPassword('correct horse battery')).split('$').slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
  });

  test.each(['development', 'production'])('below 15 is refused with NODE_ENV=%s', (env) => {
    expect(problems({ NODE_ENV: env, PASSWORD_HASH_COST: '14' }).filter((p) => p.startsWith('PASSWORD_HASH_COST'))).toEqual([
      'PASSWORD_HASH_COST: at least 15 outside tests (NODE_ENV=test)',
    ]);
    expect(problems({ NODE_ENV: env, PASSWORD_HASH_COST: '10' }).filter((p) => p.startsWith('PASSWORD_HASH_COST'))).toHaveLength(1);
  });

  test('with NODE_ENV=test it goes down to 10, never below, and never past 17', () => {
    expect(loadConfig({ NODE_ENV: 'test', PASSWORD_HASH_COST: '10' }).passwordHashCost).toBe(10);
    expect(problems({ NODE_ENV: 'test', PASSWORD_HASH_COST: '9' }).some((p) => p.startsWith('PASSWORD_HASH_COST'))).toBe(true);
    expect(problems({ NODE_ENV: 'test', PASSWORD_HASH_COST: '18' }).some((p) => p.startsWith('PASSWORD_HASH_COST'))).toBe(true);
    expect(problems({ NODE_ENV: 'production', PASSWORD_HASH_COST: '16' }).some((p) => p.startsWith('PASSWORD_HASH_COST'))).toBe(false);
  });

  test('a hash keeps the cost it was made with: one made at 2^10 verifies, a wrong password does not', async () => {
    const cheap = await hashPassword('correct horse battery', 10);
    expect(cheap.split('$')[1]).toBe('1024');
    await expect(verifyPassword('correct horse battery', cheap)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', cheap)).resolves.toBe(false);
    await expect(hashPassword('correct horse battery', 9)).rejects.toThrow(RangeError);
  });

  test("an unknown account's dummy hash has the configured cost", () => {
    expect(dummyHash().split('$')[1]).toBe('32768');
    expect(dummyHash(10).split('$')[1]).toBe('1024');
  });
});
