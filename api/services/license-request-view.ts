/**
 * A license request as the API returns it and the portal shows it (contract: "Request
 * representation"), built from the read model's rows (db/repositories/license-requests.ts).
 */
import { DateTime } from 'luxon';
import type { LicenseRequestRow } from '../../db/schema';
import type { LicenseRequestWithDetails } from '../../db/repositories/license-requests';
import { STOCKHOLM } from '../../domain/working-days';
import type { Assignment, PartnerResponse, Status } from '../../workflows/definitions';

export interface SchoolView {
  skolonId: string;
  name: string;
  assignment: Assignment;
}

export interface ContactView {
  name: string;
  email: string;
}

export interface HistoryEventView {
  at: string;
  event: string;
  detail: unknown;
}

/** A request as the list shows it (contract: "Request representation"). */
export interface LicenseRequestSummaryView {
  id: string;
  partnerId: string;
  organisation: { skolonId: string; name: string };
  numberOfSchools: number;
  desiredAvailability: string | null;
  status: Status;
  response: PartnerResponse;
  answeredAt: string | null;
  deadline: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** A request with everything (contract: "Request representation"). */
export interface LicenseRequestView extends LicenseRequestSummaryView {
  schools: SchoolView[];
  contacts: ContactView[];
  history: HistoryEventView[];
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/** The statuses, responses and assignments in the read model are the workflow's (see applyTransition). */
export function toLicenseRequestSummaryView(row: LicenseRequestRow): LicenseRequestSummaryView {
  return {
    id: row.id,
    partnerId: row.partner_id,
    organisation: { skolonId: row.organisation_skolon_id, name: row.organisation_name },
    numberOfSchools: row.number_of_schools,
    desiredAvailability: row.desired_availability,
    status: row.status as Status,
    response: row.response as PartnerResponse,
    answeredAt: iso(row.answered_at),
    // The deadline is a Stockholm calendar day's end: shown with the Stockholm offset.
    deadline: row.deadline ? DateTime.fromJSDate(row.deadline, { zone: STOCKHOLM }).toISO() : null,
    createdAt: row.created_at.toISOString(),
    finishedAt: iso(row.finished_at),
  };
}

export function toLicenseRequestView(row: LicenseRequestWithDetails): LicenseRequestView {
  const { schools, contacts, history, ...request } = row;
  return {
    ...toLicenseRequestSummaryView(request),
    schools: schools.map((s) => ({ skolonId: s.skolon_id, name: s.name, assignment: s.assignment as Assignment })),
    contacts: contacts.map((c) => ({ name: c.name, email: c.email })),
    history: history.map((h) => ({ at: h.at.toISOString(), event: h.event, detail: h.detail })),
  };
}
