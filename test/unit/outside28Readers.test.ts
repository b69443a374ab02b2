import { codeAside } from '../../dialogs/codeAside';
import { asksMarketingOn } from '../../dialogs/marketingQuestion';
import { orderNumberAnswer } from '../../dialogs/orderNumberAnswer';
import { asksDataUse } from '../../dialogs/privacyQuestion';
import { purchaseAge } from '../../dialogs/purchaseAge';
import { isQuestion } from '../../dialogs/questionForm';
import type { Decision } from '../../nlu/confidencePolicy';
import type { Recognition } from '../../nlu/recognizer';

/** The readers behind outside test 26's open cases (dialogs/*): plain functions of the text. */

describe('orderNumberAnswer: an order number and nothing else', () => {
  test.each([
    ['12345', '12345'],
    ['#55555', '55555'],
    ['es el 12345', '12345'],
    ['el 12345', '12345'],
    ['mi número de pedido es el 12345', '12345'],
    ['pedido nº 12345, gracias', '12345'],
    ["it's 55555", '55555'],
    ['my order number is 55555', '55555'],
    ['ok, 67890 please', '67890'],
  ])('%j → %s', (text, n) => expect(orderNumberAnswer(text)).toBe(n));

  test.each(['where is 12345', 'cancel 12345', 'quiero devolver el 12345', '12345 and 55555', 'my code is 123456 ok', 'hello', '1234'])(
    '%j is no bare order number',
    (text) => {
      // "my code is 123456" names the code: "code" is no filler word.
      expect(orderNumberAnswer(text)).toBeUndefined();
    },
  );
});

describe('purchaseAge: when the customer says they bought it', () => {
  test.each([
    ['I bought it 2 months ago', 60, '2 months ago'],
    ['purchased about three weeks ago', 21, 'three weeks ago'],
    ['I got it a couple of weeks ago', 14, 'a couple of weeks ago'],
    ['ordered it last month', 30, 'last month'],
    ['lo compré hace 2 meses', 60, 'hace 2 meses'],
    ['lo recibí hace una semana', 7, 'hace una semana'],
    ['lo pedí el año pasado', 365, 'el año pasado'],
  ])('%j → %i days (%j)', (text, days, said) => expect(purchaseAge(text)).toEqual({ days, said }));

  test.each(['2 months ago it broke', 'I want to return it', 'hace 2 meses que espero', 'where is my order'])('%j says no purchase time', (text) =>
    expect(purchaseAge(text)).toBeUndefined(),
  );
});

describe('asksMarketingOn: a question about offers on a named channel', () => {
  test.each([
    ['can I get offers by SMS?', 'sms'],
    ['is it possible to receive your promotions on WhatsApp?', 'whatsapp'],
    ['do you send deals by text message?', 'sms'],
    ['¿puedo recibir ofertas por SMS?', 'sms'],
    ['¿me podéis mandar el boletín por correo?', 'email'],
  ])('%j → %s', (text, channel) => expect(asksMarketingOn(text)).toBe(channel));

  test.each([
    'send me offers by SMS', // a request, not a question (the consent dialog asks it as before)
    'can I get offers?', // no channel named
    'can I stop the offers by SMS?', // an opt-out question
    'can I get my invoice by email?', // not marketing
    'can I get order updates by SMS?',
    'how many offer emails will I get a week?', // how often, answered as such
  ])('%j is not one', (text) => expect(asksMarketingOn(text)).toBeUndefined());
});

describe('asksDataUse: what is done with the customer’s data', () => {
  test.each([
    'what do you do with my email address?',
    'what do you guys do with my e-mail?',
    'how do you use my personal data?',
    'do you sell my phone number?',
    'what happens to my data?',
    '¿qué hacéis con mi correo electrónico?',
    '¿para qué usáis mi correo?',
    '¿vendéis mis datos?',
  ])('%j', (text) => expect(asksDataUse(text)).toBe(true));

  test.each(['change my email to a@b.com', "what's my email on file?", 'can I get offers by email?', 'delete my data', 'do you ship to Canada?'])(
    '%j is not one',
    (text) => expect(asksDataUse(text)).toBe(false),
  );
});

describe('isQuestion', () => {
  test.each(['how long do refunds take', 'do you ship to Canada', 'refund time?', '¿cuánto tarda?', 'just tell me the refund policy'])('%j', (text) =>
    expect(isQuestion(text)).toBe(true),
  );
  test.each(['reset my password', 'I want a refund', 'forget it'])('%j is not', (text) => expect(isQuestion(text)).toBe(false));
});

describe('codeAside: a question at the code question, and what answers it', () => {
  const rec = (text: string, intent: string, score = 0.95): Recognition => ({ text, intent, score, entities: [], sentiment: 0, language: 'en' });
  const sure = (intent: string): Decision => ({ kind: 'answer', intent });
  const unsure: Decision = { kind: 'unknown' };
  const answers = (id: string) => ['payment.methods', 'delivery.options', 'refund.policy', 'kb.contact'].includes(id);
  const search = (text: string) => (/hours/.test(text) ? 'kb.contact' : undefined);

  test.each([
    ['how long do refunds usually take?', 'refund.status', sure('refund.status'), { faq: 'refund.policy' }],
    ['¿cuánto tardan los reembolsos?', 'refund.status', unsure, { faq: 'refund.policy' }],
    ['can I cancel it later?', 'order.cancel', sure('order.cancel'), { reply: 'cancelPolicy' }],
    ['which payment methods do you accept?', 'payment.methods', sure('payment.methods'), { faq: 'payment.methods' }],
    ['what are your opening hours', 'None', unsure, { faq: 'kb.contact' }],
  ])('%j → %j', (text, intent, decision, aside) => expect(codeAside(rec(text, intent), decision, answers, search)).toEqual(aside));

  test.each([
    ['123456', 'None', unsure],
    ['where is my order 24680?', 'order.track', sure('order.track')],
    ['where is my order?', 'order.track', sure('order.track')],
    ['reset my password', 'password.recover', sure('password.recover')],
    ['never mind', 'None', unsure],
    ['where did you send the code?', 'None', unsure],
    ['can you resend it?', 'None', unsure],
    ['can I talk to a person?', 'human.request', sure('human.request')],
    ['what is the meaning of life?', 'None', unsure],
  ])('%j is no question to answer beside the code', (text, intent, decision) =>
    expect(codeAside(rec(text, intent), decision, answers, search)).toBeUndefined(),
  );
});
