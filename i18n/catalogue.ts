/**
 * The shape of a language's catalogue: every text a person reads in mail and in the partner portal.
 * i18n/sv.ts and i18n/en.ts each implement it, so a text missing in one language does not compile;
 * i18n/catalogue.test.ts checks that none is empty and that both languages use the same values.
 *
 * Texts that take values are functions; the values come in already formatted (dates as long dates,
 * names as they are). Escaping is the renderer's job, never the catalogue's.
 */
// The request's states and the mail occasions: domain types (on their way into domain/).
import type { Assignment, MailOccasion, PartnerResponse, Status } from '../domain/license-request';

/** What a mail's sentences are about: names as they are, the deadline as a long date ('' before one). */
export interface MailWords {
  organisation: string;
  partner: string;
  deadline: string;
}

/** One sentence of a mail, made from its words. */
export type MailSentence = (words: MailWords) => string;

export interface Catalogue {
  /** The page's `lang` attribute. */
  htmlLang: string;
  /** The language's own name, on the switch to it. */
  languageName: string;

  /** The request's states, answers and each school's assignment, as mail and pages name them. */
  statuses: Record<Status, string>;
  responses: Record<PartnerResponse, string>;
  assignments: Record<Assignment, string>;

  /** The facts of a request, as labelled in mail and on the portal's pages. */
  facts: {
    organisation: string;
    skolonId: string;
    numberOfSchools: string;
    desiredAvailability: string;
    status: string;
    response: string;
    deadline: string;
    /** No desired availability date. */
    notGiven: string;
    /** In place of the working days left on the deadline date itself. */
    deadlineToday: string;
    schools: string;
  };

  /** One line of a request's history each (i18n/history.ts picks the line and its values). */
  events: {
    CREATED: (schools: number) => string;
    ANSWERED_YES: (licensed: number, total: number) => string;
    ANSWERED_NO: string;
    /** `date`: the deadline as a long date. */
    DEADLINE_SET: (date: string) => string;
    SCHOOLS_ASSIGNED: (names: string[]) => string;
    COMPLETED: string;
    OVERDUE: string;
    WITHDRAWN: string;
    /** The mail events are followed by ": " and the addresses, when the history has them. */
    PARTNER_NOTIFIED: string;
    PARTNER_REMINDED: string;
    ESCALATED_TO_SUPPORT: string;
    CONTACTS_NOTIFIED: string;
    MAIL_FAILED: string;
    /** `reason`: DEADLINE_PASSED, LATER_REMINDER_DUE, DEADLINE_EXTENDED, or anything else for "moved on". */
    REMINDER_SKIPPED: (reason: string) => string;
    /** Support's exceptions. `date`: the new deadline as a long date; `reason`: as support wrote it. */
    DEADLINE_EXTENDED: (date: string, reason: string) => string;
    REOPENED: (reason: string) => string;
    NOTIFICATION_RESENT: string;
    /** Who did it, after an answer or an assignment by a person signed in to the portal. */
    by: (who: string) => string;
    /** After an answer given with the YES or NO link of a mail: the address that mail went to. */
    byMailLink: (address: string) => string;
  };

  /** Mail from the portal itself (not about a request): the sign-in link and the invitation. */
  portalMail: {
    signInSubject: string;
    signInIntro: (minutes: number) => string;
    /** A sign-in button: one per partner at which the address has an account. */
    signInLink: (partner: string) => string;
    /** What to do now (in bold), with one button or with several to choose from. */
    signInNext: (links: number) => string;
    signInIgnore: string;
    /** The footer's "why you got this" of the sign-in mail. */
    signInWhy: string;
    invitationSubject: (partner: string) => string;
    invitation: (inviter: string, partner: string) => string;
    invitationNext: string;
    invitationButton: string;
    /** The footer's "why you got this" of the invitation. */
    invitationWhy: (inviter: string, partner: string) => string;
    /** The facts table of both mails (the greeting, signature and support line are `mail`'s). */
    partner: string;
    linkWorks: string;
    linkValidity: (minutes: number) => string;
    invitedBy: string;
  };

