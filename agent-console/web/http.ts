import type { ErrorResponse } from '../../api/wire';
import { errorText } from './i18n';

/** A refused REST call: the coded error, shown to people through errorText(). */
export class ApiError extends Error {
  constructor(readonly code: string) {
    super(errorText(code));
  }
}

/** JSON over fetch with the session token; T is the answer's type from api/wire.ts, the module the routes answer with. */
export async function api<T>(token: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  }).catch(() => undefined);
  if (!res) throw new ApiError('TIMEOUT');
  const body: unknown = res.status === 204 ? undefined : await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError((body as Partial<ErrorResponse> | undefined)?.error?.code ?? 'INTERNAL');
  return body as T;
}

/** Starts a download of a same-origin link without leaving the page. */
export function download(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
}
