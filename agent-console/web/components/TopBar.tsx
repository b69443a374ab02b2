import { tr, type Key } from '../i18n';
import { askNotificationPermission, notificationPermission } from '../notify';
import { error, errorMessage, helpOpen, isLead, me, page, presence, setPresence, signOut, type ReviewTab } from '../state';
import { LanguagePicker } from './LanguagePicker';

export function TopBar() {
  const user = me.value!;
  const tabs: ['chats' | ReviewTab, Key][] = [
    ['chats', 'tabChats'],
    ['transcripts', 'tabTranscripts'],
    ['dashboard', 'tabDashboard'],
    ...(user.role === 'admin' ? [['audit', 'tabAudit'] as ['audit', Key]] : []),
  ];
  return (
    <header class="topbar">
      <strong class="brand">{tr('consoleTitle')}</strong>
      {isLead.value ? (
        <nav class="tabs" aria-label={tr('navigation')}>
          {tabs.map(([v, k]) => (
            <button
              key={v}
              id={`tab-${v}`}
              class={page.value === v ? 'active' : ''}
              aria-current={page.value === v ? 'page' : undefined}
              onClick={() => (page.value = v)}
            >
              {tr(k)}
            </button>
          ))}
        </nav>
      ) : null}
      <select
        id="presence"
        aria-label={tr('presence')}
        value={presence.value}
        onChange={(e) => setPresence(e.currentTarget.value as 'online' | 'away' | 'offline')}
      >
        <option value="online">{tr('online')}</option>
        <option value="away">{tr('away')}</option>
        <option value="offline">{tr('offline')}</option>
      </select>
      <span class="spacer" />
      {notificationPermission.value === 'default' ? (
        <button id="notify-on" onClick={askNotificationPermission}>
          {tr('notifyOn')}
        </button>
      ) : null}
      <span class="who-am-i">{user.name}</span>
      <LanguagePicker />
      <button
        id="help-open"
        aria-haspopup="dialog"
        aria-expanded={helpOpen.value}
        title={tr('shortcuts')}
        aria-label={tr('shortcuts')}
        onClick={() => (helpOpen.value = true)}
      >
        ?
      </button>
      <button id="sign-out" onClick={() => void signOut()}>
        {tr('signOut')}
      </button>
      {error.value ? (
        <div class="alert" role="alert" id="error">
          <span>{errorMessage.value}</span>
          <button class="link" onClick={() => (error.value = '')}>
            {tr('dismiss')}
          </button>
        </div>
      ) : null}
    </header>
  );
}
