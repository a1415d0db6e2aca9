/**
 * The organisation's status page: a request as its contacts may see it, found by the token in
 * their mail (domain/status-page-token.ts). Only what the organisation needs: the partner's name,
 * never its id, notification address or API details; no contacts' addresses; the history without
 * mail, reminders or who did what at the partner (domain/status-page.ts).
 */
import { DateTime } from 'luxon';
import type { Db } from '../db/database';
import { getLicenseRequest } from '../db/repositories/license-requests';
import { findPartner } from '../db/repositories/partners';
import type { Assignment, PartnerResponse, Status } from '../domain/license-request';
import { contactHistory, type ContactHistoryEntry } from '../domain/status-page';
import { requestIdOfStatusPageToken } from '../domain/status-page-token';
import { STOCKHOLM } from '../domain/working-days';

export interface StatusPageView {
  organisation: { name: string };
  partner: { name: string };
  status: Status;
  response: PartnerResponse;
  desiredAvailability: string | null;
  /** The deadline instant with its Stockholm offset, once the partner has said YES. */
  deadline: string | null;
  createdAt: string;
  schools: Array<{ skolonId: string; name: string; assignment: Assignment }>;
  history: ContactHistoryEntry[];
}

export interface StatusPageService {
  /** The request a token opens, or undefined for any token that is not one of ours (or whose request is gone). */
  find(token: string): Promise<StatusPageView | undefined>;
}

export function createStatusPageService(db: Db, key: Buffer): StatusPageService {
  return {
    async find(token) {
      const id = requestIdOfStatusPageToken(key, token);
      if (!id) return undefined;
      const request = await getLicenseRequest(db, id);
      if (!request) return undefined;
      const partner = await findPartner(db, request.partner_id);
      if (!partner) return undefined; // cannot happen (a foreign key), and nothing to show if it did
      return {
        organisation: { name: request.organisation_name },
        partner: { name: partner.name },
        status: request.status as Status,
        response: request.response as PartnerResponse,
        desiredAvailability: request.desired_availability,
        deadline: request.deadline ? DateTime.fromJSDate(request.deadline, { zone: STOCKHOLM }).toISO() : null,
        createdAt: request.created_at.toISOString(),
        schools: request.schools.map((s) => ({
          skolonId: s.skolon_id,
          name: s.name,
          assignment: s.assignment as Assignment,
        })),
        history: contactHistory(
          request.history.map((h) => ({ at: h.at.toISOString(), event: h.event, detail: h.detail })),
        ),
      };
    },
  };
}
