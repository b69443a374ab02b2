import type { Message } from './records';

/** A button a bot message offered, and whether the customer's answer to it was that button. */
export interface OfferedChoice {
  title: string;
  value: string;
  picked: boolean;
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

/**
 * Per bot message that offered buttons (by seq): its choices, the picked one marked. A choice is picked when the
 * customer's next message, with nothing said between (the buttons stand under the last message only), is its title
 * or its value, without case or surrounding blanks: a button pressed sends its value, a label typed its title. An
 * answer in other words ("the first one") or by its number ("2", which the clarifying question takes) picks nothing
 * here, whatever the bot made of it: the transcript then shows the offer and the customer's own words after it.
 */
export function offeredChoices(messages: readonly Message[]): Map<number, OfferedChoice[]> {
  const out = new Map<number, OfferedChoice[]>();
  let asked: OfferedChoice[] | undefined;
  for (const m of messages) {
    if (m.kind !== 'message') continue;
    const choices = storedChoices(m);
    if (choices.length) {
      asked = choices.map((c) => ({ ...c, picked: false }));
      out.set(m.seq, asked);
      continue;
    }
    if (asked && m.role === 'customer') {
      const said = key(m.text);
      const hit = asked.find((c) => key(c.value) === said) ?? asked.find((c) => key(c.title) === said);
      if (hit) hit.picked = true;
    }
    asked = undefined;
  }
  return out;
}
