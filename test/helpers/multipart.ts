/** Builds a multipart/form-data body as a browser would (Direct Line's upload: an `activity` part and `file` parts). */
export function multipartBody(parts: { name: string; filename?: string; type?: string; data: Buffer | string }[], boundary = '----crmtest7MA4YWxk') {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { raw: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

/** A real 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** The smallest PDF header a reader accepts as one. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** The upload Web Chat sends for a message with these files. */
export function webChatUpload(files: { filename: string; type?: string; data: Buffer | string }[], activity: Record<string, unknown> = {}) {
  return multipartBody([
    {
      name: 'activity',
      type: 'application/vnd.microsoft.activity',
      data: JSON.stringify({ type: 'message', text: '', channelData: { clientActivityID: `c-${Math.random().toString(36).slice(2)}` }, ...activity }),
    },
    ...files.map((f) => ({ name: 'file', filename: f.filename, type: f.type ?? 'application/octet-stream', data: f.data })),
  ]);
}
