import { startTestApp, type RunningApp } from '../helpers/testApp';

/**
 * An outside tester (wave 24): signing in with "AGENT2@demo.local " (a trailing blank, as autofill and pasting
 * leave) answered 400 "Invalid email", while upper case alone worked. The address is trimmed before it is read, and
 * its failures count against the same account and address as the bare one. Real HTTP on port 0.
 */
describe('sign-in with blanks around the e-mail', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startTestApp();
    await running.app.services.auth.createUser({ email: 'agent2@demo.local', name: 'Agent Two', password: 'right password 123', role: 'agent' });
  });
  afterAll(() => running.stop());

  const login = (email: string, password: string) =>
    fetch(`${running.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

  test.each(['AGENT2@demo.local ', ' agent2@demo.local', '\tAgent2@Demo.Local \n'])('%j signs in as agent2@demo.local', async (email) => {
    const res = await login(email, 'right password 123');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; user: { email: string } };
    expect(body.user.email).toBe('agent2@demo.local');
    expect(typeof body.token).toBe('string');
  });

  test('a wrong password with a blank is a 401 that counts on the same pair (the sixth attempt waits)', async () => {
    await running.app.services.auth.createUser({ email: 'agent3@demo.local', name: 'Agent Three', password: 'right password 123', role: 'agent' });
    const codes: number[] = [];
    for (const email of ['agent3@demo.local ', 'agent3@demo.local', ' AGENT3@demo.local', 'agent3@demo.local  ', 'agent3@demo.local'])
      codes.push((await login(email, 'wrong')).status);
    expect(codes).toEqual([401, 401, 401, 401, 401]);
    const blocked = await login(' agent3@demo.local ', 'right password 123');
    expect(blocked.status).toBe(429);
  });

  test('what is not an address is still refused once trimmed', async () => {
    const res = await login('   ', 'whatever');
    expect(res.status).toBe(400);
  });
});
