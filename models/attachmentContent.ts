import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { storedAttachmentId, type AttachmentType } from './records';

/**
 * What a file is, decided by its first bytes only: never by its name or the type a client declared. An HTML page
 * named receipt.png, an SVG (which can carry script) and anything unknown are refused; what is accepted is served
 * with its detected type, `nosniff`, as a download, under a sandboxing CSP (api/attachmentRoutes.ts).
 */
export const ACCEPTED_TYPES: readonly AttachmentType[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'];

/** Raster images: the only types ever shown inline (an image preview); everything else is a download. */
export function isRasterImage(type: string): boolean {
  return type === 'image/png' || type === 'image/jpeg' || type === 'image/gif' || type === 'image/webp';
}

const EXTENSIONS: Record<AttachmentType, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'text/plain': ['txt', 'log', 'csv'],
};

const starts = (b: Buffer, sig: readonly number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The accepted type of these bytes, or undefined (refused). */
export function detectType(b: Buffer): AttachmentType | undefined {
  if (b.length === 0) return undefined;
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(b, ascii('GIF87a')) || starts(b, ascii('GIF89a'))) return 'image/gif';
  if (starts(b, ascii('RIFF')) && starts(b, ascii('WEBP'), 8)) return 'image/webp';
  if (starts(b, ascii('%PDF-'))) return 'application/pdf';
  return isPlainText(b) ? 'text/plain' : undefined;
}

/**
 * UTF-8 without NUL or other control characters (tab, line breaks and form feed aside), and not markup: text whose
 * first visible character is `<` (HTML, SVG, XML) is refused, since a browser that ignores nosniff would render it.
 */
function isPlainText(b: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return false;
  }
  if (/[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(text)) return false;
  return !text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('<');
}

/**
 * A file name safe to store and show: the last path segment only, no control or bidirectional-override
 * characters, no leading dots, at most 200 characters, and an extension that matches the detected type (one is
 * added when it does not: `invoice.html` holding a PNG becomes `invoice.html.png`).
 */
export function sanitizeFileName(raw: string | undefined, type: AttachmentType): string {
  const last = String(raw ?? '')
    .split(/[/\\]/)
    .pop()!;
  let name = last
    .replace(/[\x00-\x1f\x7f\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/["<>:|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const exts = EXTENSIONS[type];
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (!exts.includes(ext)) name = `${name || 'file'}.${exts[0]}`;
  if (name.length > 200) name = `${name.slice(0, 195 - exts[0].length)}….${exts[0]}`;
  return name;
}

export function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266); `inline` only for raster images. */
export function contentDisposition(name: string, type: string, inline: boolean): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const mode = inline && isRasterImage(type) ? 'inline' : 'attachment';
  return `${mode}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/**
 * Signed, expiring links to a stored file (`/attachments/:id?exp=…&sig=…` under PUBLIC_URL): what a customer's
 * channel is given, since an <img> or a channel's fetch cannot carry our tokens. The key is derived apart from
 * every other use of the session secret.
 */
export class AttachmentLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly lifetimeSeconds: number,
  ) {
    this.key = createHmac('sha256', secret).update('attachment-links').digest();
  }

  private sig(id: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${id}.${exp}`).digest('base64url');
  }

  url(baseUrl: string, id: string, now = Date.now()): string {
    // Rounded up to the minute: the same link for every read within it (clients cache what they showed).
    const exp = Math.ceil((now / 1000 + this.lifetimeSeconds) / 60) * 60;
    return `${baseUrl}/attachments/${encodeURIComponent(id)}?exp=${exp}&sig=${this.sig(id, exp)}`;
  }

  verify(id: string, exp: unknown, sig: unknown, now = Date.now()): boolean {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return false;
    const expected = Buffer.from(this.sig(id, Number(exp)));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected) && Number(exp) * 1000 > now;
  }
}

/**
 * An attachment as one line of a transcript export: name, type, size when known, and where those allowed get it
 * (our files: the API path, which checks who asks; a channel's file: the service's fetch path is per message).
 */
export function attachmentLine(a: { contentType: string; name?: string; size?: number; contentUrl?: string }): string {
  const id = storedAttachmentId(a);
  const size = typeof a.size === 'number' ? `, ${a.size} bytes` : '';
  return `[file] ${a.name ?? 'unnamed'} (${a.contentType}${size})${id ? ` /api/attachments/${id}` : ' (channel link)'}`;
}
