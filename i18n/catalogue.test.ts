import { LOCALES, type Locale } from '../domain/locale';
import { CATALOGUES, type Catalogue } from './index';

/** Every text of a catalogue, as paths ("request.daysLeft", "mail.occasions.CREATED.subject"). */
function keys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>)
    .flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
    .sort();
}

function at(catalogue: Catalogue, key: string): unknown {
  return key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], catalogue);
}

// Values that cannot occur in any text by chance, so that a text shows which of them it uses.
const MARKERS = ['⟦1⟧', '⟦2⟧', '⟦organisation⟧', '⟦partner⟧', '⟦deadline⟧'];
/**
 * Arguments for the functions, tried in turn until one gives a proper string: a name or a date with
 * a flag, two counts, a list of names, a mail's words. Each text is sampled with the flag on and off
 * (and with two different counts and two equal ones), so both forms of a sentence are seen.
 */
const ARGUMENTS = (flag: boolean): unknown[][] => [
  ['⟦1⟧', flag],
  [7301, flag ? 7302 : 7301],
  [['⟦1⟧', '⟦2⟧']],
  [{ organisation: '⟦organisation⟧', partner: '⟦partner⟧', deadline: '⟦deadline⟧' }],
];
const broken = /undefined|NaN|\[object|\$\{|\btrue\b|\bfalse\b/;

/** What a text says: the string itself, or what the function gives for the first arguments that fit. */
function sample(value: unknown, flag: boolean): { text: string; args: number } {
  if (typeof value === 'string') return { text: value, args: -1 };
  if (typeof value !== 'function') throw new Error(`not a string or a function: ${String(value)}`);
  const fn = value as (...args: unknown[]) => unknown;
  const tries = ARGUMENTS(flag);
  for (const [i, args] of tries.entries()) {
    let out: unknown;
    try {
      out = fn(...args);
    } catch {
      continue; // not this kind of argument
    }
    if (typeof out === 'string' && !broken.test(out)) return { text: out, args: i };
  }
  throw new Error('no sample arguments fit');
}

/** The argument values a text shows (numbers and markers). */
const shown = (text: string) => [...MARKERS, '7301', '7302'].filter((m) => text.includes(m));

test('Swedish and English have exactly the same texts', () => {
  expect(keys(CATALOGUES.en)).toEqual(keys(CATALOGUES.sv));
  expect(keys(CATALOGUES.sv).length).toBeGreaterThan(150);
});

test.each(LOCALES)('every %s text says something (functions too) and nothing half-made', (locale: Locale) => {
  for (const key of keys(CATALOGUES[locale])) {
    for (const flag of [true, false]) {
      const { text } = sample(at(CATALOGUES[locale], key), flag);
      expect({ key, said: text.trim().length > 0, broken: broken.test(text) }).toEqual({
        key,
        said: true,
        broken: false,
      });
    }
  }
});

test('a text that takes values shows the same values in Swedish and in English', () => {
  for (const key of keys(CATALOGUES.sv)) {
    const svValue = at(CATALOGUES.sv, key);
    const enValue = at(CATALOGUES.en, key);
    expect({ key, kind: typeof enValue }).toEqual({ key, kind: typeof svValue });
    if (typeof svValue !== 'function') continue;
    expect({ key, parameters: (enValue as () => unknown).length }).toEqual({
      key,
      parameters: (svValue as () => unknown).length,
    });
    for (const flag of [true, false]) {
      const sv = sample(svValue, flag);
      const en = sample(enValue, flag);
      expect({ key, flag, args: en.args, shown: shown(en.text) }).toEqual({
        key,
        flag,
        args: sv.args,
        shown: shown(sv.text),
      });
    }
  }
});

test('the words the help article and the issue name are the ones shown', () => {
  const { sv, en } = CATALOGUES;
  expect([sv.responses.YES, sv.responses.NO, en.responses.YES, en.responses.NO]).toEqual(['JA', 'NEJ', 'YES', 'NO']);
  expect([sv.signIn.email, en.signIn.email]).toEqual(['E-postadress', 'E-mail address']);
  expect([sv.list.title, en.list.title]).toEqual(['Licensförfrågningar', 'License requests']);
  expect(en.breadcrumb).toBe('Licence management / Requests');
  expect([en.facts.organisation, en.facts.numberOfSchools, en.facts.desiredAvailability, en.facts.response]).toEqual([
    'Organisation',
    'Number of schools',
    'Desired availability',
    'Response',
  ]);
});

test('a sentence with a count or a list of names reads right for one and for many', () => {
  const { sv, en } = CATALOGUES;
  expect(sv.request.daysLeft(1)).toBe('1 arbetsdag kvar');
  expect(sv.request.daysLeft(3)).toBe('3 arbetsdagar kvar');
  expect(en.request.daysLeft(1)).toBe('1 working day left');
  expect(en.confirm.notLicensed(['Östra skolan'])).toBe('Östra skolan is marked as holding no licenses.');
  expect(en.confirm.notLicensed(['A', 'B', 'C'])).toBe('A, B and C are marked as holding no licenses.');
  expect(sv.confirm.notLicensed(['A', 'B'])).toBe('A och B markeras som att de inte har några licenser.');
  expect([sv.events.CREATED(1), en.events.CREATED(1), en.events.CREATED(2)]).toEqual([
    'Förfrågan inkom (1 skola)',
    'Request received (1 school)',
    'Request received (2 schools)',
  ]);
  expect([sv.errors.tooManyAttempts(1), en.errors.tooManyAttempts(15)]).toEqual([
    'För många misslyckade inloggningar. Vänta en minut och försök igen.',
    'Too many failed sign-ins. Wait 15 minutes and try again.',
  ]);
});
