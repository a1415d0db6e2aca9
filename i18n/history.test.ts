import type { Locale } from '../domain/locale';
import { CATALOGUES, describeEvent } from './index';

const request = {
  schools: [
    { skolonId: 'sch-1', name: 'Norra skolan' },
    { skolonId: 'sch-2', name: 'Södra skolan' },
    { skolonId: 'sch-3', name: 'Östra skolan' },
  ],
};

const line = (event: string, detail: unknown, locale: Locale = 'en') =>
  describeEvent({ at: '2026-12-01T09:05:00Z', event, detail }, request, CATALOGUES[locale], locale);

test('history lines say what happened in the partner language, with school names instead of ids', () => {
  expect(line('CREATED', { numberOfSchools: 3 })).toEqual({
    when: '2026-12-01 10:05',
    what: 'Request received (3 schools)',
  });
  expect(line('ANSWERED', { response: 'YES', licensedSchools: ['sch-1', 'sch-2'] }).what).toBe(
    'You answered YES for 2 of 3 schools',
  );
  expect(line('ANSWERED', { response: 'NO' }, 'sv').what).toBe('Ni svarade NEJ');
  expect(line('DEADLINE_SET', { deadlineDate: '2026-12-08' }).what).toBe(
    'Assignment deadline: Tuesday 8 December 2026',
  );
  expect(line('SCHOOLS_ASSIGNED', { schools: ['sch-1', 'sch-9'] }).what).toBe(
    'Marked as assigned: Norra skolan, sch-9',
  );
  expect(line('CONTACTS_NOTIFIED', { to: ['anna@kommun.test'] }, 'sv').what).toBe(
    'E-post till organisationens kontaktpersoner: anna@kommun.test',
  );
  // Odd or missing details never break the page.
  expect(line('SCHOOLS_ASSIGNED', null).what).toBe('Marked as assigned: ');
  expect(line('SOMETHING_NEW', 'x').what).toBe('SOMETHING_NEW');
});

test('a skipped reminder says why, and the time is Stockholm wall-clock time in winter and summer', () => {
  expect(line('REMINDER_SKIPPED', { reason: 'DEADLINE_PASSED' }, 'sv').what).toBe(
    'En påminnelse skickades inte: sista dagen hade redan passerat',
  );
  expect(line('REMINDER_SKIPPED', { reason: 'LATER_REMINDER_DUE' }).what).toBe(
    'A reminder was not sent: a later reminder went out instead',
  );
  expect(line('REMINDER_SKIPPED', {}).what).toBe('A reminder was not sent: the request had already moved on');
  expect(
    describeEvent({ at: '2027-06-01T21:30:00Z', event: 'OVERDUE', detail: null }, request, CATALOGUES.en, 'en'),
  ).toEqual({ when: '2027-06-01 23:30', what: 'The deadline passed before every school was assigned' });
});

test("support's exceptions say what support did and why, in the reader's language", () => {
  expect(
    line('DEADLINE_EXTENDED', {
      from: '2026-12-08T23:59:59.999+01:00',
      to: '2026-12-10T23:59:59.999+01:00',
      reason: 'Licenses renewed',
    }).what,
  ).toBe('Skolon support moved the assignment deadline to Thursday 10 December 2026: Licenses renewed');
  expect(line('REOPENED', { reason: 'NO by mistake' }, 'sv').what).toBe(
    'Skolons support öppnade förfrågan igen: NO by mistake',
  );
  expect(line('NOTIFICATION_RESENT', { occasion: 'CREATED' }).what).toBe(
    'Skolon support sent you the notification again',
  );
  expect(line('REMINDER_SKIPPED', { reason: 'DEADLINE_EXTENDED' }).what).toBe(
    'A reminder was not sent: the deadline had been moved',
  );
  // Odd details: a shorter line, never a broken page.
  expect(line('DEADLINE_EXTENDED', {}).what).toBe('DEADLINE_EXTENDED');
  expect(line('REOPENED', null).what).toBe('Skolon support reopened the request: ');
});

test('an answer given with a mail link says so, and names the address that mail went to', () => {
  const by = { role: 'partner', partnerId: 'acme', via: 'mail-link', to: 'licenses@acme.test' };
  expect(line('ANSWERED', { response: 'NO', by }).what).toBe(
    'You answered NO (with the link in the mail to licenses@acme.test)',
  );
  expect(line('ANSWERED', { response: 'NO', by }, 'sv').what).toBe(
    'Ni svarade NEJ (med länken i mejlet till licenses@acme.test)',
  );
  // The address is one of the partner's people: the line names them too.
  const people = new Map([['licenses@acme.test', 'Lena Larsson']]);
  const answered = { at: '2026-12-01T09:05:00Z', event: 'ANSWERED', detail: { response: 'YES', by } };
  expect(describeEvent(answered, request, CATALOGUES.en, 'en', people).what).toMatch(
    / \(by Lena Larsson, with the link in the mail to licenses@acme\.test\)$/,
  );
});

test("a person's answer and assignment name them (by address once they are gone); an API key's name nobody", () => {
  const people = new Map([['anna@acme.test', 'Anna Andersson']]);
  const at = '2026-12-01T09:05:00Z';
  const by = (user?: string) => ({ role: 'partner', partnerId: 'acme', ...(user && { user }) });
  expect(
    describeEvent(
      { at, event: 'ANSWERED', detail: { response: 'NO', by: by('anna@acme.test') } },
      request,
      CATALOGUES.en,
      'en',
      people,
    ).what,
  ).toBe('You answered NO (by Anna Andersson)');
  expect(
    describeEvent(
      { at, event: 'SCHOOLS_ASSIGNED', detail: { schools: ['sch-1'], by: by('bo@acme.test') } },
      request,
      CATALOGUES.sv,
      'sv',
      people,
    ).what,
  ).toBe('Markerade som tilldelade: Norra skolan (av bo@acme.test)');
  expect(
    describeEvent({ at, event: 'ANSWERED', detail: { response: 'NO', by: by() } }, request, CATALOGUES.en, 'en', people)
      .what,
  ).toBe('You answered NO');
});
