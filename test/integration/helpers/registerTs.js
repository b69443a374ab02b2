// Lets a child process run the TypeScript sources directly (transpile only, like the jest transform). esbuild,
// not TypeScript's transpileModule: an app process loads a few hundred files, and TypeScript spent ~7 s of CPU on
// them at every spawn. Each output is also kept in the temp dir under the hash of its source, so the many
// processes the tests start transpile a file once between them.
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'es2022',
  // tsc (module CommonJS) turns import() into require(); a real import() would load the .ts file as ESM.
  supported: { 'dynamic-import': false },
  // As tsc (target ES2022) emits class fields; esModuleInterop's default-import reading is esbuild's own.
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
};

const cacheDir = path.join(os.tmpdir(), `crm-test-ts-${require('esbuild/package.json').version}`);
let esbuild;

function transpile(src, filename) {
  const key = crypto.createHash('sha1').update(filename).update('\0').update(src).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // not transpiled yet
  }
  esbuild ??= require('esbuild');
  const code = esbuild.transformSync(src, { ...OPTIONS, sourcefile: filename }).code;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    // Written aside, then renamed: a process reading at the same time sees the whole file or none.
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  } catch {
    // a cache that cannot be written only costs speed
  }
  return code;
}

require.extensions['.ts'] = function (module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
