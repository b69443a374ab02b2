/**
 * What a full-text query means, the same on both stores: a text is the sequence of its words, a word a run of
 * letters and digits, compared without case or diacritics; a query matches a message whose words contain the
 * query's words consecutively. So "can't log in" is the phrase `can t log in`, "e-mail" is `e mail`, "123-456" is
 * `123 456`, and a line break is a space. Both stores index each message's search form (the words joined by single
 * spaces): SQLite's FTS5 tokenizes it back into the same words; MongoDB's text index finds candidates and a
 * regular expression over the search form keeps only whole-word matches of every term (searchTerms) ($text alone matches a phrase as
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

/**
 * A query as search terms, the same on both stores: every term must be in one message, in any order (review 21:
 * "pedido 12345" finds "El pedido es 12345"). A quoted part ("log in") is one term whose words follow each other;
 * every other word is a term of its own. At most MAX_PHRASE_WORDS words in all; no words: nothing matches.
 */
export type SearchTerms = readonly (readonly string[])[];
export function searchTerms(query: string): SearchTerms {
  const terms: string[][] = [];
  let left = MAX_PHRASE_WORDS;
  query.split('"').forEach((part, i) => {
    const words = searchWords(part).slice(0, left);
    left -= words.length;
    // Odd parts sit between quotes (an unclosed quote runs to the end).
    if (i % 2 === 1) {
      if (words.length) terms.push(words);
    } else terms.push(...words.map((w) => [w]));
  });
  // The same word twice is one term.
  return terms.filter((t, i) => terms.findIndex((u) => u.join(' ') === t.join(' ')) === i);
}

/** Words of a customer's name kept for the customer filter, and words of a query read (more are ignored). */
export const MAX_NAME_WORDS = 8;

/**
 * A customer's display name as the words the transcripts' customer filter finds it by: folded like the full-text
 * search (no case, no diacritics), each word once. An erased customer's name is '': no words, never found by it.
 */
export function nameWords(displayName: string | undefined): string[] {
  return [...new Set(searchWords(displayName ?? ''))].slice(0, MAX_NAME_WORDS);
}

/**
 * A customer filter's text as name prefixes: a customer matches when each of them begins some word of their name,
 * in any order ("ana" finds Ana Gómez and Anabel Ruiz; "gomez ana" and "Ana Gó" find Ana Gómez).
 */
export function namePrefixes(query: string): string[] {
  return [...new Set(searchWords(query))].slice(0, MAX_NAME_WORDS);
}

/**
 * The most customers a name filter lists by name: past this, a name is common and the newest conversations are
 * walked instead, each tested against the name (both stores). Listing reads every conversation of those customers
 * to sort them (150 customers: 460 conversations, 12 ms at a million messages); a walk stops at the page, later the
 * rarer the name (those 150: 11,000 index entries, 45 ms; 1,700 customers: 4 ms). The two meet near 300.
 */
export const NAME_MATCH_LIMIT = 300;

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
