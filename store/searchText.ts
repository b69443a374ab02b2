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

/** A week, in milliseconds: the period the full-text indexes of both stores bucket messages by. */
export const SEARCH_PERIOD_MS = 7 * 86_400_000;

/**
 * The week a message was written in (weeks since 1970-01-01, a Thursday, in UTC; 0 for a time that does not parse).
 * A conversation starts no later than its messages, so a search that reads matches week by week, newest first,
 * knows when no older week can hold a conversation newer than the ones it has (see the transcript searches).
 */
export function searchPeriod(createdAt: string): number {
  const ms = Date.parse(createdAt);
  return Number.isFinite(ms) ? Math.max(0, Math.floor(ms / SEARCH_PERIOD_MS)) : 0;
}
