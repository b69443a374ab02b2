import { isAppError } from '../../core/errors';
import { STREAM_TOKEN_TTL_SECONDS, StreamTokens } from '../../bot/webChatStreamTokens';

describe('web chat stream tokens', () => {
  const tokens = new StreamTokens('stream-token-secret-0123456789abcdef');
  const now = Date.parse('2026-11-23T10:00:00Z');
  const grant = { conversationId: 'wc-1', userId: 'web-1', watermark: 7, until: now / 1000 + 3600 };
  const code = (fn: () => unknown) => {
    try {
      fn();
      return 'accepted';
    } catch (err) {
      return isAppError(err) ? err.code : String(err);
    }
  };

  test('carry one conversation, its visitor and the watermark, for a minute', () => {
    const t = tokens.issue(grant, now);
    const expiresAt = now + STREAM_TOKEN_TTL_SECONDS * 1000;
    const verified = tokens.verify(t, now);
    expect(verified).toEqual({ ...grant, followUp: 0, id: verified.id, expiresAt });
    expect(verified.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // The n-th follow-up conversation of the chain travels too (a watermark "n.seq").
    expect(tokens.verify(tokens.issue({ ...grant, followUp: 2 }, now), now)).toMatchObject({ ...grant, followUp: 2 });
    // Each token has an id of its own (a stream opens once per id), even for the same grant at the same moment.
    expect(tokens.verify(tokens.issue(grant, now), now).id).not.toBe(tokens.verify(t, now).id);
    expect(code(() => tokens.verify(t, now + STREAM_TOKEN_TTL_SECONDS * 1000 - 1))).toBe('accepted');
    expect(code(() => tokens.verify(t, now + STREAM_TOKEN_TTL_SECONDS * 1000 + 1000))).toBe('AUTH_EXPIRED');
  });

  test('never outlive the conversation token they came from', () => {
    const t = tokens.issue({ ...grant, until: now / 1000 + 10 }, now);
    expect(code(() => tokens.verify(t, now + 11_000))).toBe('AUTH_EXPIRED');
  });

  test('refuse other keys, edits, missing and malformed tokens', () => {
    const t = tokens.issue(grant, now);
    const [body, sig] = t.split('.');
    const edited = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), c: 'wc-2' })).toString('base64url');
    expect(code(() => new StreamTokens('another-secret-0123456789abcdefghij').verify(t, now))).toBe('AUTH_INVALID');
    expect(code(() => tokens.verify(`${edited}.${sig}`, now))).toBe('AUTH_INVALID');
    expect(code(() => tokens.verify(undefined, now))).toBe('AUTH_REQUIRED');
    expect(code(() => tokens.verify('a.b.c', now))).toBe('AUTH_REQUIRED');
    expect(code(() => tokens.verify(`${body}.x`, now))).toBe('AUTH_INVALID');
  });
});
