/**
 * Inside a Microsoft Teams tab: initialize teams-js, take the SSO token and exchange it for a console session.
 * Outside Teams (no parent frame) this does nothing and resolves false.
 */
export async function startTeams(onSession: (token: string) => void, onError: (message: string) => void): Promise<boolean> {
  if (window.parent === window) return false;
  // Loaded only inside a frame: teams-js fetches its list of valid Teams hosts as soon as it is evaluated.
  const { app, authentication } = await import('@microsoft/teams-js');
  try {
    await Promise.race([app.initialize(), new Promise((_, reject) => setTimeout(() => reject(new Error('not in Teams')), 3000))]);
  } catch {
    return false;
  }
  try {
    const ssoToken = await authentication.getAuthToken();
    const res = await fetch('/api/auth/teams', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ssoToken }) });
    const body = (await res.json()) as { token: string; error?: { message?: string } };
    if (!res.ok) throw new Error(body.error?.message ?? 'Teams sign-in failed');
    onSession(body.token);
    void app.notifySuccess();
  } catch (err) {
    onError((err as Error).message);
  }
  return true;
}
