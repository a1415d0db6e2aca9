/**
 * What the portal's pages say about a request's dates: days left, overdue, and (before an answer)
 * the deadline a YES now would get. The rules are the domain's (domain/license-request.ts), on
 * Sweden's working days; the real deadline is set by the workflow when the YES arrives.
 */
import { deadlineIfAnsweredNow, deadlineStanding, type DeadlineStanding } from '../domain/license-request';
import { swedishCalendar, type IsoDate } from '../domain/working-days';
import type { LicenseRequestView } from '../services/license-request-view';

export type DeadlineState = DeadlineStanding;

export function deadlineState(
  request: Pick<LicenseRequestView, 'deadline' | 'status'>,
  now: Date,
): DeadlineState | undefined {
  return deadlineStanding(swedishCalendar, request, now);
}

/** The deadline a YES given now would get, and whether the desired date makes it earlier than five working days. */
export function yesPreview(
  request: Pick<LicenseRequestView, 'desiredAvailability'>,
  now: Date,
): { deadlineDate: IsoDate; desiredIsEarlier: boolean } {
  return deadlineIfAnsweredNow(swedishCalendar, request.desiredAvailability, now);
}

/** Progress of the assignments: licensed schools (not NOT_LICENSED) and how many of them are assigned. */
export function assignmentProgress(request: Pick<LicenseRequestView, 'schools'>): {
  licensed: number;
  assigned: number;
} {
  const licensed = request.schools.filter((s) => s.assignment !== 'NOT_LICENSED');
  return { licensed: licensed.length, assigned: licensed.filter((s) => s.assignment === 'ASSIGNED').length };
}

/** Support's exceptions on a request, as the request page tells the partner of them. */
export interface SupportExceptions {
  /** The latest extension of the deadline: from and to (ISO instants), and why. */
  extension?: { at: string; from: string | null; to: string; reason: string };
  /** The latest reopening of a NO, and why. */
  reopening?: { at: string; reason: string };
}

/**
 * The latest extension and reopening in the request's history. Details are stored JSON: an
 * extension without its new deadline is left out, a missing reason is an empty one.
 */
export function supportExceptions(request: Pick<LicenseRequestView, 'history'>): SupportExceptions {
  const found: SupportExceptions = {};
  for (const { at, event, detail } of request.history) {
    const d = (detail ?? {}) as Record<string, unknown>;
    const reason = typeof d.reason === 'string' ? d.reason : '';
    if (event === 'DEADLINE_EXTENDED' && typeof d.to === 'string') {
      found.extension = { at, from: typeof d.from === 'string' ? d.from : null, to: d.to, reason };
    } else if (event === 'REOPENED') {
      found.reopening = { at, reason };
    }
  }
  return found;
}
