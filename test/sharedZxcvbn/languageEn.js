// @zxcvbn-ts/language-en, loaded once per jest worker (see core.js beside this).
module.exports = globalThis.crmWorkerZxcvbn().en;
