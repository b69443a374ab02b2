import { useEffect, useRef } from 'preact/hooks';
import { tr } from '../i18n';
import { SHORTCUTS } from '../keyboard';
import { helpOpen } from '../state';

/** The keyboard shortcuts; opened with "?" or the top bar's button, closed with Escape. Focus comes back after. */
export function Help() {
  const close = useRef<HTMLButtonElement>(null);
  const before = useRef<Element | null>(null);
  const on = helpOpen.value;
  useEffect(() => {
    if (on) {
      before.current = document.activeElement;
      close.current?.focus();
    } else if (before.current instanceof HTMLElement) {
      before.current.focus();
      before.current = null;
    }
  }, [on]);
  if (!on) return null;
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && (helpOpen.value = false)}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" id="help">
        <h2 id="help-title">{tr('shortcuts')}</h2>
        <table class="shortcuts">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.what}>
                <td>
                  {s.keys.map((k, i) => (
                    <span key={k}>
                      {i ? ' / ' : ''}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </td>
                <td>{tr(s.what)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button ref={close} id="help-close" class="primary" onClick={() => (helpOpen.value = false)} onKeyDown={(e) => e.key === 'Tab' && e.preventDefault()}>
          {tr('closeHelp')}
        </button>
      </div>
    </div>
  );
}
