import { MessageFactory, type Activity } from 'botbuilder';
import { t } from '../locale/replies';
import type { Decision } from '../nlu/confidencePolicy';
import { findHumanRequest } from './humanRequest';
import { words } from './yesNo';

/**
 * Words that only say "here is a file": customers send a photo with "here", "see attached", "aquí está". The model
 * has nothing to go on there ("see attached" once ranked goodbye at 0.97), so these are read by their words.
 */
const ACCOMPANYING = new Set(
  (
    "here here's heres there is are it it's this that these those the a an my our of for with and please pls see find " +
    'attached attachment attachments attaching attach enclosed below above as requested you go sending sent send ok okay ' +
    'photo photos picture pictures pic pics image images screenshot screenshots screen shot file files document documents ' +
    'doc pdf scan video copy look check ' +
    'aquí aqui ahí ahi está esta están estan tienes tiene tenéis teneis te le os va van eso esto este esta estos ' +
    'adjunto adjunta adjuntos adjuntas adjuntado envío envio envió mando mira mire mirad ver la el los las un una mi mis ' +
    'de del por favor y con foto fotos imagen imágenes imagenes captura capturas pantalla archivo archivos documento pdf ' +
    'vídeo video copia como pedido pediste pidió pidio ' +
    // What the file is: "here is my receipt" with a PDF gives a receipt (once answered with where invoices are).
    'receipt receipts invoice invoices bill proof purchase order confirmation statement ticket label labels for is ' +
    'recibo recibos factura facturas justificante comprobante compra albarán albaran resguardo ticket etiqueta etiquetas es'
  ).split(/\s+/),
);
/** Words that name a file: "see file", "adjunto la foto" with no file is a file that did not arrive. */
const FILE_WORDS = new Set(
  (
    'attached attachment attachments attaching attach enclosed photo photos picture pictures pic pics image images screenshot screenshots ' +
    'screen shot file files document documents doc pdf scan video adjunto adjunta adjuntos adjuntas adjuntado foto fotos imagen imágenes ' +
    'imagenes captura capturas archivo archivos documento vídeo'
  ).split(/\s+/),
);
/** Longest text read as going with a file when the recognizer is not sure of anything in it. */
const MAX_WORDS = 6;

/**
 * Whether a message that carries files says nothing more than "here they are": only words like "here", "attached",
 * "photo", or a few words the recognizer is not sure of. A clear request ("I want a refund, see the photo") or a
 * request for a person is handled as a request, the files kept with it.
 */
export function accompaniesFiles(text: string, decision: Decision): boolean {
  const w = words(text);
  if (w.length === 0) return true;
  if (findHumanRequest(text)) return false;
  if (w.every((x) => ACCOMPANYING.has(x))) return true;
  return w.length <= MAX_WORDS && decision.kind !== 'answer';
}

/**
 * Whether a message with no file says only "here is a file" ("see file", "adjunto la foto"): the file was dropped on
 * the way (a link that did not come through), and the message is no goodbye or request.
 */
export function mentionsMissingFile(text: string): boolean {
  const w = words(text);
  return w.length > 0 && w.length <= MAX_WORDS + 2 && w.every((x) => ACCOMPANYING.has(x)) && w.some((x) => FILE_WORDS.has(x));
}

/**
 * The answer to files sent with no request: acknowledged by name, and what can be done with them. The bot does not
 * read files itself: a person sees them with the chat (queued: the person who takes it), or the customer says what
 * they are about.
 */
export function fileReceived(language: string, name: string, queued: boolean): Partial<Activity> {
  if (queued) return MessageFactory.text(t(language, 'attachmentReceivedQueued', { name }));
  return MessageFactory.suggestedActions(
    [t(language, 'help_return'), t(language, 'help_refund'), t(language, 'talkToPerson')],
    t(language, 'attachmentReceived', { name }),
  );
}
