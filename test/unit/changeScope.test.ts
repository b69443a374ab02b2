import { changeStance, restOf, type ChangeAction, type ChangeStance } from '../../dialogs/changeScope';
import { readConsentWish } from '../../dialogs/consentWish';
import { unaskedChange } from '../../dialogs/unaskedChange';

/**
 * The one reader of whether a message asks for a change or only mentions it (dialogs/changeScope.ts), in English and
 * Spanish. Our own phrasings; none of them is in the intent corpus.
 */
describe('changeStance: a change asked for, denied, asked about, or asked how it stands', () => {
  const CASES: [text: string, action: ChangeAction, stance: ChangeStance | undefined][] = [
    // Asked
    ['please cancel my order 31245', 'cancel', 'asked'],
    ['cancélalo ya, por favor', 'cancel', 'asked'],
    ["I don't need it anymore, cancel it", 'cancel', 'asked'],
    ['i dont need the parcel anymore cancel it', 'cancel', 'asked'],
    ['ya no lo quiero, anula el pedido', 'cancel', 'asked'],
    ['I want to send the boots back', 'return', 'asked'],
    ['quiero devolver las botas', 'return', 'asked'],
    ['I want my money back for 31245', 'refund', 'asked'],
    ['update my phone to +34 655 444 333', 'contact', 'asked'],
    ['my new address is marta@example.org', 'contact', 'asked'],
    ['close my account please', 'deleteAccount', 'asked'],
    ['unsubscribe me from everything', 'optOut', 'asked'],
    // Denied
    ["I won't cancel it, just tell me where it is", 'cancel', 'negated'],
    ['I do not really want to cancel the boots', 'cancel', 'negated'],
    ['no voy a anular nada, solo quería saber el plazo', 'cancel', 'negated'],
    ['I never said I wanted to return it', 'return', 'negated'],
    ['no pienso devolverlo, me encanta', 'return', 'negated'],
    ["I'm not after a refund, only the invoice", 'refund', 'negated'],
    ['no quiero que me reembolséis nada', 'refund', 'negated'],
    ['please do not change my e-mail', 'contact', 'negated'],
    ['marta@example.org is not my address any more', 'contact', 'negated'],
    ['no borres mi cuenta', 'deleteAccount', 'negated'],
    ["I didn't opt out of anything", 'optOut', 'negated'],
    ['jamás pedí darme de baja', 'optOut', 'negated'],
    // Asked about
    ['how long do I have to return a jacket?', 'return', 'question'],
    ['¿puedo cancelar después de pagar?', 'cancel', 'question'],
    ['is there a way to get a refund on sale items?', 'refund', 'question'],
    ['¿cómo se borra una cuenta?', 'deleteAccount', 'question'],
    // Asked about by its auxiliary, supposed, or its rules asked for (outside tester, session 24: these withdrew consent).
    ['would cancelling now cost me anything?', 'cancel', 'question'],
    ['if I return the boots, do I pay the shipping?', 'return', 'question'],
    ['¿si lo devuelvo me cobráis el envío?', 'return', 'question'],
    ['what is your refund policy', 'refund', 'question'],
    ['¿cuál es el plazo de devolución?', 'return', 'question'],
    ['¿cuánto tarda un reembolso a la tarjeta?', 'refund', 'question'],
    ['where do I go to unsubscribe', 'optOut', 'question'],
    ['¿cómo me desapunto de la lista?', 'optOut', 'question'],
    // Asked of someone: a request
    ['can you cancel order 31245?', 'cancel', 'asked'],
    ['could someone send it back for me', 'return', 'asked'],
    ['como cliente quiero darme de baja', 'optOut', 'asked'],
    ['si, dame de baja', 'optOut', 'asked'],
    // Not knowing how is asking how, not refusing (found at review: these read as denied).
    ["I don't know how to cancel my order", 'cancel', 'question'],
    ["i'm not sure how to send the jacket back", 'return', 'question'],
    ['no sé cómo darme de baja del boletín', 'optOut', 'question'],
    ["I can't figure out how to delete my account", 'deleteAccount', 'question'],
    // Asked how it stands
    ['what happened to my refund for 31245?', 'refund', 'status'],
    ['¿en qué estado está la devolución?', 'return', 'status'],
    ['why was my order cancelled?', 'cancel', 'status'],
    // Not named
    ['where is my parcel', 'cancel', undefined],
    ['me llegó roto', 'return', undefined],
  ];
  test.each(CASES)('%j (%s) is %s', (text, action, stance) => {
    expect(changeStance(text, action)).toBe(stance);
  });

  test('one clause asking wins over another denying ("I don\'t want to cancel, I want to return it")', () => {
    expect(changeStance("I don't want to cancel it, I want to return it", 'return')).toBe('asked');
    expect(changeStance("I don't want to cancel it, I want to return it", 'cancel')).toBe('negated');
  });

  test('what else the message says is kept for the router', () => {
    expect(restOf('I will not cancel order 31245, when does it arrive?', 'cancel')).toBe('when does it arrive');
    expect(restOf('no quiero devolverlo. ¿Dónde está el 31245?', 'return')).toBe('dónde está el 31245');
    expect(restOf('no quiero devolverlo', 'return')).toBe('');
  });

  test('e-mail addresses and phone numbers are no clause ends', () => {
    expect(changeStance('please change it to marta.lopez@example.org.', 'contact')).toBe('asked');
    expect(changeStance("don't change anything, marta.lopez@example.org is right", 'contact')).toBe('negated');
  });
});

describe('unaskedChange: only the state-changing intents, only when not asked', () => {
  test.each([
    ['order.cancel', 'I will not cancel order 31245', 'negated'],
    ['return.request', '¿puedo devolverlo si ya lo usé?', 'question'],
    ['contact.change', 'no actualices mi teléfono', 'negated'],
    ['order.cancel', 'cancel 31245', undefined],
    ['order.track', "I don't want to cancel, where is 31245", undefined],
    // A general question about refunds is the policy, one's own refund its status.
    ['refund.status', 'how long does a refund to a card take?', 'question'],
    ['refund.status', 'how long will my refund take', undefined],
    ['refund.status', '¿cuánto tarda el reembolso del 31245?', undefined],
  ])('%s %j → %s', (intent, text, stance) => {
    expect(unaskedChange(intent, text)?.stance).toBe(stance);
  });
});

describe('readConsentWish: keeping news and offers is no opt-out', () => {
  test.each([
    ["please don't take me off the newsletter", 'keep'],
    ['I really enjoy the deals you send', 'keep'],
    ['no me quitéis de las ofertas, me gustan', 'keep'],
    ['¿por qué ya no me llegan las promociones? nunca me di de baja', 'keep'],
    ["I'd like to receive your promotions", 'grant'],
    ['no quiero más publicidad', 'withdraw'],
    ['I hate your spam, stop it', 'withdraw'],
    ["I don't like your offers", 'withdraw'],
    // A question is no request (outside tester, session 24: it once withdrew).
    ['how do I stop your newsletter?', 'question'],
    ['¿se puede uno desapuntar del boletín?', 'question'],
    ['I am quite sure I want the deals', 'grant'],
  ])('%j → %s', (text, wish) => {
    expect(readConsentWish(text)).toBe(wish);
  });
});
