import { locale, setLocale } from '../i18n';

export function LanguagePicker() {
  return (
    <select class="language" aria-label="Language / Idioma" value={locale()} onChange={(e) => setLocale(e.currentTarget.value)}>
      <option value="en">English</option>
      <option value="es">Español</option>
    </select>
  );
}
