/**
 * What a full-text query means, the same on both stores: a text is the sequence of its words, a word a run of
 * letters and digits, compared without case or diacritics; a query matches a message whose words contain the
 * query's words consecutively. So "can't log in" is the phrase `can t log in`, "e-mail" is `e mail`, "123-456" is
 * `123 456`, and a line break is a space. Both stores index each message's search form (the words joined by single
 * spaces): SQLite's FTS5 tokenizes it back into the same words; MongoDB's text index finds candidates and a
 * regular expression over the search form keeps only whole-word phrase matches ($text alone matches a phrase as
 * a substring of the raw text, where "log in" is inside "blog inside" and "can't" never equals "can t").
 */

/** Words after the first MAX_PHRASE_WORDS of a query are ignored. */
export const MAX_PHRASE_WORDS = 20;

export function searchWords(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** What both stores index for a message: its words joined by single spaces ('' when it has none). */
export function searchForm(text: string): string {
  return searchWords(text).join(' ');
}

/** A query as a phrase: its first MAX_PHRASE_WORDS words (none: the query matches nothing). */
export function phraseWords(query: string): string[] {
  return searchWords(query).slice(0, MAX_PHRASE_WORDS);
}
