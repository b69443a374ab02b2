/**
 * PASSWORD_HASH_COST for the accounts tests create: scrypt at 2^10 instead of 2^15 (hundreds of accounts and sign-ins
 * in a run, ~100 ms of CPU each at the real cost). The configuration takes it with NODE_ENV=test only; tests of the
 * hash and of that rule set their own.
 */
export const TEST_PASSWORD_HASH_COST = '10';
