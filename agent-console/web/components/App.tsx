import { useEffect } from 'preact/hooks';
import { tr } from '../i18n';
import { installShortcuts } from '../keyboard';
import { connected, me, page } from '../state';
import { Help } from './Help';
import { Login } from './Login';
import { Review } from './Review';
import { TopBar } from './TopBar';
import { Workspace } from './Workspace';

export function App() {
  useEffect(() => installShortcuts(), []);
  if (!me.value) return <Login />;
  return (
    <div class={`shell${connected.value ? '' : ' offline'}`}>
      <a class="skip" href="#main">
        {tr('navChat')}
      </a>
      <TopBar />
      {page.value === 'chats' ? <Workspace /> : <Review tab={page.value} />}
      <Help />
    </div>
  );
}
