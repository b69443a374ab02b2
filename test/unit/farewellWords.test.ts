import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { saysFarewell } from '../../dialogs/farewellWords';

/** Every goodbye the intent model learnt from says one in words; "see" alone (outside tester) does not. */
describe('saysFarewell', () => {
  for (const language of ['en', 'es']) {
    const corpus = JSON.parse(readFileSync(join(__dirname, '../../nlu/corpus', `${language}.json`), 'utf8')) as { intents: Record<string, string[]> };
    test.each(corpus.intents.goodbye)(`${language} corpus goodbye %j is a farewell`, (text) => expect(saysFarewell(text)).toBe(true));
  }
  test.each(['see', 'see https://example.com/files/receipt.pdf', 'see?', 'see the attachment', 'i see', 'later delivery of 12345?', 'ver'])(
    '%j is no farewell',
    (text) => expect(saysFarewell(text)).toBe(false),
  );
});
