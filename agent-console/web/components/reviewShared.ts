import { api } from '../http';
import { tr, type Key } from '../i18n';
import { token } from '../state';

/** REST with the signed-in supervisor's token. */
export const call = <T>(path: string, init?: { method?: string; body?: unknown }) => api<T>(token.value, path, init);
/** The browser's time zone ("Pacific/Kiritimati"): the review pages say which days and times they mean. */
export const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
/**
 * A date picked in the browser ("2026-12-01") as the instants its local day starts and ends: the list shows local
 * times, so From = To = a day means that local day, not the UTC one (review 21: in UTC+14 it found nothing).
 */
export function localDay(d: string, end: boolean): string {
  const [y, m, day] = d.split('-').map(Number);
  return new Date(y, m - 1, day + (end ? 1 : 0)).toISOString();
}
export const reasonText = (r?: string) => (r ? tr(('reason_' + r) as Key) : '—');
