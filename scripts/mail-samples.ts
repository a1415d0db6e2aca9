/**
 * Every mail the service sends, with realistic data: each occasion in each language, addressed as
 * the mail activity addresses it (the partner gets the portal's link, and YES/NO buttons where it
 * is asked to answer, the contacts their status page, support neither), and the portal's sign-in
 * and invitation mails. The dates follow the day it runs. `npm run mail:preview` renders these,
 * and so does the layout's browser test (activities/templates/layout.test.ts).
 */
import crypto from 'node:crypto';
import { ANSWER_LINK_OCCASIONS, audienceOf } from '../activities/mail';
import { answerButtons, type MailFacts } from '../activities/templates';
import type { InvitationMailFacts, SignInMailFacts } from '../activities/templates/portal-mail';
import { answerLinkToken, answerLinkUrl } from '../domain/answer-link';
import { MAIL_OCCASIONS, workingDaysLeft, type MailOccasion } from '../domain/license-request';
import { LOCALES, type Locale } from '../domain/locale';
import { statusPageToken, statusPageUrl } from '../domain/status-page-token';
import { swedishCalendar } from '../domain/working-days';
import { SIGN_IN_LINK_MINUTES } from '../services/portal-sign-in';

export interface MailSample {
  /** `created.sv`: the preview's file name, without the extension. */
  name: string;
  occasion: MailOccasion;
  locale: Locale;
  facts: MailFacts;
}

export const SAMPLE_PUBLIC_URL = 'https://licenses.skolon.example';
export const SAMPLE_SUPPORT_EMAIL = 'support@skolon.example';
const REQUEST_ID = '3f2b8c1e-7d4a-4c2e-9b1f-5a6d8e0c2b47';
/** A key made up for the preview: the links have the real shape but open nothing anywhere. */
const STATUS_PAGE_KEY = crypto.createHash('sha256').update('mail preview').digest();

/** A mail's answer links as the mail activity makes them, from a seed of the preview's own per mail. */
function sampleAnswerLink(occasion: MailOccasion, answer: 'YES' | 'NO'): string {
  const seed = crypto.createHash('sha256').update(`mail preview ${occasion}`).digest();
  return answerLinkUrl(SAMPLE_PUBLIC_URL, answerLinkToken(STATUS_PAGE_KEY, seed, answer));
}

const SCHOOLS = [
  'Norra skolan',
  'Södra skolan',
  'Östra skolan',
  'Västra gymnasiet',
  'Ekbackens förskola och grundskola F–6',
  'Lindängens skola',
];

/** Support's reason, as support might write it to each kind of reader. */
const REASONS: Record<Locale, string> = {
  sv: 'Kommunens nya avtal med partnern börjar gälla först nästa vecka.',
  en: "The municipality's new agreement with the partner only starts next week.",
};

/** The request's deadline when each occasion's mail goes out: none yet, ahead, or passed. */
const DEADLINE: Record<MailOccasion, 'none' | 'ahead' | 'tomorrow' | 'passed'> = {
  CREATED: 'none',
  UNANSWERED_REMINDER: 'none',
  UNANSWERED_ESCALATION: 'none',
  ANSWERED_YES: 'ahead',
  ANSWERED_NO: 'none',
  DEADLINE_NEAR: 'tomorrow',
  OVERDUE: 'passed',
  COMPLETED: 'ahead',
  WITHDRAWN: 'none',
  DEADLINE_EXTENDED: 'ahead',
  DEADLINE_EXTENDED_CONTACTS: 'ahead',
  REOPENED: 'none',
  WEBHOOK_DISABLED: 'none',
};

export function mailSamples(now = new Date()): MailSample[] {
  const calendar = swedishCalendar;
  const today = calendar.dateOf(now);
  const deadlineDates = {
    ahead: calendar.nthWorkingDayAfter(today, 5),
    tomorrow: calendar.nthWorkingDayAfter(today, 1),
    passed: calendar.workingDayBefore(today),
  };
  const desired = calendar.nthWorkingDayAfter(today, 15);

  return MAIL_OCCASIONS.flatMap((occasion) =>
    LOCALES.map((locale): MailSample => {
      const audience = audienceOf(occasion);
      const when = DEADLINE[occasion];
      const deadlineDate = when === 'none' ? null : deadlineDates[when];
      // After a YES some schools already have their licenses: the mail lists the others.
      const answered = when !== 'none' || occasion === 'ANSWERED_NO';
      return {
        name: `${occasion.toLowerCase()}.${locale}`,
        occasion,
        locale,
        facts: {
          audience,
          supportEmail: SAMPLE_SUPPORT_EMAIL,
          organisationName: 'Skolonkommunen',
          organisationSkolonId: 'org-4711',
          partnerName: 'Acme Learning',
          numberOfSchools: SCHOOLS.length,
          schools: answered ? SCHOOLS.slice(2) : SCHOOLS,
          desiredAvailability: desired,
          deadline: deadlineDate ? calendar.endOfDay(deadlineDate) : null,
          // Counted by the rulebook, as the mail activity counts them.
          workingDaysLeft: deadlineDate ? workingDaysLeft(calendar, calendar.endOfDay(deadlineDate), now) : null,
          link: audience === 'partner' ? `${SAMPLE_PUBLIC_URL}/portal/requests/${REQUEST_ID}` : null,
          statusPageLink:
            audience === 'contacts'
              ? statusPageUrl(SAMPLE_PUBLIC_URL, statusPageToken(STATUS_PAGE_KEY, REQUEST_ID), locale)
              : null,
          // Before an answer, the partner's new-request and reminder mails answer straight from the mail.
          actions:
            audience === 'partner' && ANSWER_LINK_OCCASIONS.includes(occasion)
              ? answerButtons(locale, (answer) => sampleAnswerLink(occasion, answer))
              : [],
          supportInformed: occasion === 'OVERDUE',
          reason: ['DEADLINE_EXTENDED', 'DEADLINE_EXTENDED_CONTACTS', 'REOPENED'].includes(occasion)
            ? REASONS[locale]
            : null,
        },
      };
    }),
  );
}

export type PortalMailSample = { name: string; locale: Locale } & (
  { kind: 'sign-in'; facts: SignInMailFacts } | { kind: 'invitation'; facts: InvitationMailFacts }
);

/** A made-up sign-in token of the real shape (43 base64url characters), the same on every run. */
const SIGN_IN_TOKEN = crypto.createHash('sha256').update('mail preview sign-in').digest('base64url');

/** The portal's own mail in each language: a sign-in link, and the invitation a new colleague gets. */
export function portalMailSamples(): PortalMailSample[] {
  return LOCALES.flatMap((locale): PortalMailSample[] => [
    {
      name: `sign-in.${locale}`,
      kind: 'sign-in',
      locale,
      facts: {
        links: [
          { partnerName: 'Acme Learning', url: `${SAMPLE_PUBLIC_URL}/portal/sign-in/${SIGN_IN_TOKEN}?lang=${locale}` },
        ],
        validMinutes: SIGN_IN_LINK_MINUTES,
        supportEmail: SAMPLE_SUPPORT_EMAIL,
      },
    },
    {
      name: `invitation.${locale}`,
      kind: 'invitation',
      locale,
      facts: {
        inviterName: 'Maria Lindqvist',
        partnerName: 'Acme Learning',
        signInUrl: `${SAMPLE_PUBLIC_URL}/portal/sign-in?lang=${locale}`,
        supportEmail: SAMPLE_SUPPORT_EMAIL,
      },
    },
  ]);
}
