import { t } from '../../locale/replies';
import type { Message } from '../../models/records';
import { isRealRequest } from '../../review/notUnderstood';

/**
 * Outside tester: the dashboard's "not understood" list counted requests the bot handled by its own readers ("under
 * GDPR send me a copy of all the data you hold on me" → a data access request; "send me a new code" → the code
 * sentence). A message the bot answered so is no "not understood" line; one answered "Sorry, I did not understand" is.
 */
const msg = (seq: number, role: Message['role'], text: string): Message =>
  ({
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    role,
    kind: 'message',
    text,
    intent: role === 'customer' ? 'none' : undefined,
    createdAt: new Date().toISOString(),
  }) as unknown as Message;

describe('not understood: only what the bot did not understand', () => {
  test.each([
    ['en', 'under GDPR send me a copy of all the data you hold on me', t('en', 'dataCopyRequested')],
    ['es', 'mandadme una copia de todos mis datos', t('es', 'dataCopyRequested')],
    ['en', 'send me a new code', t('en', 'codeNothingToResend')],
  ])('%s %j answered by its reader is not counted', (_l, text, reply) => {
    const transcript = [msg(1, 'customer', text), msg(2, 'bot', reply)];
    expect(isRealRequest(transcript[0], transcript)).toBe(false);
  });

  test('a request answered "did not understand" still is', () => {
    const transcript = [msg(1, 'customer', 'blorp the flux capacitor'), msg(2, 'bot', t('en', 'notUnderstood'))];
    expect(isRealRequest(transcript[0], transcript)).toBe(true);
  });
});
