/** The languages people read: mail, the partner portal and the status pages. Swedish first. */
export const LOCALES = ['sv', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
