import { createLogger } from '../../core/logger';
import { SupportAdapter } from '../../bot/supportAdapter';

describe('SupportAdapter.isTrustedServiceUrl: answers kept per URL', () => {
  const adapter = new SupportAdapter({ appType: 'MultiTenant', anonymous: true }, createLogger('silent'), ['https://*.botframework.com', 'http://127.0.0.1:*']);

  test('the same answers on every call, trusted or not', () => {
    const cases: [unknown, boolean][] = [
      ['https://smba.trafficmanager.botframework.com/emea/', true],
      ['http://127.0.0.1:3978/', true],
      ['https://evil.example/', false],
      // Credentials dressing one host up as another stay refused, asked once or many times.
      ['https://smba.botframework.com@evil.example/', false],
      ['not a url', false],
      [undefined, false],
      [42, false],
    ];
    for (let round = 0; round < 3; round++) for (const [url, trusted] of cases) expect([url, adapter.isTrustedServiceUrl(url)]).toEqual([url, trusted]);
  });

  test('past its bound the kept answers are dropped, and every URL is still judged right', () => {
    for (let i = 0; i < 1500; i++) {
      expect(adapter.isTrustedServiceUrl(`https://made-up-${i}.example/`)).toBe(false);
      if (i % 500 === 0) expect(adapter.isTrustedServiceUrl('https://smba.trafficmanager.botframework.com/emea/')).toBe(true);
    }
  });
});
