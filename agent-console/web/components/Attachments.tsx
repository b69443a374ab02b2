import { useRef, useState } from 'preact/hooks';
import { storedAttachmentId, type AttachmentMeta, type AttachmentRecord, type Message } from '../../../models/records';
import { download } from '../http';
import { locale } from '../i18n';
import { token } from '../state';

/**
 * Files in a chat (README, Attachments): each attachment of a message as a line with its name, type and size, a
 * preview for images we keep, and a download; and the button an agent sends a file with. Files we keep are reached
 * through a short-lived link the server signs after checking who asks (an <img> cannot carry the session token);
 * a channel's own links only through the service, never directly from this browser.
 */
const STRINGS = {
  preview: { en: 'Preview', es: 'Vista previa' },
  hide: { en: 'Hide', es: 'Ocultar' },
  download: { en: 'Download', es: 'Descargar' },
  attach: { en: 'Attach a file', es: 'Adjuntar un archivo' },
  attachShort: { en: 'File…', es: 'Archivo…' },
  sendingFile: { en: 'Sending {name}…', es: 'Enviando {name}…' },
  fileFrom: { en: 'File from the channel', es: 'Archivo del canal' },
  err_ATTACHMENT_TOO_LARGE: { en: 'That file is too large to send.', es: 'Ese archivo es demasiado grande para enviarlo.' },
  err_ATTACHMENT_TYPE_REFUSED: {
    en: 'That kind of file cannot be sent: images, PDF and plain text can.',
    es: 'Ese tipo de archivo no se puede enviar: se pueden enviar imágenes, PDF y texto.',
  },
  err_ATTACHMENT_TOO_MANY: { en: 'Too many files in one message: send fewer at a time.', es: 'Demasiados archivos en un mensaje: envía menos cada vez.' },
  err_ATTACHMENT_FORBIDDEN: { en: 'You may not open this file.', es: 'No puedes abrir este archivo.' },
  err_ATTACHMENT_SOURCE_UNTRUSTED: {
    en: 'This file is on a host we do not fetch from.',
    es: 'Este archivo está en un servidor del que no descargamos.',
  },
  err_HANDOFF_NOT_OWNER: { en: 'This chat is no longer yours.', es: 'Este chat ya no es tuyo.' },
  err_HANDOFF_DELIVERY_FAILED: {
    en: 'The file is saved but the customer’s channel did not take it.',
    es: 'El archivo se guardó, pero el canal del cliente no lo aceptó.',
  },
  err_OTHER: { en: 'The file could not be handled. Try again.', es: 'No se pudo procesar el archivo. Inténtalo de nuevo.' },
} as const;

function say(key: keyof typeof STRINGS, vars: Record<string, string> = {}): string {
  return STRINGS[key][locale()].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

function errorSentence(code: string | undefined): string {
  const key = `err_${code ?? 'OTHER'}`;
  return key in STRINGS ? say(key as keyof typeof STRINGS) : say('err_OTHER');
}

export function fileSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

async function authorized(path: string): Promise<Response> {
  return fetch(path, { headers: { authorization: `Bearer ${token.value}` } });
}

async function codeOf(res: Response): Promise<string | undefined> {
  return ((await res.json().catch(() => undefined)) as { error?: { code?: string } } | undefined)?.error?.code;
}

/** The attachments of one message. */
export function AttachmentList({ m }: { m: Message }) {
  if (!m.attachments?.length) return null;
  return (
    <ul class="attachments" aria-label={m.attachments.map((a) => a.name ?? a.contentType).join(', ')}>
      {m.attachments.map((a, i) => (
        <AttachmentItem key={i} a={a} m={m} index={i} />
      ))}
    </ul>
  );
}

function AttachmentItem({ a, m, index }: { a: AttachmentMeta; m: Message; index: number }) {
  const [preview, setPreview] = useState<string | undefined>(undefined);
  const [meta, setMeta] = useState<Pick<AttachmentRecord, 'size' | 'contentType' | 'name'> | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const id = storedAttachmentId(a);
  const name = meta?.name ?? a.name ?? a.contentType;
  const type = meta?.contentType ?? a.contentType;
  const size = meta?.size ?? a.size;

  async function link(): Promise<{ url: string; preview?: string } | undefined> {
    const res = await authorized(`/api/attachments/${encodeURIComponent(id!)}/link`).catch(() => undefined);
    if (!res?.ok) {
      setError(errorSentence(res ? await codeOf(res) : 'OTHER'));
      return undefined;
    }
    const body = (await res.json()) as { url: string; preview?: string; attachment: AttachmentRecord };
    setMeta(body.attachment);
    setError(undefined);
    return body;
  }

  async function open(): Promise<void> {
    if (id) {
      const l = await link();
      if (l) download(l.url, name);
      return;
    }
    // A channel's file: fetched through the service (trusted hosts only), handed over as a local copy.
    const res = await authorized(`/api/conversations/${encodeURIComponent(m.conversationId)}/messages/${m.seq}/attachments/${index}`).catch(() => undefined);
    if (!res?.ok) return setError(errorSentence(res ? await codeOf(res) : 'OTHER'));
    const url = URL.createObjectURL(await res.blob());
    download(url, name);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  async function togglePreview(): Promise<void> {
    if (preview) return setPreview(undefined);
    const l = await link();
    if (l?.preview) setPreview(l.preview);
  }

  const image = !!id && /^image\/(png|jpeg|gif|webp)$/.test(type);
  return (
    <li class="attachment" data-attachment={id ?? `remote-${index}`}>
      <span class="file">{name}</span>
      <span class="meta">{[type, fileSize(size)].filter(Boolean).join(' · ') || (id ? '' : say('fileFrom'))}</span>
      {image ? (
        <button type="button" class="link" data-preview onClick={() => void togglePreview()}>
          {preview ? say('hide') : say('preview')}
        </button>
      ) : null}
      <button type="button" class="link" data-download onClick={() => void open()}>
        {say('download')}
      </button>
      {error ? (
        <span class="status failed" role="alert">
          {error}
        </span>
      ) : null}
      {preview ? (
        <div class="attachment-preview-row">
          <img class="attachment-preview" src={preview} alt={name} />
        </div>
      ) : null}
    </li>
  );
}

/** The agent's button to send a file into a chat they hold. */
export function AttachButton({ conversationId }: { conversationId: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  async function send(file: File): Promise<void> {
    setBusy(file.name);
    setError(undefined);
    const form = new FormData();
    form.append('file', file, file.name);
    form.append('clientMessageId', `f-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`);
    const res = await fetch(`/api/conversations/${encodeURIComponent(conversationId)}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.value}` },
      body: form,
    }).catch(() => undefined);
    setBusy(undefined);
    if (!res?.ok) setError(errorSentence(res ? await codeOf(res) : 'OTHER'));
  }

  return (
    <span class="attach">
      <input
        ref={input}
        id="attach-file"
        type="file"
        hidden
        accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) void send(file);
        }}
      />
      <button type="button" id="attach" title={say('attach')} disabled={!!busy} onClick={() => input.current?.click()}>
        {say('attachShort')}
      </button>
      {busy ? <span class="status">{say('sendingFile', { name: busy })}</span> : null}
      {error ? (
        <span class="status failed" role="alert" id="attach-error">
          {error}
        </span>
      ) : null}
    </span>
  );
}
