/** English: every text of mail and the partner portal (the shape and what each text is for: catalogue.ts). */
import type { Catalogue } from './catalogue';
import { joinNames } from './format';

export const en: Catalogue = {
  htmlLang: 'en',
  languageName: 'English',

  statuses: {
    AWAITING_ANSWER: 'Awaiting your answer',
    AWAITING_ASSIGNMENT: 'Awaiting assignment',
    OVERDUE: 'Overdue',
    DECLINED: 'Answered NO',
    COMPLETED: 'Completed',
    WITHDRAWN: 'Withdrawn',
  },
  responses: { UNANSWERED: 'Unanswered', YES: 'YES', NO: 'NO' },
  assignments: { PENDING: 'Waiting for licenses', ASSIGNED: 'Assigned', NOT_LICENSED: 'Holds no licenses' },

  facts: {
    organisation: 'Organisation',
    skolonId: 'Skolon ID',
    numberOfSchools: 'Number of schools',
    desiredAvailability: 'Desired availability',
    status: 'Status',
    response: 'Response',
    deadline: 'Assignment deadline',
    notGiven: 'not given',
    deadlineToday: 'the deadline is today',
    schools: 'Schools',
  },

  events: {
    CREATED: (n) => `Request received (${n === 1 ? '1 school' : `${n} schools`})`,
    ANSWERED_YES: (n, total) => `You answered YES for ${n} of ${total} schools`,
    ANSWERED_NO: 'You answered NO',
    DEADLINE_SET: (date) => `Assignment deadline: ${date}`,
    SCHOOLS_ASSIGNED: (names) => `Marked as assigned: ${names.join(', ')}`,
    COMPLETED: 'Completed: every licensed school is assigned',
    OVERDUE: 'The deadline passed before every school was assigned',
    WITHDRAWN: 'The organisation withdrew the request',
    PARTNER_NOTIFIED: 'E-mail to you',
    PARTNER_REMINDED: 'Reminder to you',
    ESCALATED_TO_SUPPORT: 'Skolon support was told',
    CONTACTS_NOTIFIED: "E-mail to the organisation's contacts",
    MAIL_FAILED: 'E-mail could not be delivered',
    REMINDER_SKIPPED: (reason) =>
      `A reminder was not sent: ${
        reason === 'DEADLINE_PASSED'
          ? 'the deadline had already passed'
          : reason === 'LATER_REMINDER_DUE'
            ? 'a later reminder went out instead'
            : reason === 'DEADLINE_EXTENDED'
              ? 'the deadline had been moved'
              : 'the request had already moved on'
      }`,
    DEADLINE_EXTENDED: (date, reason) => `Skolon support moved the assignment deadline to ${date}: ${reason}`,
    REOPENED: (reason) => `Skolon support reopened the request: ${reason}`,
    NOTIFICATION_RESENT: 'Skolon support sent you the notification again',
    by: (who) => `by ${who}`,
    byMailLink: (address) => `with the link in the mail to ${address}`,
  },

  portalMail: {
    signInSubject: 'Your sign-in link to the Skolon Partner portal',
    signInIntro: (minutes) =>
      `Someone, hopefully you, asked to sign in to the Skolon Partner portal with this address. The link works once, within ${minutes} minutes.`,
    signInLink: (partner) => `Sign in to ${partner}`,
    signInNext: (links) => (links === 1 ? 'Sign in with the button below.' : 'Choose the partner you sign in for.'),
    signInIgnore: 'If you did not ask for it, ignore this mail: nobody can sign in without the link.',
    signInWhy:
      'You are receiving this e-mail because someone asked for a sign-in link to the Skolon Partner portal for this address.',
    invitationSubject: (partner) => `You can now sign in to the Skolon Partner portal for ${partner}`,
    invitation: (inviter, partner) =>
      `${inviter} has added you to ${partner} in the Skolon Partner portal, where you answer the license requests of schools and municipalities. Sign in with this e-mail address: you get a link by mail, no password needed.`,
    invitationNext: 'Open the portal and ask for a sign-in link to this address.',
    invitationButton: 'Open the portal',
    invitationWhy: (inviter, partner) =>
      `You are receiving this e-mail because ${inviter} added this address to ${partner} in the Skolon Partner portal.`,
    partner: 'Partner',
    linkWorks: 'The link works',
    linkValidity: (minutes) => `once, within ${minutes} minutes`,
    invitedBy: 'Invited by',
  },

  mail: {
    occasions: {
      CREATED: {
        subject: (w) => `New license request from ${w.organisation}`,
        happened: (w) =>
          `${w.organisation} wants to move its existing licenses for ${w.partner} to Skolon and has sent you a license request.`,
        next: () =>
          'Answer YES if the organisation holds active licenses from you, otherwise NO. After a YES you have five working days to assign the licenses to the schools, or until the desired date if that is earlier.',
      },
      UNANSWERED_REMINDER: {
        subject: (w) => `Reminder: the license request from ${w.organisation} is waiting for your answer`,
        happened: (w) => `The license request from ${w.organisation} is still unanswered.`,
        next: () => 'Please answer YES or NO as soon as possible.',
      },
      UNANSWERED_ESCALATION: {
        subject: (w) => `Unanswered license request: ${w.organisation} is waiting for ${w.partner}`,
        happened: (w) =>
          `The license request from ${w.organisation} to ${w.partner} has not been answered despite reminders.`,
        next: (w) => `Please contact ${w.partner} and help them answer YES or NO.`,
      },
      ANSWERED_YES: {
        subject: (w) => `${w.partner} holds licenses for ${w.organisation}`,
        happened: (w) => `${w.partner} answered YES to your license request: you hold licenses from them.`,
        next: (w) =>
          `${w.partner} is to assign the licenses in Skolon by ${w.deadline}. Nothing is needed from you; we will tell you when every school has its licenses.`,
      },
      ANSWERED_NO: {
        subject: (w) => `${w.partner} holds no licenses for ${w.organisation}`,
        happened: (w) =>
          `${w.partner} answered NO to your license request: ${w.organisation} holds no licenses from them.`,
        next: (w) => `If you believe you hold licenses from ${w.partner}, please contact them directly.`,
      },
      DEADLINE_NEAR: {
        subject: (w) => `Reminder: licenses for ${w.organisation} are due by ${w.deadline}`,
        happened: (w) => `The deadline for assigning the licenses for ${w.organisation} is ${w.deadline}.`,
        next: () => 'Please assign the licenses to the schools below in Skolon and mark them as assigned.',
      },
      OVERDUE: {
        subject: (w) => `Overdue: licenses for ${w.organisation} have not been assigned`,
        happened: (w) =>
          `The deadline for assigning the licenses for ${w.organisation} was ${w.deadline}. Not every school has its licenses yet.`,
        next: () => 'Please assign the remaining licenses in Skolon now.',
      },
      COMPLETED: {
        subject: (w) => `The licenses from ${w.partner} are now in Skolon for ${w.organisation}`,
        happened: (w) => `${w.partner} has assigned licenses to every school in your license request.`,
        next: () => 'The licenses are now in Skolon and can be managed there.',
      },
      WITHDRAWN: {
        subject: (w) => `The license request from ${w.organisation} has been withdrawn`,
        happened: (w) => `${w.organisation} has withdrawn its license request.`,
        next: () => 'Nothing more is needed from you.',
      },
      DEADLINE_EXTENDED: {
        subject: (w) => `New deadline for the licenses for ${w.organisation}: ${w.deadline}`,
        happened: (w) =>
          `Skolon support has moved the deadline for assigning the licenses for ${w.organisation} to ${w.deadline}.`,
        next: () => 'Please assign the licenses to the schools below in Skolon and mark them as assigned by that day.',
      },
      DEADLINE_EXTENDED_CONTACTS: {
        subject: (w) => `${w.partner} has more time to assign the licenses for ${w.organisation}`,
        happened: (w) =>
          `Skolon support has given ${w.partner} until ${w.deadline} to assign the licenses for ${w.organisation}.`,
        next: () => 'Nothing is needed from you; we will tell you when every school has its licenses.',
      },
      REOPENED: {
        subject: (w) => `The license request from ${w.organisation} is open again`,
        happened: (w) =>
          `Skolon support has reopened the license request from ${w.organisation}, which you answered NO. ${w.organisation} wants to move its existing licenses for ${w.partner} to Skolon.`,
        next: () =>
          'Answer YES if the organisation holds active licenses from you, otherwise NO. After a YES you have five working days to assign the licenses to the schools, or until the desired date if that is earlier.',
      },
      WEBHOOK_DISABLED: {
        subject: (w) => `Your webhook endpoint has been turned off (license request from ${w.organisation})`,
        happened: (w) =>
          `Your webhook endpoint answered "410 Gone" to an event about the license request from ${w.organisation}, so Skolon has stopped sending events to it.`,
        next: () =>
          'Set the webhook URL again under Settings in the partner portal (or PUT /v1/partner/webhook) to receive events again; you can redeliver missed events from there.',
      },
    },
    supportCopied: 'Skolon support has received a copy of this message.',
    reason: 'Reason',
    desiredAvailability: 'Desired availability',
    workingDaysLeft: 'Working days left',
    pendingSchools: 'Schools still waiting for licenses',
    more: (n) => `… and ${n} more`,
    openRequest: 'Open the request',
    answerYes: 'YES, they hold licenses',
    answerNo: 'NO licenses',
    regards: 'Kind regards\nSkolon',
    footer: {
      why: {
        partner: (w) =>
          `You are receiving this e-mail because this address receives the notifications for ${w.partner} in Skolon's partner portal. You can change it under Settings there.`,
        contacts: (w) =>
          `You are receiving this e-mail because ${w.organisation} named you as a contact person for its license request to ${w.partner} in Skolon.`,
        support: () => "You are receiving this e-mail because this is Skolon support's address for license requests.",
      },
      questions: 'Questions? Contact Skolon support:',
    },
  },

  appName: 'Partner portal',
  skipToContent: 'Skip to content',
  nav: {
    label: 'Main menu',
    requests: 'License requests',
    settings: 'Settings',
    signOut: 'Sign out',
    signedInAs: (name, partner) => `Signed in as ${name} (${partner})`,
  },
  breadcrumb: 'Licence management / Requests',

  signIn: {
    title: 'Sign in',
    intro: 'Enter your work e-mail address: we mail you a link that signs you in. No password needed.',
    email: 'E-mail address',
    emailHint: 'The address your organisation registered with Skolon. You stay signed in for 8 hours.',
    submit: 'Send sign-in link',
    badEmail: 'That is not an e-mail address. Check it and try again.',
    signedOut: 'You are signed out.',
    sessionEnded: 'Your session has ended. Sign in again; nothing was changed.',
    help: "Don't have an account? Ask an admin at your company, or contact support@skolon.eu.",
    sentTitle: 'Check your inbox',
    sent: (email, minutes) =>
      `If ${email} has an account in the Partner portal, a sign-in link is on its way to it. The link works once, within ${minutes} minutes.`,
    sentHint: 'No mail after a few minutes? Look in the spam folder, check the address, or ask for a new link.',
    linkTitle: 'Sign in',
    linkIntro: (name, partner) => `Sign in as ${name} at ${partner}.`,
    linkSubmit: 'Sign in',
    linkInvalid: (minutes) =>
      `This sign-in link cannot be used: it has been used already, it is older than ${minutes} minutes, or it is not complete. Ask for a new link; it comes by mail in a minute.`,
    askAgain: 'Ask for a new sign-in link',
  },

  list: {
    title: 'License requests',
    summaryTitle: 'Requests summary',
    answered: 'Answered',
    notAnswered: 'Not answered',
    yesCardTitle: 'What you need to do with YES answers',
    yesCardText:
      "You have five (5) working days to assign the licenses to the right schools in Skolon, or until the organisation's desired date if that is earlier. Then mark the schools as assigned here.",
    noCardTitle: 'What happens with NO answers',
    noCardText: 'The organisation is told that it holds no licenses from you. There is nothing more for you to do.',
    tableCaption: 'Requests, newest first',
    allStatuses: 'All',
    filterButton: 'Show',
    notGiven: '–',
    empty: 'There are no requests here.',
    nextPage: 'Next page',
    firstPage: 'First page',
    paging: 'Pages',
  },

  request: {
    allRequests: 'All requests',
    facts: 'Details',
    created: 'Received',
    answeredAt: 'Answered',
    finishedAt: 'Finished',
    daysLeft: (n) => (n === 1 ? '1 working day left' : `${n} working days left`),
    overdue: (n) =>
      n === 0
        ? 'OVERDUE: the deadline has passed'
        : `OVERDUE: the deadline passed ${n} working ${n === 1 ? 'day' : 'days'} ago`,
    overdueBanner: (deadline) =>
      `This request is overdue: the licenses were due by ${deadline}. Assign them as soon as you can; Skolon support has been told.`,
    schoolName: 'School',
    assignment: 'Licenses',
    contacts: 'Contacts',
    history: 'History',
    when: 'When',
    what: 'What',
    answerTitle: 'Your answer',
    answerIntro:
      'Does the organisation hold active licenses from you? Answer YES or NO. If only some of the schools hold licenses, untick the others before you answer YES.',
    licensedLegend: 'Schools that hold licenses from you',
    assignTitle: 'Assign licenses',
    assignIntro: 'Assign the licenses in Skolon as usual, then mark the schools here, one or several at a time.',
    progress: (done, total) => `${done} of ${total} licensed schools assigned`,
    pendingLegend: 'Schools waiting for licenses',
    selectAll: 'Select all',
    assignSelected: 'Mark selected schools as assigned',
    assignAll: 'Mark all remaining schools as assigned',
    completed: 'Every licensed school is assigned. The request is completed and the organisation has been told.',
    declined: 'You answered NO. The organisation has been told that it holds no licenses from you.',
    withdrawn: 'The organisation has withdrawn this request. There is nothing more for you to do.',
    extended: (from, to) =>
      from
        ? `Skolon support has moved the deadline from ${from} to ${to}.`
        : `Skolon support has moved the deadline to ${to}.`,
    reopened: (date) =>
      `Skolon support reopened this request on ${date} after your NO: it is waiting for your answer again.`,
    reason: (reason) => `Reason: ${reason}`,
  },

  confirm: {
    titleYes: 'Confirm YES',
    titleNo: 'Confirm NO',
    yesSchools: (n, total) =>
      n === total
        ? `You answer YES for all ${total} schools: they hold licenses from you.`
        : `You answer YES for ${n} of ${total} schools: they hold licenses from you.`,
    notLicensed: (names) =>
      `${joinNames(names, 'and')} ${names.length === 1 ? 'is' : 'are'} marked as holding no licenses.`,
    yesNext: (deadline, desiredIsEarlier) =>
      desiredIsEarlier
        ? `The organisation's contacts are told. You must then assign the licenses in Skolon and mark the schools as assigned by ${deadline}: earlier than five working days, because of the organisation's desired date.`
        : `The organisation's contacts are told. You then have five working days to assign the licenses in Skolon and mark the schools as assigned: by ${deadline}.`,
    noNext: (organisation) =>
      `${organisation} is told that it holds no licenses from you. The request is closed and there is nothing more for you to do.`,
    confirmYes: 'Answer YES',
    confirmNo: 'Answer NO',
    cancel: 'Cancel',
    chooseSchool: 'Choose at least one school that holds licenses, or answer NO.',
  },

  answerLink: {
    intro: (address) => `You are answering with the link in the mail to ${address}. Nothing is sent until you confirm.`,
    someSchools: 'Only some of the schools hold licenses? Sign in to the Partner portal and choose them there.',
    doneTitle: 'Thank you for your answer',
    invalidTitle: 'This link cannot be used',
    unknown:
      'This link is not complete or not one of ours. Open the request in the Partner portal, or contact support@skolon.eu.',
    used: 'This link has been used already: the request has its answer. Sign in to the Partner portal to see it.',
    expired: (days) =>
      `This link is older than ${days} days. Sign in to the Partner portal to answer, or contact support@skolon.eu.`,
    answered:
      'The request has been answered already. Sign in to the Partner portal to see its answer and what comes next.',
    signIn: 'Sign in to the Partner portal',
    tooMany: (minutes) => `Too many links that do not work came from your address. Try again in ${minutes} minutes.`,
  },

  flash: {
    answeredYes: (deadline) => `You answered YES. Assign the licenses and mark the schools as assigned by ${deadline}.`,
    answeredNo: (organisation) => `You answered NO. ${organisation} is told that it holds no licenses from you.`,
    assigned: (names) => `Marked as assigned: ${names.join(', ')}.`,
    completed: 'Every licensed school is assigned: the request is completed and the organisation has been told.',
    settingsSaved: 'Your settings are saved.',
  },

  errors: {
    title: 'That did not work',
    notFound: 'There is no such request, or it is not yours.',
    pageNotFound: 'There is no such page.',
    alreadyAnswered: (response) =>
      `This request has already been answered (${response}), perhaps in another tab or by a colleague. Your answer was not recorded.`,
    withdrawn: 'The organisation has withdrawn this request. Nothing was changed.',
    finished: (status) => `This request is closed (${status}). Nothing was changed.`,
    notYetAnswered: 'Answer YES to the request before you mark schools as assigned.',
    notLicensed: 'One of the schools was answered as holding no licenses and cannot be marked as assigned.',
    chooseSchools: 'Choose at least one school. Nothing was changed.',
    unknownSchool: 'One of the schools is not part of this request. Reload the page and try again.',
    badEmail: 'That is not a valid e-mail address. Nothing was changed.',
    invalidForm: 'The form could not be used. Nothing was changed; reload the page and try again.',
    unavailable: 'The service is not answering right now. Try again in a moment.',
    internal: 'Something went wrong on our side. Try again in a moment.',
    csrf: 'This form came from another site or has expired. Nothing was changed. Go back, reload the page and try again.',
    adminsOnly: 'Only an admin of your organisation can change this. Nothing was changed.',
    tooManyAttempts: (minutes) =>
      `Too many failed sign-ins. Wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`} and try again.`,
    back: 'Back to the requests',
  },

  people: {
    title: 'People',
    intro: 'Everyone here signs in with their own e-mail address. Admins add and remove people.',
    membersOnly: 'Only an admin can add or remove people.',
    columns: { name: 'Name', email: 'E-mail address', role: 'Role' },
    roles: { admin: 'Admin', member: 'Member' },
    you: '(you)',
    remove: (name) => `Remove ${name}`,
    inviteTitle: 'Add a person',
    name: 'Name',
    email: 'E-mail address',
    role: 'Role',
    invite: 'Add and send an invitation',
    invited: (email) => `${email} is added and has got an invitation by mail.`,
    removed: (email) => `${email} is removed and signed out.`,
    exists: (email) => `${email} is already one of your people. Nothing was changed.`,
    lastAdmin: 'That is your last admin: add another admin first. Nothing was changed.',
    notFound: 'That person is not one of yours (any longer). Nothing was changed.',
  },

  settings: {
    title: 'Settings',
    intro: 'Mail about new requests and reminders goes to this address, in the language you choose.',
    adminsOnly: 'Only an admin can change the notification address, the language and the webhook.',
    email: 'Notification e-mail address',
    language: 'Language',
    save: 'Save',
    webhook: {
      title: 'Webhook',
      intro:
        'Your own system can hear of each request as it happens: Skolon sends a signed HTTPS POST (Standard Webhooks) to this URL.',
      url: 'Webhook URL (https)',
      events: 'Events',
      save: 'Save webhook',
      remove: 'Remove webhook',
      rotate: 'New signing secret',
      secretOnce:
        'Your signing secret. Copy it now: it is shown only this once. Verify every delivery with it (e.g. with the standardwebhooks package).',
      rotatedOverlap: 'The previous secret keeps signing beside this one for 24 hours.',
      disabled: (reason) => `Deliveries are turned off: ${reason} Save the webhook again to turn them back on.`,
      deliveries: 'Recent deliveries',
      noDeliveries: 'Nothing has been delivered yet.',
      columns: {
        event: 'Event',
        time: 'Time',
        status: 'Status',
        httpStatus: 'HTTP status',
        latency: 'Latency',
        attempts: 'Attempts',
      },
      deliveryStatuses: { PENDING: 'Retrying', DELIVERED: 'Delivered', FAILED: 'Given up' },
      redeliver: 'Redeliver',
      saved: 'The webhook is saved.',
      removed: 'The webhook is removed.',
      redelivering: 'The event is being sent again.',
    },
  },

  statusPage: {
    appName: 'License request',
    intro: (w) =>
      `${w.organisation} has asked ${w.partner} to move the organisation's licenses onto Skolon. This page shows how it is going, always as it stands now.`,
    partner: 'Partner',
    sent: 'Sent',
    statuses: {
      AWAITING_ANSWER: 'Awaiting an answer',
      AWAITING_ASSIGNMENT: 'Licenses being assigned',
      OVERDUE: 'Overdue',
      DECLINED: 'No licenses',
      COMPLETED: 'Completed',
      WITHDRAWN: 'Withdrawn',
    },
    explained: {
      AWAITING_ANSWER: (w) => `${w.partner} has not yet answered whether you hold licenses with them.`,
      AWAITING_ASSIGNMENT: (w) =>
        `${w.partner} has answered YES and is to assign the licenses in Skolon by ${w.deadline}.`,
      OVERDUE: (w) =>
        `${w.partner} was to assign the licenses by ${w.deadline}. Skolon support knows and is following it up.`,
      DECLINED: (w) => `${w.partner} has answered NO: ${w.organisation} holds no licenses with them.`,
      COMPLETED: (w) => `${w.partner} has assigned licenses to every school. The licenses are now in Skolon.`,
      WITHDRAWN: (w) => `The request to ${w.partner} has been withdrawn.`,
    },
    noDeadlineYet: 'set when the partner answers YES',
    events: {
      CREATED: (n) => `Request sent (${n === 1 ? '1 school' : `${n} schools`})`,
      ANSWERED_YES: (n, total) => `Answer YES: licenses for ${n} of ${total} schools`,
      ANSWERED_NO: 'Answer NO: no licenses',
      DEADLINE_SET: (date) => `Assignment deadline: ${date}`,
      SCHOOLS_ASSIGNED: (names) => `Licenses assigned: ${names.join(', ')}`,
      OVERDUE: 'The deadline passed before every school had its licenses',
      DEADLINE_EXTENDED: (date) => `The deadline was moved to ${date}`,
      REOPENED: 'The request was reopened',
      COMPLETED: 'Completed: every licensed school has its licenses',
      WITHDRAWN: 'The request was withdrawn',
      reason: (reason) => `Reason: ${reason}`,
    },
    footer:
      'This page is read-only and needs no sign-in: share its link only with those who follow the request. Questions about the licenses go to the partner.',
    notFoundTitle: 'Page not found',
    notFound: 'There is no page at this address.',
    tooManyAttempts: (minutes) =>
      `Too many wrong addresses from here. Wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`} and try again.`,
    mailLink: 'Follow the request',
  },
};
