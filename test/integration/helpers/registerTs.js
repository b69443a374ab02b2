// Lets a child process run the TypeScript sources directly (transpile only, like the jest transform).
const ts = require('typescript');
require.extensions['.ts'] = function (module, filename) {
  const src = require('fs').readFileSync(filename, 'utf8');
  const out = ts.transpileModule(src, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(out.outputText, filename);
};
