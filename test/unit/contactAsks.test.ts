import { asksCallBack, asksContactOnFile, continuesContactChange } from '../../dialogs/contactAsks';
import { letterlessName } from '../../dialogs/letterlessName';
import { besideWithdrawal } from '../../dialogs/queuedParts';

/** The readers of dialogs/contactAsks.ts, letterlessName.ts and queuedParts.ts, with sentences written here. */
describe('asksCallBack', () => {
  test.each([
    'can you call me later?',
    'call me back please',
    'ring me tomorrow',
    'I want a callback',
    'call me on +44 7700 900123',
    '¿me puedes llamar más tarde?',
    'llámame mañana',
    '¿me devolvéis la llamada?',
    'que me llamen',
  ])('"%s" asks to be phoned', (line) => expect(asksCallBack(line)).toBe(true));
  test.each([
    "please don't call me",
    'no me llaméis',
    'call me Maria',
    'could you call me by my first name?',
    'call me =1+1',
    'what number can I call?',
    '¿se puede llamar por teléfono?',
    '¿me podéis llamar por mi nombre?',
  ])('"%s" does not', (line) => expect(asksCallBack(line)).toBe(false));
});

describe('asksContactOnFile', () => {
  test.each([
    ["what's my email on file?", 'email'],
    ['which phone number do you have for me?', 'phone'],
    ['what contact details do you have for me?', 'any'],
    ['¿cuál es mi correo registrado?', 'email'],
    ['¿qué teléfono tenéis guardado?', 'phone'],
  ])('"%s" asks about the %s on file', (line, kind) => expect(asksContactOnFile(line)).toBe(kind));
  test.each(['change my email', 'my email is wrong', "what's my email? change it to a@b.example", 'quiero cambiar mi teléfono', 'where is my order'])(
    '"%s" does not',
    (line) => expect(asksContactOnFile(line)).toBeUndefined(),
  );
});

describe('continuesContactChange', () => {
  test.each(['and my phone to +44 7700 900123', 'also my email: ana@new.example', 'my new number is +34 600 123 456', 'y mi teléfono al +34 600 123 456'])(
    '"%s" is another change',
    (line) => expect(continuesContactChange(line)).toBe(true),
  );
  test.each([
    'reset my password, my email is ana@example.com',
    'my email is ana@example.com',
    '+34 600 123 456 is not my number any more',
    'and my phone is broken',
  ])('"%s" is not', (line) => expect(continuesContactChange(line)).toBe(false));
});

describe('letterlessName', () => {
  test.each([
    ['call me =1+1', '=1+1', ''],
    ['call me 12345, where is order 12345?', '12345', 'where is order 12345?'],
    ['me llamo 42', '42', ''],
  ])('"%s" gives the name "%s"', (line, name, rest) => expect(letterlessName(line)).toEqual({ name, rest }));
  test.each(['call me Maria', 'call me later', 'call me +44 7700 900123', 'call me?'])('"%s" gives none', (line) =>
    expect(letterlessName(line)).toBeUndefined(),
  );
});

describe('besideWithdrawal', () => {
  test.each([
    ["actually I don't need a person, just tell me your opening hours", 'tell me your opening hours'],
    ['never mind the agent, where is my order 12345?', 'where is my order 12345?'],
    ['never mind', ''],
    ["I don't need a human anymore, thanks", ''],
  ])('"%s" → "%s"', (line, rest) => expect(besideWithdrawal(line)).toBe(rest));
});
