import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadConfig } from '../core/config';

/**
 * `npm run teams:package`: fills teams/manifest.json with TEAMS_APP_ID and PUBLIC_URL and writes
 * dist/teams-app.zip (manifest + icons) to upload in Teams. A plain ZIP writer, to need no extra package.
 */
function crc32(buf: Buffer): number {
  return zlib.crc32(buf);
}

export function zip(files: { name: string; data: Buffer }[]): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name);
    const deflated = zlib.deflateRawSync(f.data);
    const crc = crc32(f.data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0, 6);
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt32LE(0, 10);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(deflated.length, 18);
    header.writeUInt32LE(f.data.length, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    local.push(header, name, deflated);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(0, 12);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(deflated.length, 20);
    c.writeUInt32LE(f.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += header.length + name.length + deflated.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

export function buildTeamsPackage(
  appId: string,
  publicUrl: string,
  dir = [path.join(__dirname), path.join(__dirname, '..', '..', 'teams')].find((d) => fs.existsSync(path.join(d, 'manifest.json')))!,
): Buffer {
  const host = new URL(publicUrl).host;
  const manifest = fs
    .readFileSync(path.join(dir, 'manifest.json'), 'utf8')
    .replace(/\{\{TEAMS_APP_ID\}\}/g, appId)
    .replace(/\{\{PUBLIC_URL\}\}/g, publicUrl.replace(/\/$/, ''))
    .replace(/\{\{PUBLIC_HOST\}\}/g, host);
  JSON.parse(manifest); // refuse to package a broken manifest
  return zip([
    { name: 'manifest.json', data: Buffer.from(manifest) },
    { name: 'color.png', data: fs.readFileSync(path.join(dir, 'color.png')) },
    { name: 'outline.png', data: fs.readFileSync(path.join(dir, 'outline.png')) },
  ]);
}

if (require.main === module) {
  // The config module is the one reader of the environment.
  const config = loadConfig();
  if (!config.teams || !config.publicUrl) {
    process.stderr.write('Set TEAMS_APP_ID (the Entra app id of the tab) and PUBLIC_URL (https://your-host) first.\n');
    process.exit(2);
  }
  const out = path.join(__dirname, '..', 'teams-app.zip');
  fs.writeFileSync(out, buildTeamsPackage(config.teams.appId, config.publicUrl));
  process.stdout.write(`wrote ${out}\n`);
}
