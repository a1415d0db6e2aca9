import { contactHistory } from './status-page';

const at = '2026-12-01T09:00:00.000Z';
const partnerActor = { role: 'partner', partnerId: 'acme-learning', user: 'someone@acme.example' };

test('a contact sees what happened to the request, never mail, reminders, failures or who at the partner acted', () => {
  const history = [
    { at, event: 'CREATED', detail: { numberOfSchools: 3 } },
    { at, event: 'PARTNER_NOTIFIED', detail: { to: ['partner@acme.example'] } },
    { at, event: 'PARTNER_REMINDED', detail: { to: ['partner@acme.example'] } },
    { at, event: 'REMINDER_SKIPPED', detail: { reason: 'LATER_REMINDER_DUE' } },
    { at, event: 'ESCALATED_TO_SUPPORT', detail: { to: ['support@skolon.example'] } },
    { at, event: 'NOTIFICATION_RESENT', detail: { by: { role: 'admin' } } },
    { at, event: 'MAIL_FAILED', detail: { to: ['anna@kommun.example'], code: 'recipient_refused' } },
    {
      at,
      event: 'ANSWERED',
      detail: { response: 'YES', by: partnerActor, licensedSchools: ['s1', 's2'], notLicensedSchools: ['s3'] },
    },
    { at, event: 'DEADLINE_SET', detail: { deadline: '2026-12-08T23:59:59.999+01:00', deadlineDate: '2026-12-08' } },
    { at, event: 'CONTACTS_NOTIFIED', detail: { to: ['anna@kommun.example', 'bo@kommun.example'] } },
    { at, event: 'SCHOOLS_ASSIGNED', detail: { schools: ['s1'], by: partnerActor } },
    { at, event: 'OVERDUE', detail: { deadline: '2026-12-08T23:59:59.999+01:00', pendingSchools: ['s2'] } },
    {
      at,
      event: 'DEADLINE_EXTENDED',
      detail: { from: '2026-12-08', to: '2026-12-15', reason: 'Licenses being renewed', by: { role: 'admin' } },
    },
    { at, event: 'SCHOOLS_ASSIGNED', detail: { schools: ['s2'], by: { via: 'mail-link' } } },
    { at, event: 'COMPLETED', detail: {} },
    { at, event: 'SOMETHING_NEW', detail: { secret: 'x' } },
  ];
  expect(contactHistory(history)).toEqual([
    { at, event: 'CREATED', numberOfSchools: 3 },
    { at, event: 'ANSWERED', response: 'YES', licensedSchools: ['s1', 's2'] },
    { at, event: 'DEADLINE_SET', deadlineDate: '2026-12-08' },
    { at, event: 'SCHOOLS_ASSIGNED', schools: ['s1'] },
    { at, event: 'OVERDUE' },
    { at, event: 'DEADLINE_EXTENDED', to: '2026-12-15', reason: 'Licenses being renewed' },
    { at, event: 'SCHOOLS_ASSIGNED', schools: ['s2'] },
    { at, event: 'COMPLETED' },
  ]);
  expect(JSON.stringify(contactHistory(history))).not.toMatch(/acme|@|partnerId|by|support/);
});

test('a NO, a reopening with its reason and a withdrawal; odd details give shorter entries, not errors', () => {
  expect(
    contactHistory([
      { at, event: 'ANSWERED', detail: { response: 'NO', by: partnerActor } },
      { at, event: 'REOPENED', detail: { reason: 'NO given by mistake', by: { role: 'admin' } } },
      { at, event: 'WITHDRAWN', detail: { by: { role: 'admin' } } },
      { at, event: 'ANSWERED', detail: null },
      { at, event: 'REOPENED', detail: 'garbage' },
      { at, event: 'DEADLINE_EXTENDED', detail: { to: 42, reason: '  ' } },
      { at, event: 'CREATED', detail: [] },
    ]),
  ).toEqual([
    { at, event: 'ANSWERED', response: 'NO' },
    { at, event: 'REOPENED', reason: 'NO given by mistake' },
    { at, event: 'WITHDRAWN' },
    { at, event: 'REOPENED', reason: null },
    { at, event: 'DEADLINE_EXTENDED', to: null, reason: null },
    { at, event: 'CREATED', numberOfSchools: null },
  ]);
});
