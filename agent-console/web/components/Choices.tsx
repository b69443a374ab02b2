import type { OfferedChoice } from '../../../models/offeredChoices';
import { tr } from '../i18n';

/** The buttons a bot message offered, in order, the customer's pick marked (models/offeredChoices.ts). */
export function Choices({ choices }: { choices: OfferedChoice[] }) {
  return (
    <ul class="choices" aria-label={tr('offeredChoices')}>
      {choices.map((c, i) => (
        <li key={i} class={c.picked ? 'picked' : undefined} data-picked={c.picked ? 'true' : undefined}>
          <bdi dir="auto">{c.title}</bdi>
          {c.picked ? <span class="pick">{` ✓ ${tr('pickedChoice')}`}</span> : null}
        </li>
      ))}
    </ul>
  );
}
