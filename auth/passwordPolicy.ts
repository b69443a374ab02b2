import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { AppError } from '../core/errors';

/** zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash scenario" (≥ 10^8 guesses). */
const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
/** Built on first use: the dictionaries take a few hundred milliseconds to load. */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations });
  return estimator;
}

/**
 * Staff passwords: at least `minLength` characters and hard to guess by a strength estimator that knows common
 * passwords, names, keyboard patterns, sequences and the account's own e-mail and name (zxcvbn). Throws
 * AUTH_PASSWORD_WEAK with the estimator's advice.
 */
export function checkPassword(password: string, rules: { minLength: number; userInputs?: string[] }): void {
  if ([...password].length < rules.minLength) throw new AppError('AUTH_PASSWORD_WEAK', `passwords have at least ${rules.minLength} characters`);
  // The estimator's cost grows with length; past 100 characters a password is long enough by itself.
  const r = zxcvbn().check(
    password.slice(0, 100),
    rules.userInputs?.flatMap((s) => [s, ...s.split(/[@.\s]+/)]).filter((s) => s.length >= 3),
  );
  if (r.score < MIN_SCORE) {
    const advice = [r.feedback.warning, ...r.feedback.suggestions].filter(Boolean).join(' ');
    throw new AppError('AUTH_PASSWORD_WEAK', `this password is too easy to guess${advice ? `: ${advice}` : ''}`);
  }
}
