import { clearLanguage, replyLanguage } from '../../dialogs/languagePolicy';

describe('replyLanguage with the clear language its caller already read', () => {
  const spanish = 'quiero saber dónde está mi pedido';
  test('given, it is used as is; the same answer as reading it from the text', () => {
    for (const conversation of [undefined, 'en', 'es'])
      for (const text of [spanish, 'where is my order please', 'ok', 'hola'])
        expect(replyLanguage({ conversation, text, clear: clearLanguage(text) })).toEqual(replyLanguage({ conversation, text }));
  });
  test('given as undefined (nothing clear), the text is not read again', () => {
    expect(replyLanguage({ conversation: 'en', text: spanish })).toEqual({ language: 'es', settled: true });
    expect(replyLanguage({ conversation: 'en', text: spanish, clear: undefined })).toEqual({ language: 'en', settled: true });
  });
});
