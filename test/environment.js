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

class CrmTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.crmWorkerRecognizer = workerRecognizer;
  }
}

module.exports = CrmTestEnvironment;
