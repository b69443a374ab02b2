import { tr } from '../i18n';
import { current, pane, unreadTotal, type Pane } from '../state';
import { ChatPane } from './ChatPane';
import { Inbox } from './Inbox';
import { Profile } from './Profile';

/**
 * List, chat and customer side by side on wide screens; on narrow ones (CSS decides) one of them at a time,
 * with a bar to move between them. Every pane stays mounted, so moving never loses what was typed.
 */
export function Workspace() {
  const go = (p: Pane) => (pane.value = p);
  const nav: [Pane, 'navList' | 'navChat' | 'navProfile'][] = [
    ['list', 'navList'],
    ['chat', 'navChat'],
    ['profile', 'navProfile'],
  ];
  return (
    <div class="workspace" data-pane={pane.value}>
      <nav class="pane-nav" aria-label={tr('navigation')}>
        {nav.map(([p, k]) => (
          <button key={p} id={`nav-${p}`} aria-current={pane.value === p ? 'true' : undefined} disabled={p !== 'list' && !current.value} onClick={() => go(p)}>
            {tr(k)}
            {p === 'list' && unreadTotal.value > 0 ? (
              <span class="badge" aria-label={`${unreadTotal.value} ${tr('unreadMessages')}`}>
                {unreadTotal.value}
              </span>
            ) : null}
          </button>
        ))}
      </nav>
      <Inbox />
      <ChatPane />
      <Profile />
    </div>
  );
}
