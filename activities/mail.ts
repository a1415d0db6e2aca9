/**
 * Mail about a request, once per occasion: a sent-mail record keyed by (request, occasion,
 * sequence) is claimed before sending and marked sent after, so an activity retry after a
 * successful send sends nothing, and a retry while an earlier attempt may still be sending waits
 * (the claim is a lease, which the attempt renews while it runs). A worker dying between the send
 * and the mark makes a later retry send again, with the same Message-ID, which is as close to
 * once as SMTP allows; a worker dying before the server accepted the message has not sent it.
 *
 * Recipients the server refuses for now (4xx, e.g. greylisting) while it accepts the others are
 * kept in the record (DEFERRED, pending_recipients) and the attempt fails: Temporal's retries, with
 * backoff, send the same message (same Message-ID) to them alone until each is accepted or refused
 * for good. Those who got it are recorded before that and never get it again.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../db/database';
import { addHistoryEvent, getLicenseRequestForMail } from '../db/repositories/license-requests';
import {
  claimSentMail,
  deferSentMailClaim,
  deleteSentMailClaim,
  findSentMail,
  findSentMailClaim,
  recordSentMailRound,
  renewSentMailClaim,
  type SentMailKey,
} from '../db/repositories/sent-mail';
import { REMINDER_APPLIES_WHILE, workingDaysLeft, type MailOccasion, type Status } from '../domain/license-request';
import type { ReminderSkipReason } from '../domain/reminders';
import { isPermanentMailFailure, type Mailer } from './mailer';
import { answerButtons, renderMail, type MailAudience } from './templates';
import { singleLine } from '../domain/text';
import { DEFAULT_LOCALE, type Locale } from '../domain/locale';
import { swedishCalendar } from '../domain/working-days';
import { statusPageToken, statusPageUrl } from '../domain/status-page-token';
import {
  answerLinkExpiry,
  answerLinkToken,
  answerLinkTokenHash,
  answerLinkUrl,
  newAnswerLinkSeed,
} from '../domain/answer-link';
import { ensureAnswerLinks } from '../db/repositories/answer-links';
import type { MailButton } from './templates';
import { businessMetrics } from '../observability/metrics';

/**
 * While it runs, an attempt heartbeats to Temporal and renews its claim this often: Temporal learns
 * within the heartbeat timeout that a worker died mid-send, and the claim shows whether the attempt
 * holding it is still alive.
 */
export const CLAIM_RENEW_EVERY_MS = 3_000;

/**
 * A claim that has not been renewed for this long belongs to an attempt that is gone: a retry may
 * take the mail over. Several renewals long, so a busy database does not let a live attempt's
 * claim lapse.
 */
export const CLAIM_LEASE_MS = 20_000;

export interface MailConfig {
  from: string;
  supportEmail: string;
  publicUrl: string;
  /** The language of mail to organisations' contacts (Swedish unless configured). */
  contactLocale?: Locale;
  /**
   * STATUS_PAGE_KEY: signs the status-page link in every mail to the contacts, and (for a purpose
   * of their own) the YES and NO links in the partner's request and reminder mails.
   */
  statusPageKey: Buffer;
}

export interface SendRequestMailInput {
  requestId: string;
  occasion: MailOccasion;
  /** 0 for the first mail of an occasion, 1 for the next (e.g. repeated reminders). */
  sequence: number;
  /** A reminder not sent by this instant (the mail server was away) is stale: it is skipped. */
  expiresAt?: string | null;
  expiresBecause?: ReminderSkipReason | null;
  /** Support gets a copy (the first and the last overdue mail). */
  alsoToSupport?: boolean;
  /** Support's reason, in the mail about an extension or a reopening. */
  reason?: string;
}

export type SendRequestMailResult = 'SENT' | 'ALREADY_SENT' | 'FAILED' | 'NO_RECIPIENTS' | 'SKIPPED';

export const TO_PARTNER: readonly MailOccasion[] = [
  'CREATED',
  'UNANSWERED_REMINDER',
  'DEADLINE_NEAR',
  'OVERDUE',
  'WITHDRAWN',
  'DEADLINE_EXTENDED',
  'REOPENED',
  'WEBHOOK_DISABLED',
];

