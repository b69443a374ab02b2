import { AttachmentLinks, attachmentLine, contentDisposition, detectType, sanitizeFileName } from '../../models/attachmentContent';
import { loadConfig } from '../../core/config';
import { isAppError } from '../../core/errors';
import { AttachmentSources, isPublicAddress } from '../../core/serviceUrls';
import { PDF, PNG } from '../helpers/multipart';

describe('attachment content checks', () => {
  test.each([
    ['PNG', PNG, 'image/png'],
    ['JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'image/jpeg'],
    ['GIF', Buffer.from('GIF89a\x01\x00', 'latin1'), 'image/gif'],
    ['WebP', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]), 'image/webp'],
    ['PDF', PDF, 'application/pdf'],
    ['UTF-8 text', Buffer.from('Pedido 12345: llegó roto ☹\r\n\tgracias'), 'text/plain'],
    ['HTML', Buffer.from('<!doctype html><p>hi'), undefined],
    ['SVG', Buffer.from('<svg onload=alert(1)>'), undefined],
    ['markup after a BOM and blank lines', Buffer.from('\uFEFF\n\n  <html>'), undefined],
    ['text with NUL bytes', Buffer.from('abc\u0000def'), undefined],
    ['invalid UTF-8', Buffer.from([0x61, 0xc3, 0x28]), undefined],
    ['RIFF that is not WebP (a WAV)', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE')]), undefined],
    ['empty', Buffer.alloc(0), undefined],
  ])('%s → %s', (_what, bytes, type) => {
    expect(detectType(bytes)).toBe(type);
  });

  test('names keep no path, control or direction characters, and always end in the detected type', () => {
    expect(sanitizeFileName('C:\\Users\\ana\\photo.JPG', 'image/jpeg')).toBe('photo.JPG');
    expect(sanitizeFileName('a/b/../c.pdf', 'application/pdf')).toBe('c.pdf');
    expect(sanitizeFileName('x"; filename=evil.html', 'text/plain')).toBe('x_; filename=evil.html.txt');
    expect(sanitizeFileName(undefined, 'image/png')).toBe('file.png');
    expect(sanitizeFileName('a'.repeat(500) + '.png', 'image/png').length).toBeLessThanOrEqual(200);
    expect(contentDisposition('résumé "1".pdf', 'application/pdf', true)).toBe(
      `attachment; filename="r_sum_ _1_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%221%22.pdf`,
    );
  });

  test('signed links: valid until they expire, bound to one file', () => {
    const links = new AttachmentLinks('s'.repeat(40), 600);
    const now = Date.UTC(2026, 10, 30, 12);
    const url = new URL(links.url('https://crm.example', 'file-1', now));
    const [exp, sig] = [url.searchParams.get('exp')!, url.searchParams.get('sig')!];
    expect(links.verify('file-1', exp, sig, now)).toBe(true);
    expect(links.verify('file-2', exp, sig, now)).toBe(false);
    expect(links.verify('file-1', String(Number(exp) + 60), sig, now)).toBe(false);
    expect(links.verify('file-1', exp, sig, now + 11 * 60_000)).toBe(false);
    expect(new AttachmentLinks('t'.repeat(40), 600).verify('file-1', exp, sig, now)).toBe(false);
  });

  test('only public addresses are fetched, unless a loopback name is trusted literally', () => {
    for (const a of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ])
      expect([a, isPublicAddress(a)]).toEqual([a, false]);
    for (const a of ['52.114.128.1', '2603:1030::1', '::ffff:52.114.128.1']) expect([a, isPublicAddress(a)]).toEqual([a, true]);
    expect(AttachmentSources.addressAllowed('127.0.0.1', 'localhost')).toBe(true);
    expect(AttachmentSources.addressAllowed('10.0.0.1', 'localhost')).toBe(false);
    expect(AttachmentSources.addressAllowed('127.0.0.1', 'files.example.com')).toBe(false);
    const sources = new AttachmentSources(['https://*.botframework.com'], ['https://cdn.example.com']);
    expect(sources.classify('https://smba.botframework.com/v3/attachments/1')).toBe('service');
    expect(sources.classify('https://cdn.example.com/a.png')).toBe('host');
    expect(sources.classify('https://cdn.example.com.evil.io/a.png')).toBeUndefined();
    expect(sources.classify('http://cdn.example.com/a.png')).toBeUndefined();
  });

  test('a transcript export shows a file as a line: name, type, size and where to get it', () => {
    expect(attachmentLine({ contentType: 'image/png', name: 'receipt.png', size: 70, contentUrl: 'crm-attachment:abcdefgh12' })).toBe(
      '[file] receipt.png (image/png, 70 bytes) /api/attachments/abcdefgh12',
    );
    expect(attachmentLine({ contentType: 'application/pdf', name: 'x.pdf', contentUrl: 'https://smba.trafficmanager.net/a/1' })).toBe(
      '[file] x.pdf (application/pdf) (channel link)',
    );
  });

  test('attachment settings: defaults, and every bad value listed at start', () => {
    expect(loadConfig({}).attachments).toEqual({ maxBytes: 10 * 1024 * 1024, urlSeconds: 3600, hosts: [] });
    const err = (() => {
      try {
        loadConfig({ ATTACHMENT_MAX_BYTES: String(16 * 1024 * 1024), ATTACHMENT_URL_SECONDS: '5', ATTACHMENT_HOSTS: 'ftp://x, https://ok.example.com' });
      } catch (e) {
        return e;
      }
    })();
    expect(isAppError(err, 'CONFIG_INVALID')).toBe(true);
    const problems = (err as { details: string[] }).details;
    expect(problems.filter((p) => p.startsWith('ATTACHMENT_'))).toHaveLength(3);
    const prod = (() => {
      try {
        loadConfig({ NODE_ENV: 'production', ATTACHMENT_HOSTS: 'http://cdn.example.com' });
      } catch (e) {
        return (e as { details: string[] }).details;
      }
    })();
    expect(prod?.some((p) => /ATTACHMENT_HOSTS: "http:\/\/cdn.example.com" is plain http/.test(p))).toBe(true);
  });
});
