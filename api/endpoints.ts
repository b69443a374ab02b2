import type restify from 'restify';
import { z } from 'zod';
import type { AuthContext, AuthService } from '../auth/authService';
import { requireRole } from '../auth/authService';
import { AppError } from '../core/errors';
import { parseOrThrow, route } from '../core/http';
import type { Logger } from '../core/logger';
import type { UserRole } from '../models/records';
import type { Actor } from '../review/accessPolicy';

/** Every signed-in role, and the leads (supervisors and admins). */
export const STAFF: readonly UserRole[] = ['agent', 'supervisor', 'admin'];
export const LEADS: readonly UserRole[] = ['supervisor', 'admin'];
export const ADMINS: readonly UserRole[] = ['admin'];

/**
 * Who may call a route, declared with it. `roles`: a bearer session whose account has one of them (401 without a
 * valid session, 403 with another role); `ticket` also accepts a one-minute, single-use download ticket bound to the
 * exact URL (AuthService.ticketFor). `anonymous`: no session at all, with the reason written down (what protects it instead).
 */
export type Access = { roles: readonly UserRole[]; ticket?: boolean } | { anonymous: string };

/** A payload a route parses before its handler runs: the schema, what error messages call it, what an absent one is. */
export interface Input<S extends z.ZodTypeAny> {
  schema: S;
  what: string;
  absent?: unknown;
}
export const input = <S extends z.ZodTypeAny>(what: string, schema: S, absent?: unknown): Input<S> => ({ schema, what, absent });

/** What a handler gets: the request, its parsed body and query, and the path's `:id` (parsed when read). */
export interface Call<B, Q> {
  req: restify.Request;
  body: B;
  query: Q;
  id: () => string;
}
/** And on a route for signed-in roles: the session, and the caller as review/accessPolicy.ts sees them. */
export interface Signed {
  ctx: AuthContext;
  actor: Actor;
}

type Method = 'get' | 'post' | 'put' | 'del';
type MaybeInput = Input<z.ZodTypeAny> | undefined;
type Out<I> = I extends Input<infer S> ? z.output<S> : undefined;
type Handler<C, B extends MaybeInput, Q extends MaybeInput> = (call: Call<Out<B>, Out<Q>> & C, res: restify.Response) => Promise<void> | void;
interface Inputs<B extends MaybeInput, Q extends MaybeInput> {
  body?: B;
  query?: Q;
}

/** One verb: declared roles hand the handler the session; anonymous routes get none. */
export interface Verb {
  <B extends MaybeInput = undefined, Q extends MaybeInput = undefined>(
    path: string,
    options: { roles: readonly UserRole[]; ticket?: boolean } & Inputs<B, Q>,
    handler: Handler<Signed, B, Q>,
  ): void;
  <B extends MaybeInput = undefined, Q extends MaybeInput = undefined>(
    path: string,
    options: { anonymous: string } & Inputs<B, Q>,
    handler: Handler<object, B, Q>,
  ): void;
}

export interface Declared {
  method: string;
  path: string;
  access: Access;
}

const declared = new WeakMap<restify.Server, Declared[]>();

/** Every route registered through endpoints() on this server, with who may call it (test/integration/routeRoles.test.ts). */
export function declaredRoutes(server: restify.Server): readonly Declared[] {
  return declared.get(server) ?? [];
}

const Path = z.object({ id: z.string().min(1).max(200) }).passthrough();

export function bearer(req: restify.Request): string | undefined {
  const h = req.header('authorization');
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

/** The URL a download ticket is bound to: path and sorted query, without the ticket. */
export function canonicalUrl(path: string, query: Record<string, string>): string {
  const params = new URLSearchParams(Object.entries(query).filter(([k]) => k !== 'ticket'));
  params.sort();
  return `${path}?${params.toString()}`;
}

export const actorOf = (ctx: AuthContext): Actor => ({ id: ctx.user.id, role: ctx.user.role });

/**
 * Registers routes that declare who may call them and what they take. The session is checked, then the role,
 * then the body and the query are parsed (in that order, so a caller without the right learns nothing from a
 * validation error); errors become coded JSON answers (core/http.ts route()).
 */
export function endpoints(server: restify.Server, d: { auth: AuthService; log: Logger }) {
  const list = declared.get(server) ?? [];
  declared.set(server, list);

  async function authorize(req: restify.Request, path: string, access: { roles: readonly UserRole[]; ticket?: boolean }): Promise<AuthContext> {
    const query = (req.query ?? {}) as Record<string, unknown>;
    let ctx: AuthContext;
    if (access.ticket && typeof query.ticket === 'string') ctx = await d.auth.spendTicket(query.ticket, canonicalUrl(path, query as Record<string, string>));
    else {
      const token = bearer(req);
      if (!token) throw new AppError('AUTH_REQUIRED');
      ctx = await d.auth.verify(token);
    }
    requireRole(ctx, access.roles);
    return ctx;
  }

  function add(
    method: Method,
    path: string,
    options: Access & Inputs<MaybeInput, MaybeInput>,
    handler: Handler<Partial<Signed>, MaybeInput, MaybeInput>,
  ): void {
    const { body, query, ...access } = options;
    list.push({ method: method === 'del' ? 'DELETE' : method.toUpperCase(), path, access });
    server[method](
      path,
      route(d.log, async (req, res) => {
        const ctx =
          'roles' in access
            ? await authorize(req, path, access).catch((err: unknown) => {
                // A body nobody parsed (an upload) is not read for a caller who may not send it: the connection closes.
                if (!req.complete) res.setHeader('connection', 'close');
                throw err;
              })
            : undefined;
        await handler(
          {
            req,
            body: body ? (parseOrThrow(body.schema, req.body ?? body.absent, body.what) as unknown) : undefined,
            query: query ? (parseOrThrow(query.schema, req.query ?? {}, query.what) as unknown) : undefined,
            id: () => parseOrThrow(Path, req.params ?? {}, 'path').id,
            ...(ctx ? { ctx, actor: actorOf(ctx) } : {}),
          },
          res,
        );
      }),
    );
  }

  const verb =
    (method: Method): Verb =>
    (path: string, options: Access & Inputs<MaybeInput, MaybeInput>, handler: Handler<never, MaybeInput, MaybeInput>) =>
      add(method, path, options, handler as Handler<Partial<Signed>, MaybeInput, MaybeInput>);

  return { get: verb('get'), post: verb('post'), put: verb('put'), del: verb('del') };
}
