import { LOCALES, STRINGS, type Strings } from './i18n';

/** Every key of a strings object, as paths ("request.daysLeft"). */
function keys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>)
    .flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
    .sort();
}

function at(strings: Strings, key: string): unknown {
  return key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], strings);
}

/** A string, or what a function gives for typical arguments. */
function sample(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'function') {
    // Each function takes numbers, dates/names as strings, name lists or a flag; try what fits.
    const fn = value as (...args: unknown[]) => unknown;
    const tries: unknown[][] = [[2, 3], ['Skolonkommunen', true], [['Norra skolan', 'Södra skolan']]];
    for (const args of tries) {
      let out: unknown;
      try {
        out = fn(...args);
      } catch {
        continue; // not this kind of argument
      }
      if (typeof out === 'string' && !/undefined|NaN|\[object/.test(out)) return out;
    }
    throw new Error('no sample arguments fit');
  }
  throw new Error(`not a string or a function: ${String(value)}`);
}

test('Swedish and English have exactly the same strings', () => {
  expect(keys(STRINGS.en)).toEqual(keys(STRINGS.sv));
  expect(keys(STRINGS.sv).length).toBeGreaterThan(100);
});

test.each(LOCALES)('every %s string is there and says something (functions too)', (locale) => {
  for (const key of keys(STRINGS[locale])) {
    const text = sample(at(STRINGS[locale], key));
    expect({ key, text: text.trim().length > 0 }).toEqual({ key, text: true });
  }
});

test('the words the help article and the issue name are the ones shown', () => {
  expect(STRINGS.sv.request.yes).toBe('JA');
  expect(STRINGS.sv.request.no).toBe('NEJ');
  expect(STRINGS.en.request.yes).toBe('YES');
  expect(STRINGS.en.request.no).toBe('NO');
  expect(STRINGS.sv.signIn.apiKey).toBe('API-nyckel');
  expect(STRINGS.en.signIn.apiKey).toBe('API key');
  expect(STRINGS.sv.list.title).toBe('Licensförfrågningar');
  expect(STRINGS.en.list.title).toBe('License requests');
  expect(STRINGS.en.breadcrumb).toBe('Licence management / Requests');
  expect([STRINGS.en.list.organisation, STRINGS.en.list.numberOfSchools]).toEqual([
    'Organisation',
    'Number of schools',
  ]);
  expect([STRINGS.en.list.desiredAvailability, STRINGS.en.list.response]).toEqual(['Desired availability', 'Response']);
});

test('a sentence with a count reads right for one and for many', () => {
  expect(STRINGS.sv.request.daysLeft(1)).toBe('1 arbetsdag kvar');
  expect(STRINGS.sv.request.daysLeft(3)).toBe('3 arbetsdagar kvar');
  expect(STRINGS.en.request.daysLeft(1)).toBe('1 working day left');
  expect(STRINGS.en.confirm.notLicensed(['Östra skolan'])).toBe('Östra skolan is marked as holding no licenses.');
  expect(STRINGS.en.confirm.notLicensed(['A', 'B', 'C'])).toBe('A, B and C are marked as holding no licenses.');
  expect(STRINGS.sv.confirm.notLicensed(['A', 'B'])).toBe('A och B markeras som att de inte har några licenser.');
});
