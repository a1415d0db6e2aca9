/**
 * Dates and lists as each language writes them: every calendar date a person reads is the date in
 * Stockholm, whatever zone the instant was stored in.
 */
import { DateTime } from 'luxon';
import type { Locale } from '../domain/locale';
import { STOCKHOLM } from '../domain/working-days';

const DATE_LOCALES: Record<Locale, string> = { sv: 'sv-SE', en: 'en-GB' };

/**
 * A date ("2026-12-15") or an instant as its Stockholm date, written out: "tisdag 15 december 2026",
 * "Tuesday 15 December 2026".
 */
export function longDate(isoDateOrInstant: string, locale: Locale): string {
  return DateTime.fromISO(isoDateOrInstant, { zone: STOCKHOLM })
    .setLocale(DATE_LOCALES[locale])
    .toFormat('cccc d MMMM yyyy');
}

/** An instant as Stockholm wall-clock time, the same in every language: "2026-12-15 14:03". */
export function dateTime(instant: string): string {
  return DateTime.fromISO(instant, { zone: STOCKHOLM }).toFormat('yyyy-MM-dd HH:mm');
}

/** "A", "A and B", "A, B and C", with the language's "and". */
export function joinNames(names: readonly string[], and: string): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${and} ${names[names.length - 1]}`;
}
