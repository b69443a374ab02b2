import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AuthService } from '../auth/authService';
import { TeamsLinks } from '../auth/teamsLinks';
import { loadConfig } from '../core/config';
import { isAppError } from '../core/errors';
import { createStore } from '../store/createStore';
import type { UserRole } from '../models/records';

/**
 * `npm run users -- add --email a@b.com --name "A B" --role agent [--skills orders,billing] [--languages en,es] [--capacity 3] [--password …]`
 * `npm run users -- list`
 * `npm run users -- update --email a@b.com [--role supervisor] [--skills …] [--languages …] [--capacity …]`
 * `npm run users -- link-teams --email a@b.com --tenant <tenant id> --object-id <object id>` (and `unlink-teams`):
 *   binds the staff account to one Entra ID account for Teams sign-in.
 * Works on the store named by DATABASE_URL, like the service.
 */
const USAGE =
  'usage: users add --email E --name N --role agent|supervisor|admin [--skills a,b] [--languages en,es] [--capacity 3] [--password P]\n       users list\n       users update --email E [--role R] [--skills a,b] [--languages en,es] [--capacity N]\n       users link-teams --email E --tenant TENANT_ID --object-id OBJECT_ID\n       users unlink-teams --email E --tenant TENANT_ID --object-id OBJECT_ID\n';

const OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  skills: { type: 'string' },
  languages: { type: 'string' },
  capacity: { type: 'string' },
  password: { type: 'string' },
  tenant: { type: 'string' },
  'object-id': { type: 'string' },
} as const;

const ROLES: UserRole[] = ['agent', 'supervisor', 'admin'];
const list = (v?: string) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

export async function runUsersCli(argv: string[], env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  let o: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    // Unknown flags, a flag without its value and stray words are refused before the store is opened.
    o = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    out(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(env);
  const store = createStore(config.store);
  await store.init();
  const auth = new AuthService(store, config.session.secret, config.session.ttlSeconds, Date.now, { passwordMinLength: config.passwordMinLength });
  try {
    if (command === 'list') {
      for (const u of await store.listUsers())
        out(`${u.email}\t${u.role}\t${u.name}\tskills=${u.skills.join(',')}\tlanguages=${u.languages.join(',')}\tcapacity=${u.capacity}\n`);
      return 0;
    }
    if (command === 'add') {
      const role = o.role as UserRole;
      if (!o.email || !o.name || !ROLES.includes(role)) return (out(USAGE), 2);
      const password = o.password || randomBytes(12).toString('base64url');
      const capacity = o.capacity ? Number(o.capacity) : undefined;
      if (capacity !== undefined && (!Number.isInteger(capacity) || capacity < 0)) return (out('capacity must be a whole number\n'), 2);
      const u = await auth.createUser({ email: o.email, name: o.name, role, password, skills: list(o.skills), languages: list(o.languages), capacity }, 'cli');
      out(`added ${u.email} (${u.role})${o.password ? '' : `; password: ${password}`}\n`);
      return 0;
    }
    if (command === 'update') {
      const u = o.email ? await store.getUserByEmail(o.email) : null;
      if (!u) return (out('no such user\n'), 2);
      if (o.role && !ROLES.includes(o.role as UserRole)) return (out(USAGE), 2);
      const updated = await store.updateUser(u.id, {
        ...(o.role ? { role: o.role as UserRole } : {}),
        ...(o.skills !== undefined ? { skills: list(o.skills) ?? [] } : {}),
        ...(o.languages !== undefined ? { languages: list(o.languages) ?? [] } : {}),
        ...(o.capacity !== undefined ? { capacity: Number(o.capacity) } : {}),
      });
      if (o.role && o.role !== u.role)
        await store.appendAudit({ actorId: 'cli', action: 'user.role_change', targetType: 'user', targetId: u.id, data: { from: u.role, to: o.role } });
      out(`updated ${updated!.email} (${updated!.role})\n`);
      return 0;
    }
    if (command === 'link-teams' || command === 'unlink-teams') {
      const u = o.email ? await store.getUserByEmail(o.email) : null;
      if (!u) return (out('no such user\n'), 2);
      if (!o.tenant || !o['object-id']) return (out(USAGE), 2);
      const identity = TeamsLinks.parse(o.tenant, o['object-id']);
      const links = new TeamsLinks(store);
      if (command === 'link-teams') await links.link(u.id, identity, 'cli');
      else await links.unlink(u.id, identity, 'cli');
      out(
        `${command === 'link-teams' ? 'linked' : 'unlinked'} ${u.email} ${command === 'link-teams' ? 'to' : 'from'} Teams account ${identity.objectId} of tenant ${identity.tenantId}\n`,
      );
      return 0;
    }
    out(USAGE);
    return 2;
  } catch (err) {
    out(`${isAppError(err) ? `${err.code}: ${err.message}` : String(err)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  void runUsersCli(process.argv.slice(2), process.env, (s) => process.stdout.write(s)).then((code) => process.exit(code));
}
