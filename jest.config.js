/** Test tiers live in folders; README lists them. Type checking is done once by `tsc --noEmit` in `npm test`. */
module.exports = {
  // Node's, keeping the trained recognizer across a worker's test files (see the file).
  testEnvironment: '<rootDir>/test/environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // esbuild, per file (tsconfig has isolatedModules; `tsc --noEmit` type-checks): ts-jest built a TypeScript program
  // in every worker, seconds of CPU on a fresh clone.
  transform: { '^.+\\.ts$': '<rootDir>/test/esbuildTransform.js' },
  // node-nlp requires xlsx at start for a reader never called here: loaded on first use instead (see the file).
  // zxcvbn's language packs and its factory: once per worker instead of once per test file (see test/environment.js).
  moduleNameMapper: {
    '^xlsx$': '<rootDir>/test/lazyXlsx.js',
    '^@zxcvbn-ts/core$': '<rootDir>/test/sharedZxcvbn/core.js',
    '^@zxcvbn-ts/language-common$': '<rootDir>/test/sharedZxcvbn/languageCommon.js',
    '^@zxcvbn-ts/language-en$': '<rootDir>/test/sharedZxcvbn/languageEn.js',
  },
  testTimeout: 60000,
  maxWorkers: 2,
  // Says loudly when the MongoDB contract run is skipped (jest hides console output of all-skipped files).
  globalSetup: '<rootDir>/test/globalSetup.ts',
  globalTeardown: '<rootDir>/test/skippedNotice.ts',
};
