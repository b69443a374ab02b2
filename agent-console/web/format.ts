import { visitorNumber } from '../../models/visitorLabel';
import { locale, tr } from './i18n';

/** How people call the channels; an unknown channel id is shown as it is. */
const CHANNELS: Record<string, { en: string; es: string }> = {
  webchat: { en: 'web chat', es: 'chat web' },
  directline: { en: 'web chat', es: 'chat web' },
  msteams: { en: 'Teams', es: 'Teams' },
  facebook: { en: 'Facebook', es: 'Facebook' },
  instagram: { en: 'Instagram', es: 'Instagram' },
  whatsapp: { en: 'WhatsApp', es: 'WhatsApp' },
  twitter: { en: 'X', es: 'X' },
  telegram: { en: 'Telegram', es: 'Telegram' },
  slack: { en: 'Slack', es: 'Slack' },
  email: { en: 'email', es: 'correo' },
  sms: { en: 'SMS', es: 'SMS' },
  emulator: { en: 'Emulator', es: 'Emulator' },
};

export function channelName(channelId: string): string {
  return CHANNELS[channelId]?.[locale()] ?? channelId;
}

/**
 * Customer-supplied text shown inside a line of ours ("<name> · Customer"), without the direction controls
 * (embeddings, overrides, isolates, marks) that could reorder the labels around it: "\u202Enimda adA" shows as
 * stored. Where the text has its own element it is isolated as well (<bdi>, dir="auto").
 */
export function isolate(text: string): string {
  return text.replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** "Visitor 4821": the one label of a customer who gave no name, numbered from the profile's id wherever it shows. */
export function visitorLabel(customerId: string): string {
  return `${tr('visitor')} ${visitorNumber(customerId)}`;
}

/**
 * "Ana López" (see isolate), or for someone who never gave a name "Visitor 4821". With `channelId`, the visitor's
 * channel too ("Visitor 4821 · web chat"): only where nothing beside the label names the channel (a desktop
 * notification); a page that shows the channel as its own fact shows it once.
 */
export function customerLabel(name: string | undefined, customerId: string, channelId?: string): string {
  if (name?.trim()) return isolate(name);
  const base = visitorLabel(customerId);
  return channelId ? `${base} · ${channelName(channelId)}` : base;
}

/**
 * A contact point of the customer `customerId` as people read it: "web chat · Ana López", an address the person gave
 * ("sms · +34 600 000 000"), or for an opaque channel id (a web visitor's `web-…`, a Teams id) "web chat · Visitor
 * 4821", the same visitor label as the profile's name (visitorLabel), never a second number for the same person.
 */
export function identityLabel(i: { channelId: string; userId: string; name?: string }, customerId: string): string {
  const readable = i.name?.trim() || (/^[^\s@]+@[^\s@]+\.[^\s@]+$|^\+?[\d\s()-]{6,}$/.test(i.userId) ? i.userId : undefined);
  return `${channelName(i.channelId)} · ${readable ? isolate(readable) : visitorLabel(customerId)}`;
}

/**
 * A figure with exactly `digits` decimals in the console's language ("0.42", "−" as the language writes it, "0,42" in
 * Spanish). Never "-0.00": a tiny negative figure (an average of −0.001) rounds to zero and reads as zero.
 */
export function decimal(n: number, digits: number): string {
  const rounded = Number(n.toFixed(digits));
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(rounded === 0 ? 0 : rounded);
}

/**
 * A name as compared for "is this a staff member's name": NFKC, without invisible and direction controls, lower case,
 * accents dropped, words joined ("María  López" and "maria lopez" meet). The server's own check when a name is given
 * (profile/reservedNames.ts) folds look-alike letters too; this one only tells agents about names already kept.
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\p{Cf}\u200b-\u200f\u2060-\u2064\ufeff]/gu, '')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(' ');
}

/** "45 s", "4 min", "2 h 5 min" */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** A countdown: "0:42", "9:52". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export type SlaState = 'ok' | 'warn' | 'breach';

/** Against a service level: due soon from three quarters of it, overdue past it. */
export function slaState(elapsedSeconds: number, limitSeconds: number): SlaState {
  if (elapsedSeconds >= limitSeconds) return 'breach';
  return elapsedSeconds >= limitSeconds * 0.75 ? 'warn' : 'ok';
}

export function secondsSince(iso: string | undefined, now: number): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.max(0, (now - t) / 1000) : null;
}

export function dateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function timeOfDay(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { timeStyle: 'short' }).format(new Date(iso));
}
