import type { ReplyLanguage } from './replies';

/** `BUSINESS_HOURS` as the config reads it (the handoff's BusinessHours has this shape; locale sits below handoff). */
export interface HoursSetting {
  readonly days: readonly number[];
  readonly open: string;
  readonly close: string;
  readonly timeZone: string;
}

const DAYS: Record<ReplyLanguage, string[]> = {
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  es: ['lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'],
};

const list = (items: string[], language: ReplyLanguage) =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} ${language === 'es' ? 'y' : 'and'} ${items[items.length - 1]}`;

/** "9:00" rather than "09:00", as people write it. */
const time = (hhmm: string) => hhmm.replace(/^0(\d)/, '$1');

/**
 * When the team answers, in words, from the `BUSINESS_HOURS` setting: "Monday to Friday, 9:00 to 18:00 (Europe/Madrid
 * time)"; without the setting agents are always there (README), so "at any time". Filled into the FAQ's `{hours}`.
 */
export function describeBusinessHours(hours: HoursSetting | undefined, language: ReplyLanguage): string {
  if (!hours) return language === 'es' ? 'a cualquier hora' : 'at any time';
  const days = [...new Set(hours.days)].sort((a, b) => a - b);
  const names = DAYS[language];
  const consecutive = days.length > 2 && days.every((d, i) => i === 0 || d === days[i - 1] + 1);
  const when =
    days.length === 7
      ? language === 'es'
        ? 'todos los días'
        : 'every day'
      : consecutive
        ? language === 'es'
          ? `de ${names[days[0] - 1]} a ${names[days[days.length - 1] - 1]}`
          : `${names[days[0] - 1]} to ${names[days[days.length - 1] - 1]}`
        : list(
            days.map((d) => names[d - 1]),
            language,
          );
  const span = language === 'es' ? `de ${time(hours.open)} a ${time(hours.close)}` : `${time(hours.open)} to ${time(hours.close)}`;
  const zone = language === 'es' ? `(hora de ${hours.timeZone})` : `(${hours.timeZone} time)`;
  return `${when}, ${span} ${zone}`;
}
