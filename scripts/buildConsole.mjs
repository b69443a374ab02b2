// Bundles the agent console (agent-console/web: Preact and TypeScript) into dist/console with esbuild.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'console');
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: [join(root, 'agent-console', 'web', 'main.tsx')],
  bundle: true,
  outfile: join(out, 'app.js'),
  format: 'iife',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});
// The browser shares the server's wire types only (agent-console/server/protocol.ts, api/wire.ts, models/): a value
// import of a server module would pull it in.
const SERVER = /node_modules\/zod\/|agent-console\/server\/|^(core|store|handoff|api|auth|review|profile|nlu|commerce|dialogs|bot|app)\//;
const serverCode = Object.keys(result.metafile.inputs).filter((f) => SERVER.test(f));
if (serverCode.length) {
  console.error(`the console bundle must not contain server code, found: ${serverCode.join(', ')}`);
  process.exit(1);
}
for (const f of ['index.html', 'app.css']) copyFileSync(join(root, 'agent-console', 'web', f), join(out, f));
console.log(
  `console bundle written to dist/console (${Math.round(result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => k.endsWith('app.js'))].bytes / 1024)} KB)`,
);
