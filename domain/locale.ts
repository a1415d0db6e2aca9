/** The languages people read: mail, the partner portal and the status pages. Swedish first. */
export const LOCALES = ['sv', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Swedish: the language of a partner who has not chosen, and of mail to an organisation's contacts. */
export const DEFAULT_LOCALE: Locale = 'sv';

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}
