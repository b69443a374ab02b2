// Jest's transform for the TypeScript sources: esbuild, as the child processes' hook (integration/helpers/registerTs.js)
// with the same options. Type checking is `tsc --noEmit` in `npm test`, and tsconfig has isolatedModules, so a
// per-file transpile is all jest needs; ts-jest spent seconds of CPU per worker building a TypeScript program for it.
const crypto = require('crypto');
const fs = require('fs');
const esbuild = require('esbuild');

const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'es2022',
  sourcemap: 'external',
  // tsc (module CommonJS) turns import() into require(); a real import() would load the .ts file as ESM.
  supported: { 'dynamic-import': false },
  // As tsc (target ES2022) emits class fields; esModuleInterop's default-import reading is esbuild's own.
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
};

const SELF = crypto.createHash('sha1').update(fs.readFileSync(__filename)).update(require('esbuild/package.json').version).digest('hex');

module.exports = {
  process(src, filename) {
    const { code, map } = esbuild.transformSync(src, { ...OPTIONS, sourcefile: filename });
    return { code, map };
  },
  getCacheKey(src, filename) {
    return crypto.createHash('sha1').update(SELF).update('\0').update(filename).update('\0').update(src).digest('hex');
  },
};
