import type { IntroductionRow } from './selfIntroductions';

/**
 * A second set, written after the rule (dialogs/givenName.ts) by its author without running it first, to measure it
 * on sentences its word lists were not written beside: selfIntroductions.ts was in view while they were written.
 * Not tuned to the rule afterwards either: what it gets wrong is listed where it is tested.
 */
const en = (text: string, name: string | null, more: Partial<IntroductionRow> = {}): IntroductionRow => ({ text, locale: 'en-US', name, ...more });
const es = (text: string, name: string | null, more: Partial<IntroductionRow> = {}): IntroductionRow => ({ text, locale: 'es-ES', name, ...more });

export const HELD_OUT: IntroductionRow[] = [
  en("hey i'm kwame", 'kwame'),
  en('I am Chiara Rossi', 'Chiara Rossi'),
  en('hello im Tom, my parcel never came', 'Tom'),
  en("I'm Nadia and I'd like a refund for order 12345", 'Nadia'),
  en("i'm fatima", 'fatima'),
  en("Hi there, I'm Oluwaseun", 'Oluwaseun'),
  en('my name is Grace', 'Grace'),
  en('im lee', 'lee'),
  en("I'm Bot", 'Bot', { reserved: true }),
  en('I am Admin', 'Admin', { reserved: true }),
  en("I'm starving", null),
  en("I'm exhausted", null),
  en('im pissed off', null),
  en("I'm over it", null),
  en('I am a teacher', null),
  en("I'm 30", null),
  en('im at work', null),
  en("I'm homeless", null),
  en("I'm ecstatic", null),
  en("I'm vegan, do you sell leather?", null),
  en("I'm allergic to wool", null),
  en("I'm bored", null),
  en("I'm scared my card was stolen", null),
  en('I am overcharged', null),
  en("I'm Canadian", null),
  en("i'm sick of this", null),
  en('I am your customer', null),
  en("I'm Mr Brown's assistant", null),
  es('soy Valentina', 'Valentina'),
  es('hola, soy paco', 'paco'),
  es('me llamo Xiomara y quiero devolver unas botas', 'Xiomara'),
  es('soy Mateo, quiero hablar con una persona', 'Mateo', { request: 'person' }),
  es('buenas tardes soy Marta López', 'Marta López'),
  es('soy Operador', 'Operador', { reserved: true }),
  es('soy enfermera', null),
  es('soy vegana', null),
  es('soy profesor', null),
  es('soy argentina', null),
  es('soy pensionista', null),
  es('soy repartidor', null),
  es('soy feliz', null),
  es('soy la madre de Lucía', null),
  es('soy diseñadora gráfica', null),
  es('soy yo, Ana', null),
  es('soy consciente de que tarda', null),
  es('soy un desastre con las contraseñas', null),
];