/** The partner's mails that ask for an answer: they carry YES and NO links (domain/answer-link.ts). */
export const ANSWER_LINK_OCCASIONS: readonly MailOccasion[] = ['CREATED', 'REOPENED', 'UNANSWERED_REMINDER'];

/** Who reads an occasion's mail: the partner, the organisation's contacts, or support alone. */
export function audienceOf(occasion: MailOccasion): MailAudience {
  if (occasion === 'UNANSWERED_ESCALATION') return 'support';
  return TO_PARTNER.includes(occasion) ? 'partner' : 'contacts';
}

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
  DEADLINE_EXTENDED: 'PARTNER_NOTIFIED',
  DEADLINE_EXTENDED_CONTACTS: 'CONTACTS_NOTIFIED',
  REOPENED: 'PARTNER_NOTIFIED',
  WEBHOOK_DISABLED: 'PARTNER_NOTIFIED',
};

/** What an attempt tells the next one, through Temporal (the details of its heartbeats). */
interface AttemptDetails {
  /**
   * The SMTP server accepted the mail for `to` (absent: all its recipients, the first send) but
   * these. Details outlive the attempt that recorded them, so they are recorded only if the mail's
   * record still shows that send unrecorded (see record).
   */
  sent?: { to?: string[]; refused: string[]; deferred?: string[] };
}

/** One SMTP transaction of a mail: to all its recipients (the first), or to those deferred before. */
interface Round {
  first: boolean;
  to: string[];
}

/** How the server answered a round. */
interface Outcome {
  refused: string[];
  deferred: string[];
  /** The server's refusal of the whole round, if that is what it was (its words: operators only). */
  error?: string;
  /** That refusal as partners may see it: our code and the SMTP reply code, never the server's text. */
  failure?: MailFailure;
}

interface MailFailure {
  reason: 'recipient_refused' | 'message_refused';
  smtpCode?: number;
}

/** A permanent refusal (isPermanentMailFailure) as a code: EENVELOPE refuses recipients, EMESSAGE the message. */
function mailFailureOf(error: unknown): MailFailure {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  return {
    reason: code === 'EMESSAGE' ? 'message_refused' : 'recipient_refused',
    ...(typeof responseCode === 'number' && { smtpCode: responseCode }),
  };
}

/** The failure type of an attempt that left recipients deferred: Temporal retries it, with backoff. */
export const MAIL_DEFERRED = 'MailDeferred';

/** One attempt of the mail activity. */
interface Attempt {
  /** Set once this attempt holds the mail's claim, which from then on it renews while it runs. */
  claimed: boolean;
  details: AttemptDetails;
  heartbeat(): void;
  /** Runs `work`, retrying failures (e.g. the database away) while the attempt has time left. */
  persistently<T>(work: () => Promise<T>): Promise<T>;
}

/** A mail's sent_mail record: one per (request, occasion, sequence). */
type MailKey = SentMailKey & { occasion: MailOccasion };

/** The failure type when the request (or its partner) is not in the database: nothing to send, not retried. */
const REQUEST_NOT_FOUND = 'RequestNotFound';

