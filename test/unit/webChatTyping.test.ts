import { TYPING_SHOWN_MS, WebChatTyping } from '../../bot/webChatTyping';

describe('web chat typing for polling pages', () => {
  let now = 1_000_000;
  const typing = new WebChatTyping(() => now);

  test('heard typing is carried for TYPING_SHOWN_MS with one id, then expires and is forgotten', () => {
    expect(typing.activity('c1')).toBeUndefined();
    typing.heard('c1');
    const first = typing.activity('c1');
    expect(first).toMatchObject({ type: 'typing', channelId: 'webchat', from: { id: 'bot', role: 'bot' } });
    now += TYPING_SHOWN_MS - 1;
    expect(typing.current('c1')).toBe(true);
    expect(typing.activity('c1')).toEqual(first);
    now += 1;
    expect(typing.current('c1')).toBe(false);
    expect(typing.activity('c1')).toBeUndefined();
    // Other conversations never see it.
    typing.heard('c2');
    expect(typing.activity('c3')).toBeUndefined();
  });

  test('a bot or agent message stored at or after the typing ends it; one stored before does not', () => {
    typing.heard('c4');
    expect(typing.activity('c4', new Date(now - 1).toISOString())).toBeDefined();
    expect(typing.activity('c4', new Date(now).toISOString())).toBeUndefined();
    expect(typing.current('c4')).toBe(false);
  });

  test('typing again later gives a new activity (a new id): the page shows it again', () => {
    typing.heard('c5');
    const a = typing.activity('c5') as { id: string };
    now += 10;
    typing.heard('c5');
    expect((typing.activity('c5') as { id: string }).id).not.toBe(a.id);
  });
});
