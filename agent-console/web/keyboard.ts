import { batch } from '@preact/signals';
import { claim, closeChat, conversations, current, draftOf, helpOpen, me, offered, open, page, pane, visible } from './state';

/** The shortcuts the help overlay lists, in its order: key labels and what they do (i18n keys). */
export const SHORTCUTS = [
  { keys: ['Alt+↓', 'J'], what: 'sc_next' },
  { keys: ['Alt+↑', 'K'], what: 'sc_prev' },
  { keys: ['Alt+A', 'A'], what: 'sc_accept' },
  { keys: ['Enter'], what: 'sc_send' },
  { keys: ['/'], what: 'sc_canned' },
  { keys: ['Alt+N', 'N'], what: 'sc_note' },
  { keys: ['Alt+R', 'R'], what: 'sc_reply' },
  { keys: ['Alt+C'], what: 'sc_close' },
  { keys: ['Alt+K'], what: 'sc_search' },
  { keys: ['?'], what: 'sc_help' },
] as const;

function editing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

function step(delta: number): void {
  const list = visible.value;
  if (!list.length) return;
  const at = list.findIndex((c) => c.id === current.value);
  const next = list[at < 0 ? (delta > 0 ? 0 : list.length - 1) : (at + delta + list.length) % list.length];
  void open(next.id);
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-conversation="${CSS.escape(next.id)}"] .item-open`)?.focus());
}

function write(mode: 'reply' | 'note'): void {
  const id = current.value;
  if (!id) return;
  batch(() => {
    draftOf(id).mode.value = mode;
    pane.value = 'chat';
  });
  requestAnimationFrame(() => document.getElementById(mode === 'note' ? 'note-text' : 'composer-text')?.focus());
}

function accept(): void {
  const c = current.value ? conversations.value.get(current.value) : undefined;
  if (c?.state === 'queued') return void claim(c.id);
  const first = offered.value[0];
  if (first) void claim(first.id);
}

/** Alt+key works anywhere, also while typing (unless it types a character there); the single letters only outside text fields. */
export function installShortcuts(): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (!me.value || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Escape' && helpOpen.value) {
      helpOpen.value = false;
      return;
    }
    if (page.value !== 'chats') return;
    const inField = editing(e.target);
    // In a text field, an Alt+letter that types something is the agent's text (macOS Option+N starts the "ñ"), never a shortcut.
    const typesText =
      inField && e.code.startsWith('Key') && (e.key === 'Dead' || (e.key.length === 1 && e.key.toLowerCase() !== e.code.slice(3).toLowerCase()));
    const alt = e.altKey && !e.shiftKey && !typesText;
    const plain = !e.altKey && !inField;
    const act = (fn: () => void) => {
      e.preventDefault();
      fn();
    };
    if ((alt && e.code === 'ArrowDown') || (plain && e.key === 'j')) return act(() => step(1));
    if ((alt && e.code === 'ArrowUp') || (plain && e.key === 'k')) return act(() => step(-1));
    if ((alt && e.code === 'KeyA') || (plain && e.key === 'a')) return act(accept);
    if ((alt && e.code === 'KeyN') || (plain && e.key === 'n')) return act(() => write('note'));
    if ((alt && e.code === 'KeyR') || (plain && e.key === 'r')) return act(() => write('reply'));
    if (alt && e.code === 'KeyC' && current.value) {
      const c = conversations.value.get(current.value);
      if (c?.state === 'agent' && c.agentId === me.value.id) return act(() => void closeChat(c.id));
    }
    if (alt && e.code === 'KeyK') return act(() => ((pane.value = 'list'), requestAnimationFrame(() => document.getElementById('inbox-search')?.focus())));
    if (plain && e.key === '?') return act(() => (helpOpen.value = true));
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
