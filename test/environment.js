// Jest's node environment, plus what a jest worker keeps across its test files. Jest loads this module once per
// worker (each test file gets a new instance of the class, and a new module registry), so what it holds here lives
// as long as the worker: the recognizer trained on the shipped corpus, loaded once per worker instead of once per
// test file (1-2 s each, ~100 files). It is loaded outside the test files' registries, with its own node-nlp, so
// no test's training (which node-nlp's shared language profiles remember) can reach it. It is only read after
// loading: a corpus change retrains into a new recognizer (nlu/corpusAdditions.ts), never this one.
const path = require('path');
const { TestEnvironment } = require('jest-environment-node');

let recognizer;

function workerRecognizer() {
  if (!recognizer) {
    require('./integration/helpers/registerTs');
    recognizer = require(path.join(__dirname, 'helpers', 'sharedRecognizer.ts')).sharedRecognizer();
  }
  return recognizer;
}

// zxcvbn (auth/passwordPolicy.ts): its language packs, loaded once per worker, and its factory, built once per worker
// for a given set of options. The test files get these through jest.config.js's moduleNameMapper (test/sharedZxcvbn).
// A factory is reused only for options whose every part is the same object as the first's, so it is the factory the
// product would have built; anything else gets a new one.
let zxcvbn;
const sameKeysAndValues = (a, b) => a === b || (!!a && !!b && Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]));
const sameOptions = (a, b) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => (k === 'dictionary' ? sameKeysAndValues(a[k], b[k]) : a[k] === b[k]));

function workerZxcvbn() {
  if (!zxcvbn) {
    const real = require('@zxcvbn-ts/core');
    const built = [];
    // Returned from a constructor: `new ZxcvbnFactory(options)` in a test file gives the shared instance.
    function ZxcvbnFactory(options = {}, customMatchers = {}) {
      if (Object.keys(customMatchers).length > 0) return new real.ZxcvbnFactory(options, customMatchers);
      let made = built.find((b) => sameOptions(b.options, options));
      if (!made) built.push((made = { options: { ...options }, factory: new real.ZxcvbnFactory(options) }));
      return made.factory;
    }
    ZxcvbnFactory.prototype = real.ZxcvbnFactory.prototype;
    zxcvbn = {
      core: { ...real, ZxcvbnFactory },
      common: require('@zxcvbn-ts/language-common'),
      en: require('@zxcvbn-ts/language-en'),
    };
  }
  return zxcvbn;
}

class CrmTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.crmWorkerRecognizer = workerRecognizer;
    this.global.crmWorkerZxcvbn = workerZxcvbn;
  }
}

module.exports = CrmTestEnvironment;
