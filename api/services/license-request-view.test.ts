/** The API's representation of a request, built from the read model's rows (contract: "Request representation"). */
import type { LicenseRequestWithDetails } from '../../db/repositories/license-requests';
import { toLicenseRequestSummaryView, toLicenseRequestView } from './license-request-view';

function row(overrides: Partial<LicenseRequestWithDetails> = {}): LicenseRequestWithDetails {
  return {
    id: '6f1c2a4e-0000-4000-8000-000000000001',
    partner_id: 'acme',
    organisation_skolon_id: 'org-1',
    organisation_name: 'Skolonkommunen',
    desired_availability: '2027-06-15',
    status: 'AWAITING_ASSIGNMENT',
    response: 'YES',
    number_of_schools: 2,
    answered_at: new Date('2026-12-01T09:30:00.123Z'),
    deadline: new Date('2026-12-07T22:59:59.999Z'),
    deadline_date: '2026-12-07',
    created_at: new Date('2026-11-30T08:00:00Z'),
    finished_at: null,
    state_version: 3,
    schools: [
      { skolon_id: 'sch-1', name: 'Norra skolan', assignment: 'PENDING' },
      { skolon_id: 'sch-2', name: 'Södra skolan', assignment: 'NOT_LICENSED' },
    ],
    contacts: [{ name: 'Anna Andersson', email: 'anna@kommun.test' }],
    history: [{ at: new Date('2026-11-30T08:00:00Z'), event: 'CREATED', detail: { numberOfSchools: 2 } }],
    ...overrides,
  };
}

test('a request with everything: camelCase fields, ISO instants, the deadline at its Stockholm offset', () => {
  const view = toLicenseRequestView(row());
  expect(view).toEqual({
    id: '6f1c2a4e-0000-4000-8000-000000000001',
    partnerId: 'acme',
    organisation: { skolonId: 'org-1', name: 'Skolonkommunen' },
    numberOfSchools: 2,
    desiredAvailability: '2027-06-15',
    status: 'AWAITING_ASSIGNMENT',
    response: 'YES',
    answeredAt: '2026-12-01T09:30:00.123Z',
    deadline: '2026-12-07T23:59:59.999+01:00',
    createdAt: '2026-11-30T08:00:00.000Z',
    finishedAt: null,
    schools: [
      { skolonId: 'sch-1', name: 'Norra skolan', assignment: 'PENDING' },
      { skolonId: 'sch-2', name: 'Södra skolan', assignment: 'NOT_LICENSED' },
    ],
    contacts: [{ name: 'Anna Andersson', email: 'anna@kommun.test' }],
    history: [{ at: '2026-11-30T08:00:00.000Z', event: 'CREATED', detail: { numberOfSchools: 2 } }],
  });
  // The JSON's field order is the contract's.
  expect(Object.keys(view)).toEqual([
    'id',
    'partnerId',
    'organisation',
    'numberOfSchools',
    'desiredAvailability',
    'status',
    'response',
    'answeredAt',
    'deadline',
    'createdAt',
    'finishedAt',
    'schools',
    'contacts',
    'history',
  ]);
  // Nothing of the row's bookkeeping leaks out.
  expect(JSON.stringify(view)).not.toMatch(/state_version|deadline_date|skolon_id/);
});

test('a summer deadline carries summer time; a request without an answer has no deadline', () => {
  expect(toLicenseRequestSummaryView(row({ deadline: new Date('2027-06-11T21:59:59.999Z') })).deadline).toBe(
    '2027-06-11T23:59:59.999+02:00',
  );
  const unanswered = toLicenseRequestSummaryView(
    row({ status: 'AWAITING_ANSWER', response: 'UNANSWERED', answered_at: null, deadline: null, deadline_date: null }),
  );
  expect(unanswered).toMatchObject({ answeredAt: null, deadline: null, status: 'AWAITING_ANSWER' });
  expect(unanswered).not.toHaveProperty('schools');
});
