import { optsInOnNamedChannels, readConsentScope } from '../../dialogs/consentScope';

/** The word reading behind channel-scoped consent (outside tester: one channel became "stop all marketing"). */
describe('readConsentScope', () => {
  test.each([
    ["I'd like to receive offers by SMS but not email", 'receive', [], ['sms'], ['email']],
    ['please stop texting me offers but keep the emails coming', 'stop', ['sms'], [], ['email']],
    ['actually please stop the SMS offers, but keep sending me everything else here', 'stop', ['sms'], [], ['here']],
    ['quiero recibir promociones por whatsapp pero no por correo', 'receive', [], ['whatsapp'], ['email']],
    ['cancel 55555 and unsubscribe me from sms', 'stop', ['sms'], [], []],
    ['no quiero recibir más publicidad por sms', 'stop', ['sms'], [], []],
    ['No quiero recibir mas publicidad por SMS ni por correo', 'stop', ['email', 'sms'], [], []],
    ['stop sending me offers by emial and whatsap', 'stop', ['email', 'whatsapp'], [], []],
    ['ya no me mandéis ofertas por wasap, pero sí por sms', 'stop', ['whatsapp'], [], ['sms']],
    // A channel preferred after a stop is wanted, not withdrawn (outside tester 32, H2).
    ['stop the sms offers, send them on whatsapp instead', 'stop', ['sms'], ['whatsapp'], []],
    ['ya no me manden ofertas por sms, mejor por whatsapp', 'stop', ['sms'], ['whatsapp'], []],
    ['no more emails please, text me instead', 'stop', ['email'], ['sms'], []],
    // WhatsApp as it is written in chat (outside tester 32, H3).
    ['me quiero dar de baja del whats', 'stop', ['whatsapp'], [], []],
    ['ya no quiero ofertas por wasa ni por wpp', 'stop', ['whatsapp'], [], []],
    ['whats the best way to unsubscribe', 'stop', [], [], []],
    ['unsubscribe me', 'stop', [], [], []],
    ['stop all offers', 'stop', [], [], []],
    ['dame de baja de la publicidad', 'stop', [], [], []],
    ['sign me up for offers by text message, not by e-mail', 'receive', [], ['sms'], ['email']],
    // E-mail as the name of what we send: an unqualified opt-out, everywhere.
    ['please opt me out of your marketing emails', 'stop', [], [], []],
    ['por favor, sácame de vuestra lista de correo', 'stop', [], [], []],
    ['dame de baja de todos los correos de publicidad', 'stop', [], [], []],
  ])('%j', (text, wish, stop, want, untouched) => {
    expect(readConsentScope(text)).toEqual({ wish, stop, want, untouched });
  });

  test('an opt-in on named channels is told apart from a withdrawal', () => {
    expect(optsInOnNamedChannels("I'd like to receive offers by SMS but not email")).toBe(true);
    expect(optsInOnNamedChannels('quiero recibir promociones por whatsapp pero no por correo')).toBe(true);
    expect(optsInOnNamedChannels('no quiero recibir más publicidad por sms')).toBe(false);
    expect(optsInOnNamedChannels('I want offers')).toBe(false);
    expect(optsInOnNamedChannels('quiero cambiar mi correo a ana@example.com')).toBe(false);
    expect(optsInOnNamedChannels('how many offer emails will I get a week?')).toBe(false);
  });
});
