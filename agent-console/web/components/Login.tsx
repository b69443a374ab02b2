import { useState } from 'preact/hooks';
import { tr } from '../i18n';
import { error, errorMessage, signIn } from '../state';
import { LanguagePicker } from './LanguagePicker';

export function Login() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <main class="login-page">
      <form class="login" onSubmit={(e) => (e.preventDefault(), void signIn(email, password))}>
        <h1>{tr('consoleTitle')}</h1>
        <label>
          {tr('email')}
          <input id="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {tr('password')}
          <input id="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <button class="primary" type="submit" id="sign-in">
          {tr('signIn')}
        </button>
        {error.value ? (
          <div class="error" role="alert">
            {errorMessage.value}
          </div>
        ) : null}
        <LanguagePicker />
      </form>
    </main>
  );
}
