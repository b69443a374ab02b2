import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ConversationView } from '../../server/protocol';
import { current } from '../state';

/** Shorter lists render whole; longer ones only the rows in sight (and a screen's worth around them). */
export const WINDOW_FROM = 60;
const OVERSCAN_PX = 600;
/** A row's height before it was ever measured (two lines and a clock, with its gap). */
const ESTIMATE_PX = 74;

/**
 * The inbox list, windowed when long: a thousand queued chats are a thousand rows to diff on every queue delta and
 * a thousand clocks to redraw every second, where thirty are in sight. Rows keep their keys and memoized entries;
 * spacers stand for the rows out of sight, at their measured heights (estimated until seen), so the scroll bar and
 * the scroll position stay true. The open chat's row and the focused row are always rendered where they belong,
 * so keyboard navigation (focus() scrolls a row into view) and focus survive scrolling and live updates. Each row
 * says its place (aria-posinset of aria-setsize): assistive technology hears the whole list's size.
 */
export function InboxList({
  list,
  view: name,
  row,
  empty,
}: {
  list: readonly ConversationView[];
  view: string;
  /** `pos` and `size` (1-based place, list length) only when windowed: a shorter list's rows need not re-render as it grows. */
  row: (c: ConversationView, pos?: number, size?: number) => ComponentChildren;
  /** Shown when the list is empty (the same list element: what watches it keeps watching). */
  empty: ComponentChildren;
}) {
  const ref = useRef<HTMLUListElement>(null);
  const heights = useRef(new Map<string, number>()).current;
  const [view, setView] = useState({ top: 0, bottom: 1000 });
  const [, remeasured] = useState(0);
  const [focused, setFocused] = useState<string | undefined>(undefined);
  const windowed = list.length > WINDOW_FROM;
  /** The first row in sight and its place in the pane: a change above it (a chat ahead of it, a row measured) does not move it. */
  const anchor = useRef<{ id: string; top: number; scrollTop: number } | undefined>(undefined);

  // The part of the list in sight: the scrolling pane (.side) against the list's top, read once a frame.
  useEffect(() => {
    const el = ref.current;
    const pane = el?.closest<HTMLElement>('.side');
    if (!el || !pane) return;
    let frame = 0;
    const read = () => {
      frame = 0;
      anchor.current = firstInSight(el, pane);
      const top = pane.getBoundingClientRect().top - el.getBoundingClientRect().top;
      const bottom = top + pane.clientHeight;
      setView((v) => (Math.abs(v.top - top) < 1 && Math.abs(v.bottom - bottom) < 1 ? v : { top, bottom }));
    };
    const later = () => (frame ||= requestAnimationFrame(read));
    read();
    pane.addEventListener('scroll', later, { passive: true });
    // A pane shown again (one column at 390 px) or resized has no scroll event.
    const sized = new ResizeObserver(later);
    sized.observe(pane);
    return () => {
      pane.removeEventListener('scroll', later);
      sized.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, []);

  // Rows as drawn: their heights replace the estimate (one more render when any changed).
  useLayoutEffect(() => {
    const el = ref.current;
    const pane = el?.closest<HTMLElement>('.side');
    if (!windowed || !el || !pane) return;
    // Before paint: the row that was first in sight goes back to where it was (the browser's own scroll anchoring
    // is off for the list: spacers come and go under it). At the very top a new chat ahead simply shows.
    const was = anchor.current;
    // A scroll since (the agent's, or focus() bringing a row into view) is where the agent wants to be.
    const row =
      was && pane.scrollTop > 0 && pane.scrollTop === was.scrollTop
        ? el.querySelector<HTMLElement>(`:scope > li[data-conversation="${CSS.escape(was.id)}"]`)
        : null;
    if (row && was) {
      const moved = row.getBoundingClientRect().top - pane.getBoundingClientRect().top - was.top;
      if (Math.abs(moved) >= 1) pane.scrollTop += moved;
    }
    anchor.current = firstInSight(el, pane);
    let changed = false;
    let gap: number | undefined;
    for (const li of el.querySelectorAll<HTMLElement>(':scope > li[data-conversation]')) {
      gap ??= parseFloat(getComputedStyle(li).marginBottom) || 0;
      const h = Math.round(li.getBoundingClientRect().height + gap);
      const id = li.dataset.conversation!;
      if (heights.get(id) !== h) [changed] = [true, heights.set(id, h)];
    }
    if (changed) remeasured((n) => n + 1);
  });

  const onFocusIn = (e: FocusEvent) => setFocused((e.target as HTMLElement).closest<HTMLElement>('li[data-conversation]')?.dataset.conversation);
  const onFocusOut = (e: FocusEvent) => {
    if (!ref.current?.contains(e.relatedTarget as Node | null)) setFocused(undefined);
  };

  let children: ComponentChildren;
  if (!list.length) children = empty;
  else if (!windowed) children = list.map((c) => row(c));
  else {
    const n = list.length;
    let sum = 0;
    for (const h of heights.values()) sum += h;
    const guess = heights.size ? sum / heights.size : ESTIMATE_PX;
    const tops = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) tops[i + 1] = tops[i] + (heights.get(list[i].id) ?? guess);
    const first = firstAbove(tops, view.top - OVERSCAN_PX);
    const end = Math.max(first, firstAbove(tops, view.bottom + OVERSCAN_PX) + 1);
    const shown = new Set<number>();
    for (let i = first; i < Math.min(n, end); i++) shown.add(i);
    for (const id of [current.value, focused]) {
      const i = id ? list.findIndex((c) => c.id === id) : -1;
      if (i >= 0) shown.add(i);
    }
    const out: ComponentChildren[] = [];
    let at = 0;
    for (const i of [...shown].sort((a, b) => a - b)) {
      if (i > at) out.push(<li key={`gap-${at}`} class="gap" aria-hidden="true" style={{ height: `${tops[i] - tops[at]}px` }} />);
      out.push(row(list[i], i + 1, n));
      at = i + 1;
    }
    if (at < n) out.push(<li key="gap-end" class="gap" aria-hidden="true" style={{ height: `${tops[n] - tops[at]}px` }} />);
    children = out;
  }
  return (
    <ul id="inbox-list" data-view={name} ref={ref} onFocusIn={onFocusIn} onFocusOut={onFocusOut} data-windowed={windowed ? 'true' : undefined}>
      {children}
    </ul>
  );
}

/** The first row whose bottom is below `y` (tops: each row's top, then the list's end). */
function firstAbove(tops: Float64Array, y: number): number {
  let lo = 0;
  let hi = tops.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid + 1] <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first row drawn whose bottom is below the pane's top, and where its top is in the pane. */
function firstInSight(list: HTMLElement, pane: HTMLElement): { id: string; top: number; scrollTop: number } | undefined {
  const paneTop = pane.getBoundingClientRect().top;
  for (const li of list.querySelectorAll<HTMLElement>(':scope > li[data-conversation]')) {
    const r = li.getBoundingClientRect();
    if (r.bottom > paneTop) return { id: li.dataset.conversation!, top: r.top - paneTop, scrollTop: pane.scrollTop };
  }
  return undefined;
}
