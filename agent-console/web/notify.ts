import { signal } from '@preact/signals';
import { tr } from './i18n';

/**
 * Getting an agent's attention: a short beep (WebAudio, no sound file), a desktop notification when the agent
 * allowed them, and the unread count in the tab title (state.ts). Browsers start audio only after the page has
 * had a click or a key press, so the audio context is made on the first one.
 */
let audio: AudioContext | undefined;
const unlock = () => {
  try {
    audio ??= new AudioContext();
    void audio.resume();
  } catch {
    /* no audio device: the notification and the title still tell */
  }
};
window.addEventListener('pointerdown', unlock, { once: true, capture: true });
window.addEventListener('keydown', unlock, { once: true, capture: true });

export function beep(): void {
  if (!audio) return;
  try {
    const o = audio.createOscillator();
    const g = audio.createGain();
    o.frequency.value = 880;
    g.gain.value = 0.15;
    o.connect(g).connect(audio.destination);
    o.start();
    o.stop(audio.currentTime + 0.18);
  } catch {
    /* best effort */
  }
}

/** 'default' until the agent answers the browser's question; the top bar offers a button while it is. */
export const notificationPermission = signal<NotificationPermission | 'unsupported'>('Notification' in window ? Notification.permission : 'unsupported');

export function askNotificationPermission(): void {
  if (!('Notification' in window) || Notification.permission !== 'default') return;
  void Notification.requestPermission().then(
    (p) => (notificationPermission.value = p),
    () => undefined,
  );
}

export function notify(title: string, body: string): void {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag: title });
    n.onclick = () => window.focus();
  } catch {
    /* some browsers only allow notifications from a service worker */
  }
}

export function alertOffer(customer: string, reason: string): void {
  beep();
  notify(tr('offerNotice'), `${customer} · ${reason}`);
}