  /** Mail: the sentences of each occasion, the labels of the facts table (with `facts`) and the close. */
  mail: {
    /** What happened, what the reader must do now (shown in bold), and the subject. */
    occasions: Record<MailOccasion, { subject: MailSentence; happened: MailSentence; next: MailSentence }>;
    /** Added to the OVERDUE mail whose copy goes to support. */
    supportCopied: string;
    /** Before support's reason, in the mail about an extension or a reopening. */
    reason: string;
    /** The mail's own wording of `facts.desiredAvailability`. */
    desiredAvailability: string;
    workingDaysLeft: string;
    /** The list title once the partner has answered YES. */
    pendingSchools: string;
    /** The last line of a list that is cut short. */
    more: (unlisted: number) => string;
    openRequest: string;
    /** The buttons that answer straight from the partner's request and reminder mails. */
    answerYes: string;
    answerNo: string;
    /** Two lines: the greeting and the signature. */
    regards: string;
    /** The footer of every mail: why this reader got it (by who reads it), and how to reach support. */
    footer: {
      why: Record<'partner' | 'contacts' | 'support', MailSentence>;
      /** Followed by support's address. */
      questions: string;
    };
  };

  /** The portal's frame: title, menu, language switch. */
  appName: string;
  skipToContent: string;
  nav: {
    label: string;
    requests: string;
    settings: string;
    signOut: string;
    /** The signed-in person and their partner. */
    signedInAs: (name: string, partner: string) => string;
  };
  breadcrumb: string;

  /** Signing in with a link by mail (portal/sign-in.ts). */
  signIn: {
    title: string;
    intro: string;
    email: string;
    emailHint: string;
    submit: string;
    badEmail: string;
    signedOut: string;
    sessionEnded: string;
    help: string;
    /** The page after the address is sent: the same whether or not it has an account. */
    sentTitle: string;
    sent: (email: string, minutes: number) => string;
    sentHint: string;
    /** The page a link opens: one button signs in (a GET never uses the link). */
    linkTitle: string;
    linkIntro: (name: string, partner: string) => string;
    linkSubmit: string;
    /** A link that is used, expired or not ours: what to do. */
    linkInvalid: (minutes: number) => string;
    askAgain: string;
  };

  /** The list of requests. */
  list: {
    title: string;
    summaryTitle: string;
    answered: string;
    notAnswered: string;
    yesCardTitle: string;
    yesCardText: string;
    noCardTitle: string;
    noCardText: string;
    tableCaption: string;
    allStatuses: string;
    filterButton: string;
    /** An empty cell (no desired availability date). */
    notGiven: string;
    empty: string;
    nextPage: string;
    firstPage: string;
    paging: string;
  };

  /** One request's page. */
  request: {
    allRequests: string;
    facts: string;
    created: string;
    answeredAt: string;
    finishedAt: string;
    daysLeft: (days: number) => string;
    overdue: (workingDaysSince: number) => string;
    /** `deadline`: a long date. */
    overdueBanner: (deadline: string) => string;
    schoolName: string;
    assignment: string;
    contacts: string;
    history: string;
    when: string;
    what: string;
    answerTitle: string;
    answerIntro: string;
    licensedLegend: string;
    assignTitle: string;
    assignIntro: string;
    progress: (assigned: number, licensed: number) => string;
    pendingLegend: string;
    selectAll: string;
    assignSelected: string;
    assignAll: string;
    completed: string;
    declined: string;
    withdrawn: string;
    /** Support moved the deadline; `from` and `to` are long dates (`from` null: not known). */
    extended: (from: string | null, to: string) => string;
    /** Support reopened a NO; `date`: a long date. */
    reopened: (date: string) => string;
    /** Support's reason, as support wrote it. */
    reason: (reason: string) => string;
  };

  /** What an answer will do, before it is sent. */
  confirm: {
    titleYes: string;
    titleNo: string;
    yesSchools: (licensed: number, total: number) => string;
    notLicensed: (names: string[]) => string;
    /** `deadline`: a long date; `desiredIsEarlier`: the desired date makes it earlier than five working days. */
    yesNext: (deadline: string, desiredIsEarlier: boolean) => string;
    noNext: (organisation: string) => string;
    confirmYes: string;
    confirmNo: string;
    cancel: string;
    chooseSchool: string;
  };

