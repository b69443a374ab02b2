import { textLength } from '../../../models/textLength';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ConversationView } from '../../server/protocol';
import { CANNED, type Canned } from '../canned';
import { formatNumber, locale, tr } from '../i18n';
import { addNote, draftOf, fillTemplate, noteTyping, sendReply, settings, typing } from '../state';
import { AttachButton } from './Attachments';

/**
 * Reply and internal note, each with its own draft (state.ts keeps them per chat, so pushes, chat switches and
 * narrow-screen navigation never lose them). "/" at the start of an empty reply opens the canned replies.
 */
export function Composer({ c, mineNow }: { c: ConversationView; mineNow: boolean }) {
  const draft = draftOf(c.id);
  const mode = draft.mode.value;
  const [menu, setMenu] = useState<{ query: string; active: number } | undefined>(undefined);
  const reply = useRef<HTMLTextAreaElement>(null);
  const note = useRef<HTMLTextAreaElement>(null);
  // A supervisor writing into someone else's chat whispers to its agent; the customer never sees it.
  const whisper = !mineNow;
  const options = menu ? CANNED.filter((x) => text(x).toLowerCase().includes(menu.query.toLowerCase()) || x.id.startsWith(menu.query.toLowerCase())) : [];

  function text(x: Canned): string {
    return fillTemplate(locale() === 'es' ? x.es : x.en, c);
  }
  function insert(x: Canned): void {
    draft.reply.value = text(x);
    setMenu(undefined);
    reply.current?.focus();
  }
  async function submit(): Promise<void> {
    if (mode === 'note') {
      const body = draft.note.value;
      if (!body.trim()) return;
      if (await addNote(c.id, body)) draft.note.value = draft.note.value === body ? '' : draft.note.value;
      return;
    }
    const body = draft.reply.value;
    if (!body.trim()) return;
    const ok = whisper ? await addNote(c.id, body, true) : await sendReply(c.id, body);
    // Only what was sent is cleared: text typed while the request ran stays.
    if (ok && draft.reply.value === body) draft.reply.value = '';
  }
  /** The field to focus once it is shown: a hidden textarea takes no focus, and the tab keeps it meanwhile. */
  const focusNext = useRef<'reply' | 'note' | undefined>(undefined);
  useLayoutEffect(() => {
    const m = focusNext.current;
    focusNext.current = undefined;
    if (m) (m === 'note' ? note : reply).current?.focus();
  });
  function setMode(m: 'reply' | 'note'): void {
    setMenu(undefined);
    // Focus goes to the field before the next key: typed on the tab, "n" was the note shortcut and was lost.
    if (mode === m) return void (m === 'note' ? note : reply).current?.focus();
    focusNext.current = m;
    draft.mode.value = m;
  }

  return (
    <form class="composer" id="composer" data-mode={mode} onSubmit={(e) => (e.preventDefault(), void submit())}>
      <div class="modes" role="tablist" aria-label={tr('composerMode')}>
        <button type="button" role="tab" id="mode-reply" aria-selected={mode === 'reply'} aria-controls="composer-text" onClick={() => setMode('reply')}>
          {whisper ? tr('whisper') : tr('reply')}
        </button>
        <button type="button" role="tab" id="mode-note" aria-selected={mode === 'note'} aria-controls="note-text" onClick={() => setMode('note')}>
          {tr('internalNote')}
        </button>
      </div>
      <div class="editor">
        <textarea
          id="composer-text"
          ref={reply}
          hidden={mode !== 'reply'}
          aria-label={whisper ? tr('whisper') : tr('message')}
          placeholder={whisper ? tr('whisperOnly') : tr('typeMessage')}
          value={draft.reply.value}
          aria-controls={menu ? 'canned-menu' : undefined}
          aria-autocomplete="list"
          aria-activedescendant={menu && options[menu.active] ? `canned-${options[menu.active].id}` : undefined}
          onInput={(e) => {
            const v = e.currentTarget.value;
            draft.reply.value = v;
            if (whisper) noteTyping(c.id);
            else typing(c.id);
            setMenu(v.startsWith('/') ? { query: v.slice(1), active: 0 } : undefined);
          }}
          onKeyDown={(e) => {
            if (menu && options.length) {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const step = e.key === 'ArrowDown' ? 1 : options.length - 1;
                setMenu({ ...menu, active: (menu.active + step) % options.length });
                return;
              }
              if (e.key === 'Enter' || e.key === 'Tab') {
                e.preventDefault();
                insert(options[Math.min(menu.active, options.length - 1)]);
                return;
              }
            }
            if (menu && e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              setMenu(undefined);
              return;
            }
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <textarea
          id="note-text"
          ref={note}
          hidden={mode !== 'note'}
          aria-label={tr('internalNote')}
          placeholder={tr('typeNote')}
          value={draft.note.value}
          onInput={(e) => {
            draft.note.value = e.currentTarget.value;
            noteTyping(c.id);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        {menu && mode === 'reply' ? (
          <ul class="canned-menu" id="canned-menu" role="listbox" aria-label={tr('cannedMenu')}>
            {options.length ? (
              options.map((x, i) => (
                <li
                  key={x.id}
                  id={`canned-${x.id}`}
                  role="option"
                  data-canned={x.id}
                  aria-selected={i === menu.active}
                  class={i === menu.active ? 'active' : ''}
                  onMouseDown={(e) => (e.preventDefault(), insert(x))}
                >
                  {text(x)}
                </li>
              ))
            ) : (
              <li class="empty" role="option" aria-disabled="true" aria-selected={false}>
                {tr('noResults')}
              </li>
            )}
          </ul>
        ) : null}
      </div>
      <div class="composer-actions">
        <CharCount length={textLength((mode === 'note' ? draft.note.value : draft.reply.value).trim())} />
        {mode === 'reply' && !whisper ? <AttachButton conversationId={c.id} /> : null}
        {mode === 'reply' && !whisper ? (
          <button
            type="button"
            id="canned-open"
            aria-controls="canned-menu"
            aria-expanded={menu !== undefined}
            onClick={() => (menu ? setMenu(undefined) : (setMenu({ query: '', active: 0 }), reply.current?.focus()))}
          >
            {tr('canned')}
          </button>
        ) : null}
        <button class="primary" type="submit" id="send">
          {mode === 'note' ? tr('addNoteButton') : tr('send')}
        </button>
      </div>
    </form>
  );
}

/**
 * The server's limit, shown before sending: nothing until the last tenth (at most 500 characters) of it, then what is
 * left, then how far over (the send is refused here with the same numbers, and the draft stays to shorten).
 */
function CharCount({ length }: { length: number }) {
  const max = settings.value.maxMessageChars;
  const left = max - length;
  if (left > Math.min(500, Math.ceil(max / 10))) return null;
  return (
    <span class="char-count" id="char-count" data-over={left < 0 ? 'true' : undefined} aria-live="polite">
      {left >= 0 ? tr('charsLeft', { n: formatNumber(left) }) : tr('charsOver', { n: formatNumber(-left), max: formatNumber(max) })}
    </span>
  );
}
