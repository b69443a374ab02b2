import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AuthService } from '../auth/authService';
import { TeamsLinks } from '../auth/teamsLinks';
import { loadConfig } from '../core/config';
import { isAppError } from '../core/errors';
import { REPLY_LANGUAGES } from '../locale/replies';
import { createStore } from '../store/createStore';
import type { UserPatch, UserRole } from '../models/records';
import { checkPassword } from '../auth/passwordPolicy';
import { hashPassword } from '../auth/passwords';

/**
 * `npm run users -- add --email a@b.com --name "A B" --role agent [--skills orders,billing] [--languages en,es] [--capacity 3] [--password …]`
 * `npm run users -- list`
 * `npm run users -- update --email a@b.com [--role supervisor] [--skills …] [--languages …] [--capacity …] [--password …]`:
 *   a new password or role signs the account out everywhere; every change is audited (never the password itself).
 * `npm run users -- disable --email a@b.com` (and `enable`): no sign-in, sessions and open consoles ended (within
 *   CONSOLE_SESSION_CHECK_SECONDS on running instances); the account and what it wrote stay for the transcripts.
 * `npm run users -- link-teams --email a@b.com --tenant <tenant id> --object-id <object id>` (and `unlink-teams`):
 *   binds the staff account to one Entra ID account for Teams sign-in.
 * Works on the store named by DATABASE_URL, like the service.
 */
const USAGE =
  'usage: users add --email E --name N --role agent|supervisor|admin [--skills a,b] [--languages en,es] [--capacity 3] [--password P]\n       users list\n       users update --email E [--role R] [--skills a,b] [--languages en,es] [--capacity N] [--password P]\n       users disable --email E\n       users enable --email E\n       users link-teams --email E --tenant TENANT_ID --object-id OBJECT_ID\n       users unlink-teams --email E --tenant TENANT_ID --object-id OBJECT_ID\n';

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
/** Concurrent chats one person can follow; 0 takes none (a supervisor who only watches). */
const MAX_CAPACITY = 50;

/** The role, languages and capacity given, checked: a problem in a sentence, or the values. */
function checkFields(o: { role?: string; languages?: string; capacity?: string }): string | { role?: UserRole; languages?: string[]; capacity?: number } {
  if (o.role !== undefined && !ROLES.includes(o.role as UserRole)) return `unknown role "${o.role}": one of ${ROLES.join(', ')}`;
  const languages = o.languages !== undefined ? (list(o.languages) ?? []) : undefined;
  const unknown = languages?.filter((l) => !(REPLY_LANGUAGES as readonly string[]).includes(l));
  if (languages && (unknown!.length || !languages.length))
    return `languages must be a comma-separated list of ${REPLY_LANGUAGES.join(', ')}${unknown!.length ? ` (not ${unknown!.join(', ')})` : ''}`;
  const capacity = o.capacity !== undefined ? Number(o.capacity) : undefined;
  if (capacity !== undefined && (!/^\d+$/.test(o.capacity!.trim()) || capacity > MAX_CAPACITY))
    return `capacity must be a whole number from 0 to ${MAX_CAPACITY} (chats at once), not "${o.capacity}"`;
  return { role: o.role as UserRole | undefined, languages, capacity };
}
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
  const auth = new AuthService(store, config.session.secret, config.session.ttlSeconds, Date.now, {
    passwordMinLength: config.passwordMinLength,
    passwordHashCost: config.passwordHashCost,
  });
  try {
    if (command === 'list') {
      for (const u of await store.listUsers())
        out(
          `${u.email}\t${u.role}\t${u.name}\tskills=${u.skills.join(',')}\tlanguages=${u.languages.join(',')}\tcapacity=${u.capacity}${u.disabled ? '\tdisabled' : ''}\n`,
        );
      return 0;
    }
    if (command === 'add') {
      if (!o.email || !o.name || !o.role) return (out(USAGE), 2);
      const fields = checkFields(o);
      if (typeof fields === 'string') return (out(`${fields}\n`), 2);
      const password = o.password || randomBytes(12).toString('base64url');
      const { role, languages, capacity } = fields;
      const u = await auth.createUser({ email: o.email, name: o.name, role: role!, password, skills: list(o.skills), languages, capacity }, 'cli');
      out(`added ${u.email} (${u.role})${o.password ? '' : `; password: ${password}`}\n`);
      return 0;
    }
    if (command === 'update') {
      const u = o.email ? await store.getUserByEmail(o.email) : null;
      if (!u) return (out('no such user\n'), 2);
      const fields = checkFields(o);
      if (typeof fields === 'string') return (out(`${fields}\n`), 2);
      if (o.password !== undefined) checkPassword(o.password, { minLength: config.passwordMinLength, userInputs: [u.email, u.name] });
      const patch: UserPatch = {
        ...(fields.role ? { role: fields.role } : {}),
        ...(o.skills !== undefined ? { skills: list(o.skills) ?? [] } : {}),
        ...(fields.languages ? { languages: fields.languages } : {}),
        ...(fields.capacity !== undefined ? { capacity: fields.capacity } : {}),
        ...(o.password !== undefined ? { passwordHash: await hashPassword(o.password, config.passwordHashCost) } : {}),
      };
      // A new password or role signs the account out everywhere: sessions from before it are void (AuthService.check).
      const signOut = o.password !== undefined || (fields.role !== undefined && fields.role !== u.role);
      const updated = await store.updateUser(u.id, signOut ? { ...patch, sessionsNotBefore: new Date().toISOString() } : patch);
      if (fields.role && fields.role !== u.role)
        await store.appendAudit({ actorId: 'cli', action: 'user.role_change', targetType: 'user', targetId: u.id, data: { from: u.role, to: fields.role } });
      const changes: Record<string, unknown> = {};
      for (const k of ['skills', 'languages', 'capacity'] as const)
        if (patch[k] !== undefined && JSON.stringify(patch[k]) !== JSON.stringify(u[k])) changes[k] = { from: u[k], to: patch[k] };
      if (o.password !== undefined) changes.password = 'changed';
      if (Object.keys(changes).length)
        await store.appendAudit({ actorId: 'cli', action: 'user.update', targetType: 'user', targetId: u.id, data: { ...changes, signedOut: signOut } });
      out(`updated ${updated!.email} (${updated!.role})${o.password !== undefined ? '; password changed, signed out everywhere' : ''}\n`);
      return 0;
    }
    if (command === 'disable' || command === 'enable') {
      const u = o.email ? await store.getUserByEmail(o.email) : null;
      if (!u) return (out('no such user\n'), 2);
      const disabled = command === 'disable';
      await store.updateUser(u.id, disabled ? { disabled: true, sessionsNotBefore: new Date().toISOString() } : { disabled: false });
      await store.appendAudit({ actorId: 'cli', action: `user.${command}`, targetType: 'user', targetId: u.id });
      out(`${disabled ? 'disabled' : 'enabled'} ${u.email}${disabled ? '; signed out everywhere' : ''}\n`);
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
