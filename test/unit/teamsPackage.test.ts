import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTeamsPackage } from '../../teams/packageTeams';

test('the Teams package is a zip with the filled manifest and both icons', () => {
  const zip = buildTeamsPackage('aaaaaaaa-0000-0000-0000-000000000001', 'https://support.example.com');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teams-'));
  const file = path.join(dir, 'app.zip');
  fs.writeFileSync(file, zip);
  // Python's zipfile verifies every CRC: an independent reader of what we wrote.
  const listing = execFileSync(
    'python3',
    [
      '-c',
      'import sys,zipfile,json; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps({"names": z.namelist(), "manifest": json.loads(z.read("manifest.json"))}))',
      file,
    ],
    { encoding: 'utf8' },
  );
  const { names, manifest } = JSON.parse(listing) as {
    names: string[];
    manifest: { id: string; staticTabs: { contentUrl: string }[]; webApplicationInfo: { resource: string } };
  };
  expect(names).toEqual(['manifest.json', 'color.png', 'outline.png']);
  expect(manifest.id).toBe('aaaaaaaa-0000-0000-0000-000000000001');
  expect(manifest.staticTabs[0].contentUrl).toBe('https://support.example.com/console?inTeams=1');
  expect(manifest.webApplicationInfo.resource).toBe('api://support.example.com/aaaaaaaa-0000-0000-0000-000000000001');
  expect(JSON.stringify(manifest)).not.toContain('{{');
  fs.rmSync(dir, { recursive: true, force: true });
});
