/**
 * The portal's words come from the one catalogue per language in i18n/ (shared with the mail). This
 * file only keeps the router's import line as it was; new code imports ../i18n and ../domain/locale.
 */
export { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from '../domain/locale';
export { catalogue as strings, longDate, type Catalogue as Strings } from '../i18n';