  /** The pages of a mail's YES and NO links (no sign-in: the link is the key). */
  answerLink: {
    /** Above the confirmation: the address the mail went to, whose link this is. */
    intro: (address: string) => string;
    /** To answer for only some schools, the partner signs in. */
    someSchools: string;
    doneTitle: string;
    /** Why a link cannot answer (UNKNOWN, USED, EXPIRED, ANSWERED), and what to do instead. */
    invalidTitle: string;
    unknown: string;
    used: string;
    expired: (days: number) => string;
    answered: string;
    signIn: string;
    tooMany: (minutes: number) => string;
  };

  /** Told once, after a change. */
  flash: {
    answeredYes: (deadline: string) => string;
    answeredNo: (organisation: string) => string;
    assigned: (names: string[]) => string;
    completed: string;
    settingsSaved: string;
  };

  /** Why something did not work (the names of statuses and answers come in as labels). */
  errors: {
    title: string;
    notFound: string;
    pageNotFound: string;
    alreadyAnswered: (response: string) => string;
    withdrawn: string;
    finished: (status: string) => string;
    notYetAnswered: string;
    notLicensed: string;
    chooseSchools: string;
    unknownSchool: string;
    badEmail: string;
    invalidForm: string;
    unavailable: string;
    internal: string;
    csrf: string;
    /** A member sent a form that only the partner's admins may use (a forged or stale page). */
    adminsOnly: string;
    tooManyAttempts: (minutes: number) => string;
    back: string;
  };

  /** The people of the partner, on the Settings page. */
  people: {
    title: string;
    intro: string;
    membersOnly: string;
    columns: { name: string; email: string; role: string };
    roles: { admin: string; member: string };
    you: string;
    remove: (name: string) => string;
    inviteTitle: string;
    name: string;
    email: string;
    role: string;
    invite: string;
    invited: (email: string) => string;
    removed: (email: string) => string;
    exists: (email: string) => string;
    lastAdmin: string;
    notFound: string;
  };

  settings: {
    title: string;
    intro: string;
    /** What a member reads instead of the forms: the partner's settings are its admins' to change. */
    adminsOnly: string;
    email: string;
    language: string;
    save: string;
    /** The partner's webhook: its own system hears of each request's occasions. */
    webhook: {
      title: string;
      intro: string;
      url: string;
      events: string;
      save: string;
      remove: string;
      rotate: string;
      /** Shown once, beside a new signing secret. */
      secretOnce: string;
      rotatedOverlap: string;
      disabled: (reason: string) => string;
      deliveries: string;
      noDeliveries: string;
      columns: { event: string; time: string; status: string; httpStatus: string; latency: string; attempts: string };
      deliveryStatuses: { PENDING: string; DELIVERED: string; FAILED: string };
      redeliver: string;
      saved: string;
      removed: string;
      redelivering: string;
    };
  };

  /**
   * The organisation's status page (PUBLIC_URL/status/<token>), read by its contacts without signing
   * in: the request seen from the organisation's side, and the link to it in their mail.
   */
  statusPage: {
    /** The page's brand line and the end of its title. */
    appName: string;
    /** What the page is: the organisation asked the partner, and this is where it stands. */
    intro: MailSentence;
    partner: string;
    /** When the organisation sent the request. */
    sent: string;
    /** The status as the organisation's badge says it. */
    statuses: Record<Status, string>;
    /** What the status means for the organisation now (the deadline as a long date, '' before one). */
    explained: Record<Status, MailSentence>;
    /** In place of a deadline before the partner's YES. */
    noDeadlineYet: string;
    /** One line of the history each (the organisation's view of it: never mail or reminders). */
    events: {
      CREATED: (schools: number) => string;
      ANSWERED_YES: (licensed: number, total: number) => string;
      ANSWERED_NO: string;
      /** `date`: the deadline as a long date. */
      DEADLINE_SET: (date: string) => string;
      SCHOOLS_ASSIGNED: (names: string[]) => string;
      OVERDUE: string;
      /** `date`: the new deadline as a long date. */
      DEADLINE_EXTENDED: (date: string) => string;
      REOPENED: string;
      COMPLETED: string;
      WITHDRAWN: string;
      /** Follows an extension or a reopening: support's reason. */
      reason: (reason: string) => string;
    };
    /** Under the page: read-only, and whom to ask. */
    footer: string;
    notFoundTitle: string;
    /** The plain 404 page: nothing about why. */
    notFound: string;
    tooManyAttempts: (minutes: number) => string;
    /** The link's text in the contacts' mail. */
    mailLink: string;
  };
}
