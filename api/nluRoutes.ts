import type restify from 'restify';
import { z } from 'zod';
import type { AuthService } from '../auth/authService';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CorpusAdditions, LiveRecognizer } from '../nlu/corpusAdditions';
import { endpoints, input, LEADS } from './endpoints';
import { Name } from './transcriptFilters';
import type { CorpusResponse, RetrainResponse, UtteranceRemoveRequest, UtteranceRemoveResponse, UtteranceRequest, UtteranceResponse } from './wire';

const Utterance = z
  .object({ text: z.string().trim().min(1).max(500), intent: Name, language: z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code') })
  .strict() satisfies z.ZodType<UtteranceRequest>;

const Removal = z
  .object({ text: z.string().trim().min(1).max(500), language: z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code') })
  .strict() satisfies z.ZodType<UtteranceRemoveRequest>;

/** What the recognizer is trained with: the corpus and the utterances leads added from the not-understood list; retraining on request. */
export function registerNluRoutes(server: restify.Server, d: { auth: AuthService; corpus: CorpusAdditions; recognizer: LiveRecognizer; log: Logger }): void {
  const api = endpoints(server, d);
  api.get('/api/nlu/corpus', { roles: LEADS, query: input('query', z.object({}).strict()) }, async (_call, res) => {
    res.json({ catalogue: d.corpus.catalogue(), additions: await d.corpus.list(), model: d.recognizer.status() } satisfies CorpusResponse);
  });

  api.post('/api/nlu/utterances', { roles: LEADS, body: input('utterance', Utterance) }, async ({ ctx, body }, res) => {
    const r = await d.corpus.add(body, ctx.user.id);
    res.status(r.added ? 201 : 200);
    res.json(r satisfies UtteranceResponse);
  });

  api.post('/api/nlu/utterances/remove', { roles: LEADS, body: input('utterance', Removal) }, async ({ ctx, body }, res) => {
    if (!(await d.corpus.remove(body, ctx.user.id))) throw new AppError('NOT_FOUND', 'no such addition');
    res.json({ removed: true } satisfies UtteranceRemoveResponse);
  });

  api.post('/api/nlu/retrain', { roles: LEADS }, async ({ ctx }, res) => {
    await d.corpus.retrain(d.recognizer, ctx.user.id, (err) => d.log.error({ err }, 'retraining the recognizer failed'));
    res.status(202);
    res.json({ model: d.recognizer.status() } satisfies RetrainResponse);
  });
}
