import { appWithChannel } from '../helpers/appWithChannel';
import { Chat } from '../helpers/chat';
import { createStaff } from '../helpers/consoleClient';

/**
 * An outside tester took the name "Sam Stafferд" (a staff member's name, "Sam Staffer", with one Cyrillic letter
 * added) and the bot kept it: in a transcript it passes for the staff member. Through /api/messages, as a channel's
 * display name and as "call me …"; the same staff name written wholly in Cyrillic stays a name a person may have.
 */
describe('a name mixing scripts near a staff name is not taken', () => {
  const ctx = appWithChannel();

  beforeAll(async () => {
    await createStaff(ctx.running.app, { name: 'Sam Staffer' });
  });

  test('"call me Sam Stafferд" is refused and no name is kept', async () => {
    const chat = new Chat(ctx.running);
    const turn = await chat.say('call me Sam Staffer\u0434');
    expect(turn.replies.join(' ')).toMatch(/cannot use that name/);
    expect((await chat.customer()).displayName ?? '').not.toMatch(/Staff/);
  });

  test('a channel display name "Sam Staf\u0436fer" is not shown as the customer\u2019s name', async () => {
    const chat = new Chat(ctx.running, { name: 'Sam Staf\u0436fer' });
    await chat.say('hello');
    expect((await chat.customer()).displayName ?? '').not.toMatch(/Staf/);
  });

  test('the staff name written wholly in Cyrillic is a name a person may have, and is kept', async () => {
    const chat = new Chat(ctx.running);
    const turn = await chat.say('call me \u0421\u044d\u043c \u0421\u0442\u0430\u0444\u0444\u0435\u0440');
    expect(turn.replies.join(' ')).not.toMatch(/cannot use that name/);
    expect((await chat.customer()).displayName).toBe('\u0421\u044d\u043c \u0421\u0442\u0430\u0444\u0444\u0435\u0440');
  });
});
