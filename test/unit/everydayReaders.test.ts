import { refusesContact } from '../../dialogs/contactRefusal';
import { asksMarketingFrequency, asksMarketingState, besideOptOut, optOutPart } from '../../dialogs/marketingQuestion';
import { asksAboutWait } from '../../dialogs/waitQuestion';

/** The word readers behind everydayPhrasings.test.ts, with the messages they must leave alone. */
describe('a question about the wait while queued', () => {
  test.each([
    'how long will this take?',
    'how much longer?',
    'what number am I in the queue',
    '¿cuánto queda?',
    '¿voy a tardar mucho en ser atendido? ¿cuánto tiempo?',
  ])('read: %s', (text) => expect(asksAboutWait(text)).toBe(true));
  test.each([
    'how long does delivery take',
    'how long do refunds take?',
    'still waiting for my grey armchair',
    'where is order 12345, I have been waiting for ages',
    '¿cuánto tarda en llegar el paquete?',
    'sigo esperando el reembolso',
  ])('left alone: %s', (text) => expect(asksAboutWait(text)).toBe(false));
});

describe('a refusal to give a contact detail', () => {
  test.each(['no', "I'd rather not", "don't want to share my phone", 'not comfortable sharing that', 'no gracias', 'prefiero mantenerlo privado', 'mejor no'])(
    'read: %s',
    (text) => expect(refusesContact(text)).toBe(true),
  );
  test.each(['ana@example.com', "I'd rather not use my old one, use ana@example.com", '+34 600 123 456', 'where is order 12345', 'hmm let me check'])(
    'not a refusal: %s',
    (text) => expect(refusesContact(text)).toBe(false),
  );
});

describe('how often news and offers come', () => {
  test('at the consent question any frequency question counts; elsewhere it must name what we send', () => {
    expect(asksMarketingFrequency('how often?', true)).toBe(true);
    expect(asksMarketingFrequency('how often?')).toBe(false);
    expect(asksMarketingFrequency('how often do you send offers')).toBe(true);
    expect(asksMarketingFrequency('how many emails about my order will I get')).toBe(false);
    expect(asksMarketingFrequency('¿con qué frecuencia mandáis el boletín?')).toBe(true);
    expect(asksMarketingFrequency('I want the newsletter')).toBe(false);
  });
});

describe('what a message asks beside an opt-out', () => {
  test.each([
    ['where is order 12345? also please stop the marketing emails', 'where is order 12345?'],
    ['cancel order 55555 and unsubscribe me', 'cancel order 55555'],
    ['quiero darme de baja y además saber dónde está mi pedido 12345', 'dónde está mi pedido 12345'],
    ['unsubscribe me from the newsletter', ''],
    ['stop sending me offers please', ''],
  ])('%s → "%s"', (text, rest) => expect(besideOptOut(text)).toBe(rest));
});

describe('the opt-out part of a message that asks something else (outside tester 32, H4)', () => {
  test.each([
    ['where is my order 12345? and please stop the sms promos', 'please stop the sms promos'],
    ['¿dónde está mi pedido 12345? y ya no me manden promos por sms', 'ya no me manden promos por sms'],
    ['has order 12345 shipped yet? pls stop texting me promos', 'pls stop texting me promos'],
  ])('%s → "%s"', (text, part) => expect(optOutPart(text)).toBe(part));
  test.each(['stop sending me offers please', 'where is order 12345?', 'cancel order 55555'])('none apart: %s', (text) =>
    expect(optOutPart(text)).toBeUndefined(),
  );
});

describe('where one stands on news and offers, asked (outside tester 32, M1)', () => {
  test.each([
    'what offers am I signed up for?',
    'am i on your mailing list',
    'what are my marketing preferences?',
    '¿estoy suscrito a vuestras ofertas?',
    '¿me llegan vuestras promociones por whatsapp?',
  ])('read: %s', (text) => expect(asksMarketingState(text)).toBe(true));
  test.each([
    'what offers do I get if I sign up?',
    'am I getting a refund?',
    'can I get offers by SMS?',
    'do I get order updates by email?',
    'am I subscribed? unsubscribe me',
    'I want offers',
  ])('left alone: %s', (text) => expect(asksMarketingState(text)).toBe(false));
});
