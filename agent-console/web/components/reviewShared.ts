import { api } from '../http';
import { tr, type Key } from '../i18n';
import { token } from '../state';

/** REST with the signed-in supervisor's token. */
export const call = <T>(path: string, init?: { method?: string; body?: unknown }) => api<T>(token.value, path, init);
export const reasonText = (r?: string) => (r ? tr(('reason_' + r) as Key) : '—');
