import { render } from 'preact';
import { App } from './components/App';
import * as state from './state';
import { startTeams } from './teams';

/**
 * The agent console: Preact components over signals (state.ts). Customer-supplied text only ever reaches the
 * page as text children or attribute values, which Preact sets as text and properties, never as markup.
 */
render(<App />, document.getElementById('app')!);

void startTeams(
  (token) => state.useToken(token),
  () => (state.error.value = 'TEAMS_FAILED'),
).then((inTeams) => {
  if (!inTeams && state.token.value) state.useToken(state.token.value);
});
