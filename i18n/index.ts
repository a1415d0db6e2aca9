/**
 * Every text a person reads, mail and partner portal alike: one catalogue per language (sv.ts,
 * en.ts, both of the shape in catalogue.ts), dates and lists as each language writes them
 * (format.ts), and a request's history as sentences (history.ts). Imports only domain/ (and, for
 * now, the state names' types from workflows/definitions.ts: see catalogue.ts).
 */
import type { Locale } from '../domain/locale';
import type { Catalogue } from './catalogue';
import { en } from './en';
import { sv } from './sv';

export type { Catalogue, MailSentence, MailWords } from './catalogue';
export { dateTime, joinNames, longDate } from './format';
export { describeEvent, type HistoryEntry } from './history';
export { describeContactEvent } from './status-history';

export const CATALOGUES: Record<Locale, Catalogue> = { sv, en };

export function catalogue(locale: Locale): Catalogue {
  return CATALOGUES[locale];
}
