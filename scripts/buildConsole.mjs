// Bundles the agent console (agent-console/web, TypeScript) into dist/console with esbuild.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'console');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'agent-console', 'web', 'main.ts')],
  bundle: true,
  outfile: join(out, 'app.js'),
  format: 'iife',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
for (const f of ['index.html', 'app.css']) copyFileSync(join(root, 'agent-console', 'web', f), join(out, f));
console.log('console bundle written to dist/console');
