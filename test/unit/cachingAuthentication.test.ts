import { BotFrameworkAuthentication, ClaimsIdentity, ConnectorFactory, type ConnectorClient } from 'botframework-connector';
import { CachingBotFrameworkAuthentication } from '../../bot/cachingAuthentication';

/** The one fake here: the wrapped authentication, to count how often clients are built. */
class CountingAuth extends BotFrameworkAuthentication {
  built = 0;
  authenticated = 0;
  private factory(): ConnectorFactory {
    const onBuild = () => this.built++;
    return new (class extends ConnectorFactory {
      create(serviceUrl: string): Promise<ConnectorClient> {
        onBuild();
        return Promise.resolve({ serviceUrl } as unknown as ConnectorClient);
      }
    })();
  }
  authenticateRequest(_activity: unknown, authHeader: string) {
    this.authenticated++;
    if (authHeader !== 'Bearer good') return Promise.reject(new Error('unauthorized'));
    return Promise.resolve({
      claimsIdentity: new ClaimsIdentity([{ type: 'aud', value: 'app-1' }], true),
      audience: 'a',
      callerId: '',
      connectorFactory: this.factory(),
    });
  }
  authenticateStreamingRequest(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  createConnectorFactory(): ConnectorFactory {
    return this.factory();
  }
  createUserTokenClient(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
}

test('every request is still authenticated; connector clients are built once per service URL', async () => {
  const inner = new CountingAuth();
  const auth = new CachingBotFrameworkAuthentication(inner);
  await expect(auth.authenticateRequest({} as never, 'Bearer bad')).rejects.toThrow('unauthorized');
  const a = await auth.authenticateRequest({} as never, 'Bearer good');
  const b = await auth.authenticateRequest({} as never, 'Bearer good');
  expect(inner.authenticated).toBe(3);
  const c1 = await a.connectorFactory!.create('https://one.example', 'x');
  const c2 = await b.connectorFactory!.create('https://one.example', 'x');
  const c3 = await b.connectorFactory!.create('https://two.example', 'x');
  expect(c1).toBe(c2);
  expect(c3).not.toBe(c1);
  expect(inner.built).toBe(2);
});
