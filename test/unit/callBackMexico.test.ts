import { asksCallBack } from '../../dialogs/contactAsks';

/** Mexican Spanish requests for a call (dialogs/callBackMexico.ts), with sentences written here. */
describe('asksCallBack, Mexican Spanish', () => {
  test.each([
    '¿me pueden marcar al rato?',
    'me pueden marcar al rato?',
    'márcame al cel porfa',
    'me marcas mañana?',
    'que alguien me marque, por favor',
    '¿me podrían marcar al 55 1234 5678?',
    '¿me regresan la llamada?',
    'regrésame la llamada',
    'me pueden hablar por teléfono?',
    'háblame al cel',
    'échenme un telefonazo',
  ])('"%s" asks to be phoned', (line) => expect(asksCallBack(line)).toBe(true));
  test.each([
    'no me marquen, por favor',
    '¿me pueden marcar el pedido como urgente?',
    '¿me pueden hablar de los envíos?',
    'háblame de los precios',
    'al rato regreso',
    'marca del producto',
  ])('"%s" does not', (line) => expect(asksCallBack(line)).toBe(false));
});
