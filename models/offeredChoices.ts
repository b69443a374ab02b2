import type { Message } from './records';

/** A button a bot message offered, and whether the customer's answer to it was that button. */
export interface OfferedChoice {
  title: string;
  value: string;
  picked: boolean;
}

/**
 * Key of an outgoing activity's channelData by which a dialog says that a number picks one of its first buttons (the
 * clarifying question takes "2" for its second option): bot/replySending.ts stores it with the message as
 * `data.numberedChoices` and takes it off the activity before it is sent, so no channel sees it.
 */
export const NUMBERED_CHOICES = 'crmNumberedChoices';

/** "the first one", "la segunda", "the 2nd": a button by its place, as the clarifying question reads it. */
const ORDINALS: [RegExp, number][] = [
  [/^(the )?(first|1st)( one)?( please)?$|^(el |la )?(primer|primero|primera|1º|1ª)( opcion)?$/, 0],
  [/^(the )?(second|2nd)( one)?( please)?$|^(el |la )?(segundo|segunda|2º|2ª)( opcion)?$/, 1],
  [/^(the )?(third|3rd)( one)?( please)?$|^(el |la )?(tercer|tercero|tercera|3º|3ª)( opcion)?$/, 2],
];

/** Lower case, no accents, punctuation as blanks: "#2." is "2", "La Segunda" is "la segunda". */
export function normalizeAnswer(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The place (from 0) of the button an answer names by its number ("2") or its order ("the second one"), among the
 * first `count` buttons; -1 when it names none of them.
 */
export function choiceByNumber(text: string, count: number): number {
  const answer = normalizeAnswer(text);
  const index = /^[1-9]$/.test(answer) ? Number(answer) - 1 : (ORDINALS.find(([re]) => re.test(answer))?.[1] ?? -1);
  return index < count ? index : -1;
}

/**
 * The buttons stored with a bot message (`data.suggestedActions`, bot/replySending.ts, kept since 2026-11-29: older
 * messages hold none, and their transcripts show the text alone).
 */
export function storedChoices(m: Message): { title: string; value: string }[] {
  const actions: unknown = m.data?.suggestedActions;
  if (m.role !== 'bot' || m.kind !== 'message' || !Array.isArray(actions)) return [];
  return actions.flatMap((a: { title?: unknown; value?: unknown }) =>
    typeof a?.title === 'string' ? [{ title: a.title, value: typeof a.value === 'string' ? a.value : a.title }] : [],
  );
}

const key = (s: string) => s.trim().toLowerCase();

/** How many of a stored bot message's first buttons a number picks (0: none; only the clarifying question's do). */
function numberedChoices(m: Message): number {
  const n: unknown = m.data?.numberedChoices;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * Per bot message that offered buttons (by seq): its choices, the picked one marked. A choice is picked when the
 * customer's next message, with nothing said between (the buttons stand under the last message only), is its title
 * or its value, without case or surrounding blanks: a button pressed sends its value, a label typed its title; or,
 * where the bot took a number for a button (the message stored `numberedChoices`), its number or place ("2", "the
 * second one"). Other words pick nothing here, whatever the bot made of them: the transcript then shows the offer and
 * the customer's own words after it.
 */
export function offeredChoices(messages: readonly Message[]): Map<number, OfferedChoice[]> {
  const out = new Map<number, OfferedChoice[]>();
  let asked: OfferedChoice[] | undefined;
  let numbered = 0;
  for (const m of messages) {
    if (m.kind !== 'message') continue;
    const choices = storedChoices(m);
    if (choices.length) {
      asked = choices.map((c) => ({ ...c, picked: false }));
      numbered = Math.min(numberedChoices(m), asked.length);
      out.set(m.seq, asked);
      continue;
    }
    if (asked && m.role === 'customer') {
      const said = key(m.text);
      const hit = asked.find((c) => key(c.value) === said) ?? asked.find((c) => key(c.title) === said) ?? asked[choiceByNumber(m.text, numbered)];
      if (hit) hit.picked = true;
    }
    asked = undefined;
  }
  return out;
}
