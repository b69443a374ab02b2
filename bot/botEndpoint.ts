import type restify from 'restify';
import { AuthenticationError } from 'botframework-connector';
import { z } from 'zod';
import { AppError, toAppError } from '../core/errors';
import { route } from '../core/http';
import type { Logger } from '../core/logger';
import type { SupportAdapter } from './supportAdapter';
import type { SupportBot } from './supportBot';

const Account = z.object({ id: z.string().min(1).max(512), name: z.string().max(1024).optional(), role: z.string().max(64).optional() }).passthrough();

/** What we require of an incoming activity before any bot logic runs; other fields pass through. */
export const ActivitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(512).optional(),
    channelId: z.string().min(1).max(128),
    serviceUrl: z.string().min(1).max(2048),
    conversation: z.object({ id: z.string().min(1).max(1024) }).passthrough(),
    from: Account,
    recipient: Account.optional(),
    text: z.string().max(200_000).optional(),
    locale: z.string().max(32).optional(),
    attachments: z.array(z.object({ contentType: z.string().max(256) }).passthrough()).max(50).optional(),
    deliveryMode: z.enum(['normal', 'notification', 'expectReplies', 'ephemeral']).optional(),
  })
  .passthrough();

/** POST /api/messages: validate, authenticate (CloudAdapter), run the turn; never 200 for an unstored message. */
export function registerBotEndpoint(server: restify.Server, adapter: SupportAdapter, bot: SupportBot, log: Logger): void {
  server.post(
    '/api/messages',
    route(log, async (req, res) => {
      const parsed = ActivitySchema.safeParse(req.body);
      if (!parsed.success) {
        throw new AppError('BOT_ACTIVITY_INVALID', `Invalid activity: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
      }
      const auth = req.header('authorization') ?? '';
      let invoke;
      try {
        invoke = await adapter.handle(auth, parsed.data as never, (ctx) => bot.onTurn(ctx));
      } catch (err) {
        if (err instanceof AuthenticationError || (err as { statusCode?: number })?.statusCode === 401) {
          throw new AppError('AUTH_INVALID', 'Bot Framework token missing or invalid', { cause: err });
        }
        const e = toAppError(err);
        throw e.status >= 500 ? e : new AppError('BOT_TURN_FAILED', undefined, { cause: err });
      }
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    }),
  );
}
