/**
 * Mail about a request, once per occasion: a sent-mail record keyed by (request, occasion,
 * sequence) is claimed before sending and marked sent after, so an activity retry after a
 * successful send sends nothing, and a retry while an earlier attempt may still be sending waits
 * (the claim is a lease). A worker dying between the send and the mark makes a later retry send
 * again, with the same Message-ID, which is as close to once as SMTP allows.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { findPartner } from '../db/repositories/partners';
import { addHistoryEvent, getLicenseRequest } from '../db/repositories/license-requests';
import { REQUEST_NOT_FOUND, type MailOccasion } from '../workflows/definitions';
import { isPermanentMailFailure, type Mailer } from './mailer';
import { renderMail, singleLine, type MailLocale } from './templates';
import { stockholmDate, stockholmToday, swedishCalendar } from '../domain/working-days';
import { businessMetrics } from '../observability/metrics';

/** How long a claim protects a mail being sent: longer than the mail activity's 2-minute timeout. */
const CLAIM_LEASE_SECONDS = 180;

export interface MailConfig {
  from: string;
  supportEmail: string;
  publicUrl: string;
  /** The language of mail to organisations' contacts (Swedish unless configured). */
  contactLocale?: MailLocale;
}

export interface SendRequestMailInput {
  requestId: string;
  occasion: MailOccasion;
  /** 0 for the first mail of an occasion, 1 for the next (e.g. repeated reminders). */
  sequence: number;
}

export type SendRequestMailResult = 'SENT' | 'ALREADY_SENT' | 'FAILED' | 'NO_RECIPIENTS' | 'SKIPPED';

/**
 * Reminders only make sense in the status they remind of. The read model is written before an
 * answer or assignment is acknowledged, so a reminder whose timer fired just as the partner acted
 * is dropped here instead of reaching the partner about a state the request has left.
 */
const ONLY_WHILE: Partial<Record<MailOccasion, readonly string[]>> = {
  UNANSWERED_REMINDER: ['AWAITING_ANSWER'],
  UNANSWERED_ESCALATION: ['AWAITING_ANSWER'],
  DEADLINE_NEAR: ['AWAITING_ASSIGNMENT'],
  OVERDUE: ['OVERDUE'],
};

export const TO_PARTNER: readonly MailOccasion[] = [
  'CREATED',
  'UNANSWERED_REMINDER',
  'DEADLINE_NEAR',
  'OVERDUE',
  'WITHDRAWN',
];

const HISTORY_EVENT: Record<MailOccasion, string> = {
  CREATED: 'PARTNER_NOTIFIED',
  UNANSWERED_REMINDER: 'PARTNER_REMINDED',
  UNANSWERED_ESCALATION: 'ESCALATED_TO_SUPPORT',
  DEADLINE_NEAR: 'PARTNER_REMINDED',
  OVERDUE: 'PARTNER_REMINDED',
  WITHDRAWN: 'PARTNER_NOTIFIED',
  ANSWERED_YES: 'CONTACTS_NOTIFIED',
  ANSWERED_NO: 'CONTACTS_NOTIFIED',
  COMPLETED: 'CONTACTS_NOTIFIED',
};