export function createMailActivities(db: Db, mailer: Mailer, config: MailConfig) {
  async function send(input: SendRequestMailInput, attempt: Attempt): Promise<SendRequestMailResult> {
    const { requestId, occasion, sequence } = input;
    // The request without its history, and its partner, in one round trip.
    const request = await getLicenseRequestForMail(db, requestId);
    // A workflow whose request is not stored has nothing to say and no one to say it to.
    if (!request)
      throw ApplicationFailure.nonRetryable(`license request ${requestId} is not in the database`, REQUEST_NOT_FOUND);
    const { partner } = request;
    if (!partner)
      throw ApplicationFailure.nonRetryable(`partner ${request.partner_id} is not in the database`, REQUEST_NOT_FOUND);

    const audience = audienceOf(occasion);
    const toPartner = audience === 'partner';
    const toContacts = audience === 'contacts';
    const recipients =
      audience === 'support'
        ? [config.supportEmail]
        : toPartner
          ? [partner.notification_email]
          : request.contacts.map((c) => c.email);
    // Support hears of the first and the last overdue mail; the others are for the partner.
    if (input.alsoToSupport) recipients.push(config.supportEmail);
    // Partners read their own language (and so does support on the partner's overdue mail);
    // organisations' contacts read Swedish.
    const locale: Locale = toPartner ? partner.locale : (config.contactLocale ?? DEFAULT_LOCALE);
    const key = `${occasion.toLowerCase()}-${sequence}`;
    const thisMail: MailKey = { request_id: requestId, occasion, sequence };
    const domain = config.from.match(/@([^>\s]+)/)?.[1] ?? 'license-requests.local';
    const messageId = `<license-request-${requestId}-${key}@${domain}>`;

    // Sent by an earlier attempt that could not record it (the database was away, or its worker
    // died just after): record it now, and do not send it again.
    if (attempt.details.sent) {
      const { to, refused, deferred = [] } = attempt.details.sent;
      const round: Round = to ? { first: false, to } : { first: true, to: recipients };
      const result = await record(attempt, thisMail, key, round, { refused, deferred });
      if (result) return result;
      attempt.details = {}; // recorded already (by that attempt): go on from the record
    }

    // A reminder whose request has moved on (the read model is written before an answer or an
    // assignment is acknowledged), or that went stale while the mail server was away, is dropped
    // here, before anything is claimed: the history says why.
    const allowed = REMINDER_APPLIES_WHILE[occasion];
    const stale = input.expiresAt != null && Date.now() >= Date.parse(input.expiresAt);
    const skip: ReminderSkipReason | null = stale
      ? (input.expiresBecause ?? 'LATER_REMINDER_DUE')
      : allowed && !allowed.includes(request.status as Status)
        ? 'NO_LONGER_APPLIES'
        : null;
    if (skip) {
      const earlier = await findSentMail(db, thisMail);
      if (!earlier) {
        await addHistoryEvent(db, requestId, {
          key: `mail-${key}-skipped`,
          at: new Date(),
          event: 'REMINDER_SKIPPED',
          detail: { occasion, sequence, reason: skip },
        });
        return 'SKIPPED';
      }
    }

    // Claim the occasion: a new record, or a SENDING one whose lease has run out (the attempt that
    // held it is gone: a live attempt renews its claim until its own timeout, see sendRequestMail).
    const claimed = await claimSentMail(
      db,
      { ...thisMail, message_id: messageId, recipients: recipients.join(', ') },
      CLAIM_LEASE_MS,
    );
    if (!claimed) {
      const existing = await findSentMailClaim(db, thisMail, CLAIM_LEASE_MS);
      if (existing.status === 'SENT') return 'ALREADY_SENT';
      if (existing.status === 'FAILED') return 'FAILED';
      // An earlier attempt holds the claim and may still be talking to the mail server. If it is
      // gone, its claim lapses soon: try again just after that rather than on the usual backoff.
      throw ApplicationFailure.create({
        message: 'An earlier attempt may still be sending this mail.',
        type: 'MailInFlight',
        nextRetryDelay: Math.max(1000, Math.ceil(existing.lapses_in_seconds * 1000) + 500),
      });
    }
    attempt.claimed = true;
    if (recipients.length === 0) return 'NO_RECIPIENTS';
    // Those the server deferred last time, alone; or everybody, the first time.
    const round: Round = claimed.pending_recipients
      ? { first: false, to: claimed.pending_recipients }
      : { first: true, to: recipients };

    const answered = request.status !== 'AWAITING_ANSWER';
    const actions =
      toPartner && !answered && ANSWER_LINK_OCCASIONS.includes(occasion)
        ? await answerLinkButtons(thisMail, recipients[0]!, locale)
        : [];
    const rendered = await renderMail(occasion, locale, {
      audience,
      supportEmail: config.supportEmail,
      organisationName: request.organisation_name,
      organisationSkolonId: request.organisation_skolon_id,
      partnerName: partner.name,
      numberOfSchools: request.number_of_schools,
      // Before an answer every school; after it the ones still waiting for licenses.
      schools: request.schools.filter((s) => !answered || s.assignment === 'PENDING').map((s) => s.name),
      desiredAvailability: request.desired_availability,
      deadline: request.deadline ? request.deadline.toISOString() : null,
      workingDaysLeft: request.deadline
        ? workingDaysLeft(swedishCalendar, request.deadline.toISOString(), new Date())
        : null,
      // The partner answers and assigns in the portal; contacts and support have no page there.
      link: toPartner ? `${config.publicUrl}/portal/requests/${encodeURIComponent(requestId)}` : null,
      // The contacts' own page: derived from the id, so every mail (after a restart too) has the same link.
      statusPageLink: toContacts
        ? statusPageUrl(config.publicUrl, statusPageToken(config.statusPageKey, requestId), locale)
        : null,
      supportInformed: occasion === 'OVERDUE' && input.alsoToSupport === true,
      reason: input.reason ?? null,
      actions,
    });

    let outcome: Outcome;
    try {
      outcome = await mailer.send({
        from: config.from,
        to: round.to.map(singleLine),
        ...rendered,
        messageId,
        fileName: `${requestId}-${key}`,
      });
    } catch (error) {
      if (!isPermanentMailFailure(error)) {
        // Not delivered: give the claim back so that the retry (with backoff) can send at once.
        await giveBack(thisMail, round);
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      Context.current().log.warn('Mail refused for good', { requestId, occasion, sequence, error: message });
      const outcome = { refused: round.to, deferred: [], error: message, failure: mailFailureOf(error) };
      return (await record(attempt, thisMail, key, round, outcome)) ?? 'ALREADY_SENT';
    }
    // Nobody got it and nobody was refused for good: the whole round is for later, as when the
    // server is down. (nodemailer rejects such a send; another mailer might resolve.)
    if (outcome.refused.length === 0 && round.to.every((r) => outcome.deferred.includes(r))) {
      await giveBack(thisMail, round);
      throw deferredFailure(outcome.deferred);
    }

    // The mail is out. Should recording it fail (the database away), the next heartbeat tells
    // Temporal, which hands it to a later attempt: that one records the mail instead of sending it.
    attempt.details = {
      sent: {
        ...(!round.first && { to: round.to }),
        refused: outcome.refused,
        ...(outcome.deferred.length > 0 && { deferred: outcome.deferred }),
      },
    };
    // Nothing recorded: our claim had lapsed and another attempt took the mail over.
    return (await record(attempt, thisMail, key, round, outcome)) ?? 'ALREADY_SENT';
  }

  /**
   * The mail's YES and NO buttons. Its links are stored before the first send and found again by
   * every retry, so the same Message-ID always carries the same links.
   */
  async function answerLinkButtons(thisMail: MailKey, sentTo: string, locale: Locale): Promise<MailButton[]> {
    const fresh = newAnswerLinkSeed();
    const stored = await ensureAnswerLinks(db, {
      ...thisMail,
      sent_to: sentTo,
      seed: fresh,
      yes_token_hash: answerLinkTokenHash(answerLinkToken(config.statusPageKey, fresh, 'YES')),
      no_token_hash: answerLinkTokenHash(answerLinkToken(config.statusPageKey, fresh, 'NO')),
      expires_at: answerLinkExpiry(new Date()),
    });
    return answerButtons(locale, (answer) =>
      answerLinkUrl(config.publicUrl, answerLinkToken(config.statusPageKey, stored.seed, answer)),
    );
  }

  /** Lets a retry have the mail at once: nothing of this round was delivered. */
  async function giveBack(thisMail: MailKey, round: Round): Promise<void> {
    // The first round leaves no trace, so that the retry decides afresh (e.g. a reminder whose
    // moment has passed is skipped); a later one keeps who is left.
    if (round.first) await deleteSentMailClaim(db, thisMail);
    else await deferSentMailClaim(db, thisMail);
  }

  function deferredFailure(deferred: string[]): ApplicationFailure {
    return ApplicationFailure.create({
      message: `The mail server deferred ${deferred.join(', ')} (4xx): trying again later.`,
      type: MAIL_DEFERRED,
    });
  }

  /**
   * Records how the server answered a round: the record's new state and, in the history, who got
   * the mail and who was refused for good, in one statement, so a crash keeps both or neither.
   * Only while the record still shows the round unrecorded (SENDING, with the round's recipients
   * pending): so the details an earlier attempt left record nothing twice. Resolves undefined
   * when it was recorded already; throws MAIL_DEFERRED when recipients are left for a retry.
   */
  async function record(
    attempt: Attempt,
    thisMail: MailKey,
    key: string,
    round: Round,
    { refused, deferred, error, failure }: Outcome,
  ): Promise<SendRequestMailResult | undefined> {
    const { request_id: requestId, occasion, sequence } = thisMail;
    const delivered = round.to.filter((r) => !refused.includes(r) && !deferred.includes(r));
    // Each round has its own event keys: the first the usual ones; a later one is told apart by its
    // recipients, which shrink from round to round.
    const eventKey = `mail-${key}${round.first ? '' : `-retry-${[...round.to].sort().join(',')}`}`;
    const events = [
      ...(delivered.length > 0
        ? [{ key: eventKey, event: HISTORY_EVENT[occasion], detail: { occasion, to: delivered } }]
        : []),
      ...(refused.length > 0
        ? [
            {
              key: delivered.length > 0 ? `${eventKey}-refused` : eventKey,
              event: 'MAIL_FAILED',
              // Shown to partners (API and portal): a code, never the server's words, which stay in
              // the log and in sent_mail.error for operators.
              detail: { occasion, to: refused, ...(failure ?? { reason: 'recipient_refused' }) },
            },
          ]
        : []),
    ];
    const at = new Date();
    // The moment between the server's "accepted" and this record, in which a worker that dies
    // leaves a mail that a retry sends again, is one round trip short.
    const status = await attempt.persistently(() =>
      recordSentMailRound(db, thisMail, {
        pendingBefore: round.first ? null : round.to,
        delivered,
        deferred,
        error: error ?? null,
        at,
        events,
      }),
    );
    if (!status) return undefined;
    attempt.details = {}; // recorded: nothing for a later attempt to record
    if (refused.length > 0 && delivered.length > 0)
      // Some recipients were refused for good while the others got the mail: say so.
      Context.current().log.warn('Mail refused for some recipients', { requestId, occasion, sequence, refused });
    if (status === 'DEFERRED') {
      Context.current().log.info('Mail deferred for some recipients', { requestId, occasion, sequence, deferred });
      throw deferredFailure(deferred);
    }
    if (status === 'FAILED') {
      businessMetrics.mailFailed(occasion);
      return 'FAILED';
    }
    businessMetrics.mailSent(occasion);
    return 'SENT';
  }

  return {
    async sendRequestMail(input: SendRequestMailInput): Promise<SendRequestMailResult> {
      const context = Context.current();
      const endsAt = Date.now() + (context.info.startToCloseTimeoutMs || 120_000);
      const attempt: Attempt = {
        claimed: false,
        // What an earlier attempt of this mail left (Temporal hands over its last heartbeat's details).
        details: (context.info.heartbeatDetails as AttemptDetails | undefined) ?? {},
        heartbeat: () => context.heartbeat(attempt.details),
        async persistently(work) {
          for (let wait = 500; ; wait = Math.min(wait * 2, 4000)) {
            try {
              return await work();
            } catch (error) {
              if (Date.now() + wait > endsAt - 5000) throw error;
              attempt.heartbeat(); // with what this attempt knows, e.g. that its mail is out
              await new Promise((r) => setTimeout(r, wait));
            }
          }
        },
      };
      // Alive: Temporal hears it (a heartbeat), and so does anyone looking at the claim (a renewal).
      const alive = setInterval(() => {
        attempt.heartbeat();
        // Never beyond the attempt's own timeout: by then Temporal has handed the mail to a retry.
        if (!attempt.claimed || Date.now() > endsAt) return;
        renewSentMailClaim(db, {
          request_id: input.requestId,
          occasion: input.occasion,
          sequence: input.sequence,
        }).catch(
          () => undefined, // the next renewal tries again; the lease outlasts several
        );
      }, CLAIM_RENEW_EVERY_MS);
      // A mail that goes out within a few seconds costs no heartbeat at all: the heartbeat timeout
      // runs from the attempt's start, and the first heartbeat is due only after CLAIM_RENEW_EVERY_MS.
      try {
        return await send(input, attempt);
      } finally {
        clearInterval(alive);
      }
    },
  };
}
