import fs from 'node:fs';
import path from 'node:path';

/**
 * The layer list of README's architecture section, lowest first. A module may import its own folder, any folder
 * of a lower layer, and its own layer's siblings; never a higher layer.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['models', 'locale'],
  ['core'],
  ['store', 'cluster'],
  ['nlu', 'auth', 'commerce'],
  ['handoff', 'profile', 'review'],
  ['dialogs'],
  ['bot'],
  ['api', 'agent-console'],
  ['app', 'bench', 'teams'],
];
const ROOT = path.join(__dirname, '..', '..');
const rank = (folder: string) => LAYERS.findIndex((l) => l.includes(folder));

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.(ts|tsx)$/.test(e.name) ? [rel] : [];
  });
}

describe('layers', () => {
  const folders = LAYERS.flat();

  it('lists every top-level source folder', () => {
    const onDisk = fs
      .readdirSync(ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !['node_modules', 'dist', 'data', 'test', 'scripts', 'docs', 'coverage'].includes(e.name) && !e.name.startsWith('.'))
      .filter((e) => sources(e.name).length > 0)
      .map((e) => e.name);
    expect(onDisk.filter((f) => !folders.includes(f))).toEqual([]);
  });

  it('no import runs from a lower layer to a higher one', () => {
    const upward: string[] = [];
    for (const folder of folders) {
      if (!fs.existsSync(path.join(ROOT, folder))) continue;
      for (const file of sources(folder)) {
        const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
        for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
          const target = path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), m[1])).split(path.sep)[0];
          if (target !== folder && rank(target) > rank(folder)) upward.push(`${file} -> ${m[1]}`);
        }
      }
    }
    expect(upward).toEqual([]);
  });
});
