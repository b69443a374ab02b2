import { messageTooLongMessage, textLength } from '../core/visibleText';
import { timingSafeEqual } from 'node:crypto';
import type restify from 'restify';
import { z } from 'zod';
import type { AuthService } from '../auth/authService';
import { AppError } from '../core/errors';
import { parseOrThrow } from '../core/http';
import type { Logger } from '../core/logger';
import type { MentionService } from '../profile/mentionService';
import { endpoints } from './endpoints';
import type { MentionRequest, MentionResponse } from './wire';

const Mention = z
  .object({
    network: z
      .string()
      .min(1)
      .max(40)
      .regex(/^[a-z0-9_.-]+$/i),
    handle: z.string().min(1).max(100),
    text: z.string().min(1),
    reach: z.number().int().min(0).max(1e10).optional(),
    url: z.string().url().max(2048).optional(),
    language: z
      .string()
      .regex(/^[a-z]{2}$/)
      .optional(),
    postedAt: z.string().max(40).optional(),
  })
  .strict() satisfies z.ZodType<MentionRequest>;

/** Public mentions from the social listening tool; negative ones from authors with a wide reach open a queued conversation. */
export function registerMentionRoutes(
  server: restify.Server,
  d: { auth: AuthService; mentions: MentionService; mentionsApiKey?: string; maxMessageChars: number; log: Logger },
): void {
  const api = endpoints(server, d);
  api.post('/api/mentions', { anonymous: 'the social listening tool: x-api-key is MENTIONS_API_KEY, compared in constant time' }, async ({ req }, res) => {
    const key = req.header('x-api-key') ?? '';
    const expected = d.mentionsApiKey ?? '';
    if (!expected) throw new AppError('NOT_FOUND', 'mentions are not configured (MENTIONS_API_KEY)');
    if (key.length !== expected.length || !timingSafeEqual(Buffer.from(key), Buffer.from(expected))) throw new AppError('AUTH_INVALID', 'bad API key');
    const m = parseOrThrow(Mention, req.body, 'mention');
    if (textLength(m.text) > d.maxMessageChars)
      throw new AppError('MESSAGE_TOO_LONG', messageTooLongMessage(d.maxMessageChars), { details: { maxChars: d.maxMessageChars } });
    res.status(201);
    res.json((await d.mentions.ingest(m)) satisfies MentionResponse);
  });
}
