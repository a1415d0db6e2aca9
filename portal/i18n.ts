/**
 * Every word the portal shows, in Swedish (the default) and English. `en` has the type of `sv`, so
 * a string missing in one language does not compile; portal/i18n.test.ts checks the same at run
 * time (and that none is empty).
 */
import { DateTime } from 'luxon';
import { formatDate } from '../activities/templates';
import { LOCALES, type Locale } from '../domain/locale';
import { STOCKHOLM } from '../domain/working-days';
import type { Assignment, PartnerResponse, Status } from '../domain/license-request';

export { LOCALES, type Locale };
export const DEFAULT_LOCALE: Locale = 'sv';

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}

const list = (names: string[], and: string) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${and} ${names[names.length - 1]}`;

const sv = {
  htmlLang: 'sv',
  appName: 'Partnerportal',
  skipToContent: 'Hoppa till innehållet',
  languageName: 'Svenska',
  switchLanguage: 'Språk',
  nav: {
    label: 'Huvudmeny',
    requests: 'Licensförfrågningar',
    settings: 'Inställningar',
    signOut: 'Logga ut',
    signedInAs: (name: string) => `Inloggad som ${name}`,
  },
  breadcrumb: 'Licenshantering / Förfrågningar',
  signIn: {
    title: 'Logga in',
    intro: 'Logga in med er API-nyckel för att se och besvara licensförfrågningar.',
    apiKey: 'API-nyckel',
    apiKeyHint: 'Nyckeln ni fick från Skolon (börjar med lrk_). Ni förblir inloggad i 8 timmar.',
    submit: 'Logga in',
    wrongKey: 'API-nyckeln stämmer inte. Kontrollera att ni har klistrat in hela nyckeln, eller be Skolon om en ny.',
    emptyKey: 'Fyll i er API-nyckel.',
    signedOut: 'Ni är utloggad.',
    sessionEnded: 'Er inloggning har upphört. Logga in igen; ingenting har ändrats.',
    help: 'Har ni ingen API-nyckel? Kontakta support@skolon.eu.',
  },
  list: {
    title: 'Licensförfrågningar',
    summaryTitle: 'Sammanställning',
    answered: 'Besvarade',
    notAnswered: 'Ej besvarade',
    yesCardTitle: 'Det här gör ni efter ett JA',
    yesCardText:
      'Ni har fem (5) arbetsdagar på er att tilldela licenserna till rätt skolor i Skolon, eller till organisationens önskade datum om det är tidigare. Markera sedan skolorna som tilldelade här.',
    noCardTitle: 'Det här händer efter ett NEJ',
    noCardText: 'Organisationen får besked om att de inte har några licenser hos er. Ni behöver inte göra något mer.',
    tableCaption: 'Förfrågningar, nyaste först',
    filterLabel: 'Status',
    allStatuses: 'Alla',
    filterButton: 'Visa',
    organisation: 'Organisation',
    numberOfSchools: 'Antal skolor',
    desiredAvailability: 'Önskad tillgänglighet',
    response: 'Svar',
    status: 'Status',
    notGiven: '–',
    empty: 'Det finns inga förfrågningar här.',
    nextPage: 'Nästa sida',
    firstPage: 'Första sidan',
    paging: 'Sidor',
  },
  responses: { UNANSWERED: 'Obesvarad', YES: 'JA', NO: 'NEJ' } satisfies Record<PartnerResponse, string>,
  statuses: {
    AWAITING_ANSWER: 'Väntar på ert svar',
    AWAITING_ASSIGNMENT: 'Väntar på tilldelning',
    OVERDUE: 'Försenad',
    DECLINED: 'Besvarad med NEJ',
    COMPLETED: 'Klar',
    WITHDRAWN: 'Tillbakadragen',
  } satisfies Record<Status, string>,
  assignments: {
    PENDING: 'Väntar på licenser',
    ASSIGNED: 'Tilldelad',
    NOT_LICENSED: 'Har inga licenser',
  } satisfies Record<Assignment, string>,
  request: {
    allRequests: 'Alla förfrågningar',
    facts: 'Uppgifter',
    organisation: 'Organisation',
    skolonId: 'Skolon-ID',
    numberOfSchools: 'Antal skolor',
    desiredAvailability: 'Önskad tillgänglighet',
    notGiven: 'inget angivet',
    status: 'Status',
    response: 'Svar',
    created: 'Inkom',
    answeredAt: 'Besvarad',
    deadline: 'Sista dag för tilldelning',
    finishedAt: 'Avslutad',
    daysLeft: (n: number) => (n === 1 ? '1 arbetsdag kvar' : `${n} arbetsdagar kvar`),
    deadlineToday: 'sista dagen är i dag',
    overdue: (n: number) =>
      n === 0
        ? 'FÖRSENAD: sista dagen har passerat'
        : `FÖRSENAD: sista dagen passerade för ${n} ${n === 1 ? 'arbetsdag' : 'arbetsdagar'} sedan`,
    overdueBanner: (deadline: string) =>
      `Förfrågan är försenad: licenserna skulle ha tilldelats senast ${deadline}. Tilldela dem så snart som möjligt; Skolons support har fått besked.`,
    schools: 'Skolor',
    schoolName: 'Skola',
    assignment: 'Licenser',
    contacts: 'Kontaktpersoner',
    contactName: 'Namn',
    contactEmail: 'E-post',
    history: 'Händelser',
    when: 'När',
    what: 'Vad',
    answerTitle: 'Ert svar',
    answerIntro:
      'Har organisationen aktiva licenser hos er? Svara JA eller NEJ. Om bara några av skolorna har licenser, bocka ur de andra innan ni svarar JA.',
    licensedLegend: 'Skolor som har licenser hos er',
    yes: 'JA',
    no: 'NEJ',
    assignTitle: 'Tilldela licenser',
    assignIntro: 'Tilldela licenserna i Skolon som vanligt och markera sedan skolorna här, en eller flera åt gången.',
    progress: (done: number, total: number) => `${done} av ${total} skolor med licenser är tilldelade`,
    pendingLegend: 'Skolor som väntar på licenser',
    selectAll: 'Välj alla',
    assignSelected: 'Markera valda skolor som tilldelade',
    assignAll: 'Markera alla återstående skolor som tilldelade',
    completed: 'Alla skolor med licenser är tilldelade. Förfrågan är klar och organisationen har fått besked.',
    declined: 'Ni svarade NEJ. Organisationen har fått besked om att de inte har några licenser hos er.',
    withdrawn: 'Organisationen har dragit tillbaka förfrågan. Ni behöver inte göra något mer.',
  },
  confirm: {
    titleYes: 'Bekräfta JA',
    titleNo: 'Bekräfta NEJ',
    yesSchools: (n: number, total: number) =>
      n === total
        ? `Ni svarar JA för alla ${total} skolor: de har licenser hos er.`
        : `Ni svarar JA för ${n} av ${total} skolor: de har licenser hos er.`,
    notLicensed: (names: string[]) => `${list(names, 'och')} markeras som att de inte har några licenser.`,
    yesNext: (deadline: string, desiredIsEarlier: boolean) =>
      desiredIsEarlier
        ? `Organisationens kontaktpersoner får besked. Ni ska sedan tilldela licenserna i Skolon och markera skolorna som tilldelade senast ${deadline}: tidigare än fem arbetsdagar, på grund av organisationens önskade datum.`
        : `Organisationens kontaktpersoner får besked. Ni har sedan fem arbetsdagar på er att tilldela licenserna i Skolon och markera skolorna som tilldelade, alltså senast ${deadline}.`,
    noNext: (organisation: string) =>
      `${organisation} får besked om att de inte har några licenser hos er. Förfrågan avslutas och ni behöver inte göra något mer.`,
    confirmYes: 'Svara JA',
    confirmNo: 'Svara NEJ',
    cancel: 'Avbryt',
    chooseSchool: 'Välj minst en skola som har licenser, eller svara NEJ.',
  },
  events: {
    CREATED: (n: number) => `Förfrågan inkom (${n === 1 ? '1 skola' : `${n} skolor`})`,
    ANSWERED_YES: (n: number, total: number) => `Ni svarade JA för ${n} av ${total} skolor`,
    ANSWERED_NO: 'Ni svarade NEJ',
    DEADLINE_SET: (date: string) => `Sista dag för tilldelning: ${date}`,
    SCHOOLS_ASSIGNED: (names: string[]) => `Markerade som tilldelade: ${names.join(', ')}`,
    COMPLETED: 'Klar: alla skolor med licenser är tilldelade',
    OVERDUE: 'Sista dagen passerade utan att alla skolor var tilldelade',
    WITHDRAWN: 'Organisationen drog tillbaka förfrågan',
    PARTNER_NOTIFIED: 'E-post till er',
    PARTNER_REMINDED: 'Påminnelse till er',
    ESCALATED_TO_SUPPORT: 'Skolons support fick besked',
    CONTACTS_NOTIFIED: 'E-post till organisationens kontaktpersoner',
    MAIL_FAILED: 'E-post kunde inte levereras',
    REMINDER_SKIPPED: (reason: string) =>
      `En påminnelse skickades inte: ${
        reason === 'DEADLINE_PASSED'
          ? 'sista dagen hade redan passerat'
          : reason === 'LATER_REMINDER_DUE'
            ? 'en senare påminnelse gick ut i stället'
            : 'förfrågan hade redan gått vidare'
      }`,
  },
  flash: {
    answeredYes: (deadline: string) =>
      `Ni svarade JA. Tilldela licenserna och markera skolorna som tilldelade senast ${deadline}.`,
    answeredNo: (organisation: string) =>
      `Ni svarade NEJ. ${organisation} får besked om att de inte har några licenser hos er.`,
    assigned: (names: string[]) => `Markerade som tilldelade: ${names.join(', ')}.`,
    completed: 'Alla skolor med licenser är tilldelade: förfrågan är klar och organisationen har fått besked.',
    settingsSaved: 'Inställningarna är sparade.',
  },
  errors: {
    title: 'Det gick inte',
    notFound: 'Förfrågan finns inte, eller hör inte till er.',
    pageNotFound: 'Sidan finns inte.',
    alreadyAnswered: (response: string) =>
      `Förfrågan är redan besvarad (${response}), kanske i en annan flik eller av en kollega. Ert svar sparades inte.`,
    withdrawn: 'Organisationen har dragit tillbaka förfrågan. Ingenting ändrades.',
    finished: (status: string) => `Förfrågan är avslutad (${status}). Ingenting ändrades.`,
    notYetAnswered: 'Svara JA på förfrågan innan ni markerar skolor som tilldelade.',
    notLicensed: 'En av skolorna är besvarad som att den inte har licenser och kan inte markeras som tilldelad.',
    chooseSchools: 'Välj minst en skola. Ingenting ändrades.',
    unknownSchool: 'En av skolorna hör inte till förfrågan. Ladda om sidan och försök igen.',
    badEmail: 'Det är ingen giltig e-postadress. Ingenting ändrades.',
    invalidForm: 'Formuläret gick inte att använda. Ingenting ändrades; ladda om sidan och försök igen.',
    unavailable: 'Tjänsten svarar inte just nu. Försök igen om en liten stund.',
    internal: 'Något gick fel hos oss. Försök igen om en liten stund.',
    csrf: 'Formuläret kom från en annan webbplats eller har gått ut. Ingenting ändrades. Gå tillbaka, ladda om sidan och försök igen.',
    tooManyAttempts: (minutes: number) =>
      `För många misslyckade inloggningar. Vänta ${minutes === 1 ? 'en minut' : `${minutes} minuter`} och försök igen.`,
    back: 'Till förfrågningarna',
  },
  settings: {
    title: 'Inställningar',
    intro: 'E-post om nya förfrågningar och påminnelser går till den här adressen, på det språk ni väljer.',
    email: 'E-postadress för aviseringar',
    language: 'Språk',
    save: 'Spara',
  },
};

export type Strings = typeof sv;

const en: Strings = {
  htmlLang: 'en',
  appName: 'Partner portal',
  skipToContent: 'Skip to content',
  languageName: 'English',
  switchLanguage: 'Language',
  nav: {
    label: 'Main menu',
    requests: 'License requests',
    settings: 'Settings',
    signOut: 'Sign out',
    signedInAs: (name: string) => `Signed in as ${name}`,
  },
  breadcrumb: 'Licence management / Requests',
  signIn: {
    title: 'Sign in',
    intro: 'Sign in with your API key to see and answer license requests.',
    apiKey: 'API key',
    apiKeyHint: 'The key you received from Skolon (it starts with lrk_). You stay signed in for 8 hours.',
    submit: 'Sign in',
    wrongKey: 'That API key is not right. Check that you pasted the whole key, or ask Skolon for a new one.',
    emptyKey: 'Enter your API key.',
    signedOut: 'You are signed out.',
    sessionEnded: 'Your session has ended. Sign in again; nothing was changed.',
    help: 'No API key? Contact support@skolon.eu.',
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
    filterLabel: 'Status',
    allStatuses: 'All',
    filterButton: 'Show',
    organisation: 'Organisation',
    numberOfSchools: 'Number of schools',
    desiredAvailability: 'Desired availability',
    response: 'Response',
    status: 'Status',
    notGiven: '–',
    empty: 'There are no requests here.',
    nextPage: 'Next page',
    firstPage: 'First page',
    paging: 'Pages',
  },
  responses: { UNANSWERED: 'Unanswered', YES: 'YES', NO: 'NO' },
  statuses: {
    AWAITING_ANSWER: 'Awaiting your answer',
    AWAITING_ASSIGNMENT: 'Awaiting assignment',
    OVERDUE: 'Overdue',
    DECLINED: 'Answered NO',
    COMPLETED: 'Completed',
    WITHDRAWN: 'Withdrawn',
  },
  assignments: { PENDING: 'Waiting for licenses', ASSIGNED: 'Assigned', NOT_LICENSED: 'Holds no licenses' },
  request: {
    allRequests: 'All requests',
    facts: 'Details',
    organisation: 'Organisation',
    skolonId: 'Skolon ID',
    numberOfSchools: 'Number of schools',
    desiredAvailability: 'Desired availability',
    notGiven: 'not given',
    status: 'Status',
    response: 'Response',
    created: 'Received',
    answeredAt: 'Answered',
    deadline: 'Assignment deadline',
    finishedAt: 'Finished',
    daysLeft: (n: number) => (n === 1 ? '1 working day left' : `${n} working days left`),
    deadlineToday: 'the deadline is today',
    overdue: (n: number) =>
      n === 0
        ? 'OVERDUE: the deadline has passed'
        : `OVERDUE: the deadline passed ${n} working ${n === 1 ? 'day' : 'days'} ago`,
    overdueBanner: (deadline: string) =>
      `This request is overdue: the licenses were due by ${deadline}. Assign them as soon as you can; Skolon support has been told.`,
    schools: 'Schools',
    schoolName: 'School',
    assignment: 'Licenses',
    contacts: 'Contacts',
    contactName: 'Name',
    contactEmail: 'E-mail',
    history: 'History',
    when: 'When',
    what: 'What',
    answerTitle: 'Your answer',
    answerIntro:
      'Does the organisation hold active licenses from you? Answer YES or NO. If only some of the schools hold licenses, untick the others before you answer YES.',
    licensedLegend: 'Schools that hold licenses from you',
    yes: 'YES',
    no: 'NO',
    assignTitle: 'Assign licenses',
    assignIntro: 'Assign the licenses in Skolon as usual, then mark the schools here, one or several at a time.',
    progress: (done: number, total: number) => `${done} of ${total} licensed schools assigned`,
    pendingLegend: 'Schools waiting for licenses',
    selectAll: 'Select all',
    assignSelected: 'Mark selected schools as assigned',
    assignAll: 'Mark all remaining schools as assigned',
    completed: 'Every licensed school is assigned. The request is completed and the organisation has been told.',
    declined: 'You answered NO. The organisation has been told that it holds no licenses from you.',
    withdrawn: 'The organisation has withdrawn this request. There is nothing more for you to do.',
  },
  confirm: {
    titleYes: 'Confirm YES',
    titleNo: 'Confirm NO',
    yesSchools: (n: number, total: number) =>
      n === total
        ? `You answer YES for all ${total} schools: they hold licenses from you.`
        : `You answer YES for ${n} of ${total} schools: they hold licenses from you.`,
    notLicensed: (names: string[]) =>
      `${list(names, 'and')} ${names.length === 1 ? 'is' : 'are'} marked as holding no licenses.`,
    yesNext: (deadline: string, desiredIsEarlier: boolean) =>
      desiredIsEarlier
        ? `The organisation's contacts are told. You must then assign the licenses in Skolon and mark the schools as assigned by ${deadline}: earlier than five working days, because of the organisation's desired date.`
        : `The organisation's contacts are told. You then have five working days to assign the licenses in Skolon and mark the schools as assigned: by ${deadline}.`,
    noNext: (organisation: string) =>
      `${organisation} is told that it holds no licenses from you. The request is closed and there is nothing more for you to do.`,
    confirmYes: 'Answer YES',
    confirmNo: 'Answer NO',
    cancel: 'Cancel',
    chooseSchool: 'Choose at least one school that holds licenses, or answer NO.',
  },
  events: {
    CREATED: (n: number) => `Request received (${n === 1 ? '1 school' : `${n} schools`})`,
    ANSWERED_YES: (n: number, total: number) => `You answered YES for ${n} of ${total} schools`,
    ANSWERED_NO: 'You answered NO',
    DEADLINE_SET: (date: string) => `Assignment deadline: ${date}`,
    SCHOOLS_ASSIGNED: (names: string[]) => `Marked as assigned: ${names.join(', ')}`,
    COMPLETED: 'Completed: every licensed school is assigned',
    OVERDUE: 'The deadline passed before every school was assigned',
    WITHDRAWN: 'The organisation withdrew the request',
    PARTNER_NOTIFIED: 'E-mail to you',
    PARTNER_REMINDED: 'Reminder to you',
    ESCALATED_TO_SUPPORT: 'Skolon support was told',
    CONTACTS_NOTIFIED: "E-mail to the organisation's contacts",
    MAIL_FAILED: 'E-mail could not be delivered',
    REMINDER_SKIPPED: (reason: string) =>
      `A reminder was not sent: ${
        reason === 'DEADLINE_PASSED'
          ? 'the deadline had already passed'
          : reason === 'LATER_REMINDER_DUE'
            ? 'a later reminder went out instead'
            : 'the request had already moved on'
      }`,
  },
  flash: {
    answeredYes: (deadline: string) =>
      `You answered YES. Assign the licenses and mark the schools as assigned by ${deadline}.`,
    answeredNo: (organisation: string) =>
      `You answered NO. ${organisation} is told that it holds no licenses from you.`,
    assigned: (names: string[]) => `Marked as assigned: ${names.join(', ')}.`,
    completed: 'Every licensed school is assigned: the request is completed and the organisation has been told.',
    settingsSaved: 'Your settings are saved.',
  },
  errors: {
    title: 'That did not work',
    notFound: 'There is no such request, or it is not yours.',
    pageNotFound: 'There is no such page.',
    alreadyAnswered: (response: string) =>
      `This request has already been answered (${response}), perhaps in another tab or by a colleague. Your answer was not recorded.`,
    withdrawn: 'The organisation has withdrawn this request. Nothing was changed.',
    finished: (status: string) => `This request is closed (${status}). Nothing was changed.`,
    notYetAnswered: 'Answer YES to the request before you mark schools as assigned.',
    notLicensed: 'One of the schools was answered as holding no licenses and cannot be marked as assigned.',
    chooseSchools: 'Choose at least one school. Nothing was changed.',
    unknownSchool: 'One of the schools is not part of this request. Reload the page and try again.',
    badEmail: 'That is not a valid e-mail address. Nothing was changed.',
    invalidForm: 'The form could not be used. Nothing was changed; reload the page and try again.',
    unavailable: 'The service is not answering right now. Try again in a moment.',
    internal: 'Something went wrong on our side. Try again in a moment.',
    csrf: 'This form came from another site or has expired. Nothing was changed. Go back, reload the page and try again.',
    tooManyAttempts: (minutes: number) =>
      `Too many failed sign-ins. Wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`} and try again.`,
    back: 'Back to the requests',
  },
  settings: {
    title: 'Settings',
    intro: 'Mail about new requests and reminders goes to this address, in the language you choose.',
    email: 'Notification e-mail address',
    language: 'Language',
    save: 'Save',
  },
};

export const STRINGS: Record<Locale, Strings> = { sv, en };

export function strings(locale: Locale): Strings {
  return STRINGS[locale];
}

/** "tisdag 15 december 2026" / "Tuesday 15 December 2026": the same form as the mail. */
export function longDate(isoDateOrInstant: string, locale: Locale): string {
  return formatDate(isoDateOrInstant, locale);
}

/** An instant as Stockholm wall-clock time, e.g. "2026-12-15 14:03". */
export function dateTime(instant: string): string {
  return DateTime.fromISO(instant, { zone: STOCKHOLM }).toFormat('yyyy-MM-dd HH:mm');
}
