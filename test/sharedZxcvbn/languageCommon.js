// @zxcvbn-ts/language-common, loaded once per jest worker (see core.js beside this).
module.exports = globalThis.crmWorkerZxcvbn().common;
