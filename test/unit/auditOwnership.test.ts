import fs from 'node:fs';
import path from 'node:path';

/**
 * Services, not HTTP or socket edges, write audit records (issue 14): a route or a socket handler calls a service
 * method, and the service records what happened. This scans the edges for every way of writing one.
 */
const ROOT = path.join(__dirname, '..', '..');
const EDGES = ['api', path.join('agent-console', 'server')];

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.(ts|tsx|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Every place in `text` that writes an audit record, as `line: what`. */
export function auditWrites(text: string): string[] {
  const line = (i: number) => text.slice(0, i).split('\n').length;
  return [
    ...text.matchAll(/\.\s*appendAudit\s*\(|\bINSERT\s+(OR\s+\w+\s+)?INTO\s+audit\b|\.Audit\s*\.\s*(create|insertMany|updateOne|bulkWrite|replaceOne)\s*\(/gi),
  ].map((m) => `${line(m.index)}: ${m[0]}`);
}

describe('only services write audit records', () => {
  test('the scan finds each way of writing one (it is not vacuous)', () => {
    expect(auditWrites(`await d.store.appendAudit({ actorId: ctx.user.id, action: 'segments.update' });`)).toHaveLength(1);
    expect(auditWrites(`await store\n  .appendAudit({ action: 'x' })`)).toHaveLength(1);
    expect(auditWrites(`db.prepare('insert into audit (id, at) values (?, ?)')`)).toHaveLength(1);
    expect(auditWrites(`await this.x.m.Audit.create({ _id: e.id })`)).toHaveLength(1);
    // What edges legitimately do: read the log, call a service that audits.
    expect(auditWrites(`res.json(await d.auditLog.page(filter, 100)); await d.profiles.setSegmentRules(rules, ctx.user.id);`)).toEqual([]);
  });

  test('no file in api/ or agent-console/server/ writes an audit record', () => {
    const files = EDGES.flatMap(sources);
    expect(files).toEqual(expect.arrayContaining([path.join('api', 'transcriptRoutes.ts'), path.join('agent-console', 'server', 'inboxGateway.ts')]));
    const offences = files.flatMap((file) => auditWrites(fs.readFileSync(path.join(ROOT, file), 'utf8')).map((w) => `${file}:${w}`));
    expect(offences).toEqual([]);
  });

  test('the services do write them (the scan would see them there)', () => {
    const services = ['review/reviewService.ts', 'review/auditLog.ts', 'review/consoleSettings.ts', 'profile/profileService.ts', 'auth/authService.ts'];
    for (const file of services)
      expect({ file, writes: auditWrites(fs.readFileSync(path.join(ROOT, file), 'utf8')).length > 0 }).toEqual({ file, writes: true });
  });
});