export function createMailActivities(db: Db, mailer: Mailer, config: MailConfig) {
  return {
    async sendRequestMail({ requestId, occasion, sequence }: SendRequestMailInput): Promise<SendRequestMailResult> {
      const request = await getLicenseRequest(db, requestId);
      // A workflow whose request is not stored has nothing to say and no one to say it to.
      if (!request)
        throw ApplicationFailure.nonRetryable(`license request ${requestId} is not in the database`, REQUEST_NOT_FOUND);
      const partner = await findPartner(db, request.partnerId);
      if (!partner)
        throw ApplicationFailure.nonRetryable(`partner ${request.partnerId} is not in the database`, REQUEST_NOT_FOUND);

      const toPartner = TO_PARTNER.includes(occasion);
      const recipients =
        occasion === 'UNANSWERED_ESCALATION'
          ? [config.supportEmail]
          : toPartner
            ? [partner.notificationEmail]
            : request.contacts.map((c) => c.email);
      // Support hears of the first overdue mail only; later ones are reminders for the partner.
      if (occasion === 'OVERDUE' && sequence === 0) recipients.push(config.supportEmail);
      // Partners read their own language (and so does support on the partner's overdue mail);
      // organisations' contacts read Swedish.
      const locale: MailLocale = toPartner ? partner.locale : (config.contactLocale ?? 'sv');
      const key = `${occasion.toLowerCase()}-${sequence}`;
      /** This mail's sent_mail record: one per (request, occasion, sequence). */
      const thisMail = { request_id: requestId, occasion, sequence };
      const domain = config.from.match(/@([^>\s]+)/)?.[1] ?? 'license-requests.local';
      const messageId = `<license-request-${requestId}-${key}@${domain}>`;

      const allowed = ONLY_WHILE[occasion];
      const earlier = await db
        .selectFrom('sent_mail')
        .select('status')
        .where((eb) => eb.and(thisMail))
        .executeTakeFirst();
      if (!earlier && allowed && !allowed.includes(request.status)) return 'SKIPPED';

      // Claim the occasion: a new record, or a SENDING one whose attempt's lease has run out (that
      // attempt died; the lease is longer than the activity's timeout, so it is not still sending).
      const claimed = await db
        .insertInto('sent_mail')
        .values({
          request_id: requestId,
          occasion,
          sequence,
          message_id: messageId,
          recipients: recipients.join(', '),
          status: 'SENDING',
          claimed_at: new Date(),
        })
        .onConflict((oc) =>
          oc
            .columns(['request_id', 'occasion', 'sequence'])
            .doUpdateSet({ claimed_at: new Date() })
            .where('sent_mail.status', '=', 'SENDING')
            .where(
              'sent_mail.claimed_at',
              '<',
              sql<Date>`now() - ${sql.raw(`interval '${CLAIM_LEASE_SECONDS} seconds'`)}`,
            ),
        )
        .returning('status')
        .executeTakeFirst();
      if (!claimed) {
        const existing = await db
          .selectFrom('sent_mail')
          .select('status')
          .where((eb) => eb.and(thisMail))
          .executeTakeFirstOrThrow();
        if (existing.status === 'SENT') return 'ALREADY_SENT';
        if (existing.status === 'FAILED') return 'FAILED';
        // An earlier attempt holds the claim and may still be talking to the mail server.
        throw ApplicationFailure.retryable('An earlier attempt may still be sending this mail.', 'MailInFlight');
      }
      if (recipients.length === 0) return 'NO_RECIPIENTS';

      const answered = request.status !== 'AWAITING_ANSWER';
      const today = stockholmToday();
      const rendered = renderMail(occasion, locale, {
        organisationName: request.organisation.name,
        organisationSkolonId: request.organisation.skolonId,
        partnerName: partner.name,
        numberOfSchools: request.numberOfSchools,
        // Before an answer every school; after it the ones still waiting for licenses.
        schools: request.schools.filter((s) => !answered || s.assignment === 'PENDING').map((s) => s.name),
        desiredAvailability: request.desiredAvailability,
        deadline: request.deadline,
        workingDaysLeft: request.deadline
          ? swedishCalendar.workingDaysBetween(today, stockholmDate(new Date(request.deadline)))
          : null,
        // The partner answers and assigns in the portal; contacts and support have no page there.
        link: toPartner ? `${config.publicUrl}/portal/requests/${encodeURIComponent(requestId)}` : null,
      });

      let refused: string[] = [];
      try {
        ({ refused } = await mailer.send({
          from: config.from,
          to: recipients.map(singleLine),
          ...rendered,
          messageId,
          fileName: `${requestId}-${key}`,
        }));
      } catch (error) {
        if (!isPermanentMailFailure(error)) {
          // Not delivered: give the claim back so that the retry (with backoff) can send at once.
          await db
            .deleteFrom('sent_mail')
            .where((eb) => eb.and(thisMail))
            .where('status', '=', 'SENDING')
            .execute();
          throw error;
        }
        const message = error instanceof Error ? error.message : String(error);
        Context.current().log.warn('Mail refused for good', { requestId, occasion, sequence, error: message });
        await db
          .updateTable('sent_mail')
          .set({ status: 'FAILED', error: message })
          .where((eb) => eb.and(thisMail))
          .execute();
        await addHistoryEvent(db, requestId, {
          key: `mail-${key}`,
          at: new Date(),
          event: 'MAIL_FAILED',
          detail: { occasion, to: recipients, error: message },
        });
        businessMetrics.mailFailed(occasion);
        return 'FAILED';
      }

      const delivered = recipients.filter((r) => !refused.includes(r));
      // Marked sent and recorded in the history together: a crash cannot keep one without the other.
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('sent_mail')
          .set({ status: 'SENT', sent_at: sql`now()` })
          .where((eb) => eb.and(thisMail))
          .execute();
        await addHistoryEvent(trx, requestId, {
          key: `mail-${key}`,
          at: new Date(),
          event: HISTORY_EVENT[occasion],
          detail: { occasion, to: delivered },
        });
      });
      businessMetrics.mailSent(occasion);
      if (refused.length > 0) {
        // Some recipients were refused for good while the others got the mail: say so.
        Context.current().log.warn('Mail refused for some recipients', { requestId, occasion, sequence, refused });
        await addHistoryEvent(db, requestId, {
          key: `mail-${key}-refused`,
          at: new Date(),
          event: 'MAIL_FAILED',
          detail: { occasion, to: refused, error: 'recipient refused by the mail server' },
        });
      }
      return 'SENT';
    },
  };
}
