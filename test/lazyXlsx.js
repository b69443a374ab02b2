// xlsx, loaded on first use. node-nlp requires it at start (for its Excel corpus reader, which this project never
// calls): ~0.3 s of CPU in every test file that loads the NLU, ~150 of them. The real module answers every access.
const path = require('path');

const REAL = path.join(path.dirname(require.resolve('xlsx/package.json')), 'xlsx.js');
let real;
const load = () => (real ??= require(REAL));

module.exports = new Proxy(
  {},
  {
    get: (_, key) => load()[key],
    has: (_, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Object.getOwnPropertyDescriptor(load(), key);
      return d && { ...d, configurable: true };
    },
  },
);
