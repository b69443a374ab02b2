import { loadConfig } from '../../core/config';
import { loadKnowledge } from '../../dialogs/knowledge';
import { describeBusinessHours, type HoursSetting } from '../../locale/businessHoursText';

/**
 * An outside tester (session 28): the FAQ stated "Monday to Friday, 9:00 to 18:00 (CET)" while `BUSINESS_HOURS` was
 * unset, which README defines as always open. The contact article now says what the setting says.
 */
describe('the FAQ tells the hours the queue keeps', () => {
  test('unset: at any time, and no weekdays or hours stated', () => {
    const kb = loadKnowledge();
    expect(kb.answer('kb.contact', 'en')).toMatch(/^Our team answers in this chat at any time, and by e-mail/);
    expect(kb.answer('kb.contact', 'es')).toMatch(/^Nuestro equipo responde en este chat a cualquier hora, y por correo/);
    for (const language of ['en', 'es']) expect(kb.answer('kb.contact', language)).not.toMatch(/\d:\d\d|Monday|lunes|\{hours\}/);
  });

  test('set: the days, the window and the time zone of the setting, in the customer language', () => {
    const config = loadConfig({ NODE_ENV: 'test', BUSINESS_HOURS: '1-5 09:00-18:00', BUSINESS_TIMEZONE: 'Europe/Madrid' });
    const kb = loadKnowledge(undefined, config.handoff.businessHours);
    expect(kb.answer('kb.contact', 'en')).toContain('in this chat Monday to Friday, 9:00 to 18:00 (Europe/Madrid time), and');
    expect(kb.answer('kb.contact', 'es')).toContain('en este chat de lunes a viernes, de 9:00 a 18:00 (hora de Europe/Madrid), y');
  });

  const hours = (days: number[], open: string, close: string): HoursSetting => ({ days, open, close, timeZone: 'UTC' });
  test.each([
    [hours([1, 2, 3, 4, 5, 6, 7], '08:30', '20:00'), 'en', 'every day, 8:30 to 20:00 (UTC time)'],
    [hours([1, 3, 5], '10:00', '14:00'), 'en', 'Monday, Wednesday and Friday, 10:00 to 14:00 (UTC time)'],
    [hours([6, 7], '10:00', '14:00'), 'es', 'sábado y domingo, de 10:00 a 14:00 (hora de UTC)'],
    [hours([2, 3, 4], '09:00', '17:00'), 'es', 'de martes a jueves, de 9:00 a 17:00 (hora de UTC)'],
  ])('%j (%s): %s', (h, language, words) => {
    expect(describeBusinessHours(h, language as 'en' | 'es')).toBe(words);
  });
});
