// @zxcvbn-ts/core for the test files (jest.config.js maps it here): its ZxcvbnFactory built once per jest worker
// (test/environment.js). Building one ranks the dictionaries, ~0.7 s of CPU in every test file that creates an
// account (auth/passwordPolicy.ts builds it on first use, once per module registry). The factory is read-only after
// construction (a check ranks the user's inputs into a value of its own), and the shared one is made from the very
// same options: the same dictionary, graph and translation objects, given by the two language shims beside this.
module.exports = globalThis.crmWorkerZxcvbn().core;
