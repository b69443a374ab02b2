/**
 * T31, the account made a moment ago: a staff account created by another process over the same store (usersCli, a
 * second instance) reserves its name at once. The app's own list of staff names may lag such an account; the
 * decision to keep a customer's name is taken on the store's accounts as they are when it is taken.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AuthService } from '../../auth/authService';
import { SqliteStore } from '../../store/sqliteStore';
import { messageActivity, post } from '../helpers/activities';
import { startSecurityApp, type SecurityApp } from './helpers';

jest.setTimeout(120_000);

describe('T31 a staff account made by another process is reserved at once', () => {
  let s: SecurityApp;
  beforeAll(async () => {
    s = await startSecurityApp();
    // The running app has read the staff names (and a first customer has been served) before the account exists.
    await post(s.url, messageActivity({ conversation: { id: `c-${randomUUID()}` }, from: { id: `u-${randomUUID()}`, name: 'Early Bird' }, text: 'hello' }));
    const other = new SqliteStore(path.join(s.dir, 'crm.sqlite'));
    await other.init();
    try {
      await new AuthService(other, 'another-process-secret-0123456789abcdef', 3600).createUser({
        email: 'diego@demo.local',
        name: 'Diego Ramos',
        password: 'correct horse battery',
        role: 'agent',
      });
    } finally {
      await other.close();
    }
  });
  afterAll(() => s.stop());

  test('"call me Diego Ramos" is refused, and the name is not kept', async () => {
    const user = `u-${randomUUID()}`;
    const r = await post(s.url, messageActivity({ conversation: { id: `c-${randomUUID()}` }, from: { id: user }, text: 'call me Diego Ramos' }));
    expect(r.replies.join(' | ')).toMatch(/cannot use that name/);
    expect(r.replies.join(' | ')).not.toMatch(/Nice to meet you/);
    const c = await s.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: user });
    expect(c?.displayName).toBeUndefined();
  });

  test('a channel name "diego RAMOS" on first contact is not kept', async () => {
    const user = `u-${randomUUID()}`;
    await post(s.url, messageActivity({ conversation: { id: `c-${randomUUID()}` }, from: { id: user, name: 'diego RAMOS' }, text: 'hello' }));
    const c = await s.app.store.findCustomerByKey({ kind: 'channel', channelId: 'test', userId: user });
    expect(c?.displayName).toBeUndefined();
    expect(c?.identities.map((i) => i.name)).toEqual([undefined]);
  });
});
