/** Swedish: every text of mail and the partner portal (the shape and what each text is for: catalogue.ts). */
import type { Catalogue } from './catalogue';
import { joinNames } from './format';

export const sv: Catalogue = {
  htmlLang: 'sv',
  languageName: 'Svenska',

  statuses: {
    AWAITING_ANSWER: 'Väntar på ert svar',
    AWAITING_ASSIGNMENT: 'Väntar på tilldelning',
    OVERDUE: 'Försenad',
    DECLINED: 'Besvarad med NEJ',
    COMPLETED: 'Klar',
    WITHDRAWN: 'Tillbakadragen',
  },
  responses: { UNANSWERED: 'Obesvarad', YES: 'JA', NO: 'NEJ' },
  assignments: {
    PENDING: 'Väntar på licenser',
    ASSIGNED: 'Tilldelad',
    NOT_LICENSED: 'Har inga licenser',
  },

  facts: {
    organisation: 'Organisation',
    skolonId: 'Skolon-ID',
    numberOfSchools: 'Antal skolor',
    desiredAvailability: 'Önskad tillgänglighet',
    status: 'Status',
    response: 'Svar',
    deadline: 'Sista dag för tilldelning',
    notGiven: 'inget angivet',
    deadlineToday: 'sista dagen är i dag',
    schools: 'Skolor',
  },

  events: {
    CREATED: (n) => `Förfrågan inkom (${n === 1 ? '1 skola' : `${n} skolor`})`,
    ANSWERED_YES: (n, total) => `Ni svarade JA för ${n} av ${total} skolor`,
    ANSWERED_NO: 'Ni svarade NEJ',
    DEADLINE_SET: (date) => `Sista dag för tilldelning: ${date}`,
    SCHOOLS_ASSIGNED: (names) => `Markerade som tilldelade: ${names.join(', ')}`,
    COMPLETED: 'Klar: alla skolor med licenser är tilldelade',
    OVERDUE: 'Sista dagen passerade utan att alla skolor var tilldelade',
    WITHDRAWN: 'Organisationen drog tillbaka förfrågan',
    PARTNER_NOTIFIED: 'E-post till er',
    PARTNER_REMINDED: 'Påminnelse till er',
    ESCALATED_TO_SUPPORT: 'Skolons support fick besked',
    CONTACTS_NOTIFIED: 'E-post till organisationens kontaktpersoner',
    MAIL_FAILED: 'E-post kunde inte levereras',
    REMINDER_SKIPPED: (reason) =>
      `En påminnelse skickades inte: ${
        reason === 'DEADLINE_PASSED'
          ? 'sista dagen hade redan passerat'
          : reason === 'LATER_REMINDER_DUE'
            ? 'en senare påminnelse gick ut i stället'
            : reason === 'DEADLINE_EXTENDED'
              ? 'sista dagen hade flyttats'
              : 'förfrågan hade redan gått vidare'
      }`,
    DEADLINE_EXTENDED: (date, reason) => `Skolons support flyttade sista dag för tilldelning till ${date}: ${reason}`,
    REOPENED: (reason) => `Skolons support öppnade förfrågan igen: ${reason}`,
    NOTIFICATION_RESENT: 'Skolons support skickade meddelandet till er igen',
    by: (who) => `av ${who}`,
    byMailLink: (address) => `med länken i mejlet till ${address}`,
  },

  portalMail: {
    signInSubject: 'Er inloggningslänk till Skolons partnerportal',
    signInIntro: (minutes) =>
      `Någon, förhoppningsvis ni, bad om att logga in i Skolons partnerportal med den här adressen. Länken fungerar en gång, inom ${minutes} minuter.`,
    signInLink: (partner) => `Logga in hos ${partner}`,
    signInNext: (links) => (links === 1 ? 'Logga in med knappen nedan.' : 'Välj vilken partner ni loggar in för.'),
    signInIgnore: 'Om ni inte bad om den kan ni bortse från det här mejlet: ingen kan logga in utan länken.',
    signInWhy:
      'Du får det här meddelandet eftersom någon bad om en inloggningslänk till Skolons partnerportal för den här adressen.',
    invitationSubject: (partner) => `Ni kan nu logga in i Skolons partnerportal för ${partner}`,
    invitation: (inviter, partner) =>
      `${inviter} har lagt till er hos ${partner} i Skolons partnerportal, där ni besvarar skolors och kommuners licensförfrågningar. Logga in med den här e-postadressen: ni får en länk med e-post, inget lösenord behövs.`,
    invitationNext: 'Öppna portalen och be om en inloggningslänk till den här adressen.',
    invitationButton: 'Öppna portalen',
    invitationWhy: (inviter, partner) =>
      `Du får det här meddelandet eftersom ${inviter} har lagt till adressen hos ${partner} i Skolons partnerportal.`,
    partner: 'Partner',
    linkWorks: 'Länken fungerar',
    linkValidity: (minutes) => `en gång, inom ${minutes} minuter`,
    invitedBy: 'Inbjuden av',
  },

  mail: {
    occasions: {
      CREATED: {
        subject: (w) => `Ny licensförfrågan från ${w.organisation}`,
        happened: (w) =>
          `${w.organisation} vill flytta sina befintliga licenser för ${w.partner} till Skolon och har skickat en licensförfrågan till er.`,
        next: () =>
          'Svara JA om organisationen har aktiva licenser hos er, annars NEJ. Efter ett JA har ni fem arbetsdagar på er att tilldela licenserna till skolorna, eller till det önskade datumet om det är tidigare.',
      },
      UNANSWERED_REMINDER: {
        subject: (w) => `Påminnelse: licensförfrågan från ${w.organisation} väntar på ert svar`,
        happened: (w) => `Licensförfrågan från ${w.organisation} är fortfarande obesvarad.`,
        next: () => 'Svara JA eller NEJ så snart som möjligt.',
      },
      UNANSWERED_ESCALATION: {
        subject: (w) => `Obesvarad licensförfrågan: ${w.organisation} väntar på ${w.partner}`,
        happened: (w) =>
          `Licensförfrågan från ${w.organisation} till ${w.partner} har inte besvarats trots påminnelser.`,
        next: (w) => `Kontakta ${w.partner} och hjälp dem att svara JA eller NEJ.`,
      },
      ANSWERED_YES: {
        subject: (w) => `${w.partner} har licenser för ${w.organisation}`,
        happened: (w) => `${w.partner} har svarat JA på er licensförfrågan: ni har licenser hos dem.`,
        next: (w) =>
          `${w.partner} ska tilldela licenserna i Skolon senast ${w.deadline}. Ni behöver inte göra något; vi meddelar er när alla skolor har fått sina licenser.`,
      },
      ANSWERED_NO: {
        subject: (w) => `${w.partner} har inga licenser för ${w.organisation}`,
        happened: (w) =>
          `${w.partner} har svarat NEJ på er licensförfrågan: ${w.organisation} har inga licenser hos dem.`,
        next: (w) => `Om ni anser att ni har licenser hos ${w.partner}, kontakta dem direkt.`,
      },
      DEADLINE_NEAR: {
        subject: (w) => `Påminnelse: licenser för ${w.organisation} ska tilldelas senast ${w.deadline}`,
        happened: (w) => `Sista dag för att tilldela licenserna för ${w.organisation} är ${w.deadline}.`,
        next: () => 'Tilldela licenserna till skolorna nedan i Skolon och markera dem som tilldelade.',
      },
      OVERDUE: {
        subject: (w) => `Försenad: licenser för ${w.organisation} är inte tilldelade`,
        happened: (w) =>
          `Sista dag för tilldelning av licenser för ${w.organisation} var ${w.deadline}. Alla skolor har ännu inte fått sina licenser.`,
        next: () => 'Tilldela de återstående licenserna i Skolon omgående.',
      },
      COMPLETED: {
        subject: (w) => `Licenserna från ${w.partner} finns nu i Skolon för ${w.organisation}`,
        happened: (w) => `${w.partner} har tilldelat licenser till alla skolor i er licensförfrågan.`,
        next: () => 'Licenserna finns nu i Skolon och kan hanteras där.',
      },
      WITHDRAWN: {
        subject: (w) => `Licensförfrågan från ${w.organisation} har dragits tillbaka`,
        happened: (w) => `${w.organisation} har dragit tillbaka sin licensförfrågan.`,
        next: () => 'Ni behöver inte göra något mer.',
      },
      DEADLINE_EXTENDED: {
        subject: (w) => `Ny sista dag för licenserna till ${w.organisation}: ${w.deadline}`,
        happened: (w) =>
          `Skolons support har flyttat sista dagen för att tilldela licenserna för ${w.organisation} till ${w.deadline}.`,
        next: () => 'Tilldela licenserna till skolorna nedan i Skolon och markera dem som tilldelade senast den dagen.',
      },
      DEADLINE_EXTENDED_CONTACTS: {
        subject: (w) => `${w.partner} har fått mer tid att tilldela licenserna för ${w.organisation}`,
        happened: (w) =>
          `Skolons support har gett ${w.partner} till och med ${w.deadline} på sig att tilldela licenserna för ${w.organisation}.`,
        next: () => 'Ni behöver inte göra något; vi meddelar er när alla skolor har fått sina licenser.',
      },
      REOPENED: {
        subject: (w) => `Licensförfrågan från ${w.organisation} är öppen igen`,
        happened: (w) =>
          `Skolons support har öppnat licensförfrågan från ${w.organisation} igen, som ni svarade NEJ på. ${w.organisation} vill flytta sina befintliga licenser för ${w.partner} till Skolon.`,
        next: () =>
          'Svara JA om organisationen har aktiva licenser hos er, annars NEJ. Efter ett JA har ni fem arbetsdagar på er att tilldela licenserna till skolorna, eller till det önskade datumet om det är tidigare.',
      },
      WEBHOOK_DISABLED: {
        subject: (w) => `Er webhook-adress har stängts av (licensförfrågan från ${w.organisation})`,
        happened: (w) =>
          `Er webhook-adress svarade "410 Gone" på en händelse om licensförfrågan från ${w.organisation}, så Skolon har slutat skicka händelser dit.`,
        next: () =>
          'Ange webhook-adressen igen under Inställningar i partnerportalen (eller med PUT /v1/partner/webhook) för att få händelser igen; där kan ni också skicka missade händelser på nytt.',
      },
    },
    supportCopied: 'Skolons support har fått en kopia av det här meddelandet.',
    reason: 'Anledning',
    desiredAvailability: 'Önskat tillgänglighetsdatum',
    workingDaysLeft: 'Arbetsdagar kvar',
    pendingSchools: 'Skolor som ännu inte har fått licenser',
    more: (n) => `… och ${n} till`,
    openRequest: 'Öppna förfrågan',
    answerYes: 'JA, de har licenser',
    answerNo: 'NEJ, inga licenser',
    regards: 'Vänliga hälsningar\nSkolon',
    footer: {
      why: {
        partner: (w) =>
          `Du får det här meddelandet eftersom adressen är angiven för aviseringar till ${w.partner} i Skolons partnerportal. Adressen ändras under Inställningar där.`,
        contacts: (w) =>
          `Du får det här meddelandet eftersom ${w.organisation} har angett dig som kontaktperson för sin licensförfrågan till ${w.partner} i Skolon.`,
        support: () => 'Du får det här meddelandet eftersom adressen är Skolons supportadress för licensförfrågningar.',
      },
      questions: 'Frågor? Kontakta Skolons support:',
    },
  },

  appName: 'Partnerportal',
  skipToContent: 'Hoppa till innehållet',
  nav: {
    label: 'Huvudmeny',
    requests: 'Licensförfrågningar',
    settings: 'Inställningar',
    signOut: 'Logga ut',
    signedInAs: (name, partner) => `Inloggad som ${name} (${partner})`,
  },
  breadcrumb: 'Licenshantering / Förfrågningar',

  signIn: {
    title: 'Logga in',
    intro: 'Fyll i er e-postadress i tjänsten: vi mejlar en länk som loggar in er. Inget lösenord behövs.',
    email: 'E-postadress',
    emailHint: 'Adressen som ert företag har registrerat hos Skolon. Ni förblir inloggad i 8 timmar.',
    submit: 'Skicka inloggningslänk',
    badEmail: 'Det är ingen e-postadress. Kontrollera den och försök igen.',
    signedOut: 'Ni är utloggad.',
    sessionEnded: 'Er inloggning har upphört. Logga in igen; ingenting har ändrats.',
    help: 'Har ni inget konto? Fråga en administratör på ert företag, eller kontakta support@skolon.eu.',
    sentTitle: 'Titta i er inkorg',
    sent: (email, minutes) =>
      `Om ${email} har ett konto i partnerportalen är en inloggningslänk på väg dit. Länken fungerar en gång, inom ${minutes} minuter.`,
    sentHint: 'Inget mejl efter några minuter? Titta i skräpposten, kontrollera adressen eller be om en ny länk.',
    linkTitle: 'Logga in',
    linkIntro: (name, partner) => `Logga in som ${name} hos ${partner}.`,
    linkSubmit: 'Logga in',
    linkInvalid: (minutes) =>
      `Den här inloggningslänken kan inte användas: den är redan använd, äldre än ${minutes} minuter eller inte komplett. Be om en ny länk; den kommer med e-post inom en minut.`,
    askAgain: 'Be om en ny inloggningslänk',
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
    allStatuses: 'Alla',
    filterButton: 'Visa',
    notGiven: '–',
    empty: 'Det finns inga förfrågningar här.',
    nextPage: 'Nästa sida',
    firstPage: 'Första sidan',
    paging: 'Sidor',
  },

  request: {
    allRequests: 'Alla förfrågningar',
    facts: 'Uppgifter',
    created: 'Inkom',
    answeredAt: 'Besvarad',
    finishedAt: 'Avslutad',
    daysLeft: (n) => (n === 1 ? '1 arbetsdag kvar' : `${n} arbetsdagar kvar`),
    overdue: (n) =>
      n === 0
        ? 'FÖRSENAD: sista dagen har passerat'
        : `FÖRSENAD: sista dagen passerade för ${n} ${n === 1 ? 'arbetsdag' : 'arbetsdagar'} sedan`,
    overdueBanner: (deadline) =>
      `Förfrågan är försenad: licenserna skulle ha tilldelats senast ${deadline}. Tilldela dem så snart som möjligt; Skolons support har fått besked.`,
    schoolName: 'Skola',
    assignment: 'Licenser',
    contacts: 'Kontaktpersoner',
    history: 'Händelser',
    when: 'När',
    what: 'Vad',
    answerTitle: 'Ert svar',
    answerIntro:
      'Har organisationen aktiva licenser hos er? Svara JA eller NEJ. Om bara några av skolorna har licenser, bocka ur de andra innan ni svarar JA.',
    licensedLegend: 'Skolor som har licenser hos er',
    assignTitle: 'Tilldela licenser',
    assignIntro: 'Tilldela licenserna i Skolon som vanligt och markera sedan skolorna här, en eller flera åt gången.',
    progress: (done, total) => `${done} av ${total} skolor med licenser är tilldelade`,
    pendingLegend: 'Skolor som väntar på licenser',
    selectAll: 'Välj alla',
    assignSelected: 'Markera valda skolor som tilldelade',
    assignAll: 'Markera alla återstående skolor som tilldelade',
    completed: 'Alla skolor med licenser är tilldelade. Förfrågan är klar och organisationen har fått besked.',
    declined: 'Ni svarade NEJ. Organisationen har fått besked om att de inte har några licenser hos er.',
    withdrawn: 'Organisationen har dragit tillbaka förfrågan. Ni behöver inte göra något mer.',
    extended: (from, to) =>
      from
        ? `Skolons support har flyttat sista dagen från ${from} till ${to}.`
        : `Skolons support har flyttat sista dagen till ${to}.`,
    reopened: (date) => `Skolons support öppnade förfrågan igen ${date} efter ert NEJ: den väntar på ert svar igen.`,
    reason: (reason) => `Anledning: ${reason}`,
  },

  confirm: {
    titleYes: 'Bekräfta JA',
    titleNo: 'Bekräfta NEJ',
    yesSchools: (n, total) =>
      n === total
        ? `Ni svarar JA för alla ${total} skolor: de har licenser hos er.`
        : `Ni svarar JA för ${n} av ${total} skolor: de har licenser hos er.`,
    notLicensed: (names) => `${joinNames(names, 'och')} markeras som att de inte har några licenser.`,
    yesNext: (deadline, desiredIsEarlier) =>
      desiredIsEarlier
        ? `Organisationens kontaktpersoner får besked. Ni ska sedan tilldela licenserna i Skolon och markera skolorna som tilldelade senast ${deadline}: tidigare än fem arbetsdagar, på grund av organisationens önskade datum.`
        : `Organisationens kontaktpersoner får besked. Ni har sedan fem arbetsdagar på er att tilldela licenserna i Skolon och markera skolorna som tilldelade, alltså senast ${deadline}.`,
    noNext: (organisation) =>
      `${organisation} får besked om att de inte har några licenser hos er. Förfrågan avslutas och ni behöver inte göra något mer.`,
    confirmYes: 'Svara JA',
    confirmNo: 'Svara NEJ',
    cancel: 'Avbryt',
    chooseSchool: 'Välj minst en skola som har licenser, eller svara NEJ.',
  },

  answerLink: {
    intro: (address) => `Ni svarar med länken i mejlet till ${address}. Inget skickas förrän ni bekräftar.`,
    someSchools: 'Har bara några av skolorna licenser? Logga in i partnerportalen och välj dem där.',
    doneTitle: 'Tack för ert svar',
    invalidTitle: 'Länken kan inte användas',
    unknown:
      'Länken är inte komplett eller inte vår. Öppna förfrågan i partnerportalen, eller kontakta support@skolon.eu.',
    used: 'Länken har redan använts: förfrågan har sitt svar. Logga in i partnerportalen för att se det.',
    expired: (days) =>
      `Länken är äldre än ${days} dagar. Logga in i partnerportalen för att svara, eller kontakta support@skolon.eu.`,
    answered: 'Förfrågan är redan besvarad. Logga in i partnerportalen för att se svaret och vad som händer sedan.',
    signIn: 'Logga in i partnerportalen',
    tooMany: (minutes) => `För många länkar som inte fungerar kom från er adress. Försök igen om ${minutes} minuter.`,
  },

  flash: {
    answeredYes: (deadline) =>
      `Ni svarade JA. Tilldela licenserna och markera skolorna som tilldelade senast ${deadline}.`,
    answeredNo: (organisation) =>
      `Ni svarade NEJ. ${organisation} får besked om att de inte har några licenser hos er.`,
    assigned: (names) => `Markerade som tilldelade: ${names.join(', ')}.`,
    completed: 'Alla skolor med licenser är tilldelade: förfrågan är klar och organisationen har fått besked.',
    settingsSaved: 'Inställningarna är sparade.',
  },

  errors: {
    title: 'Det gick inte',
    notFound: 'Förfrågan finns inte, eller hör inte till er.',
    pageNotFound: 'Sidan finns inte.',
    alreadyAnswered: (response) =>
      `Förfrågan är redan besvarad (${response}), kanske i en annan flik eller av en kollega. Ert svar sparades inte.`,
    withdrawn: 'Organisationen har dragit tillbaka förfrågan. Ingenting ändrades.',
    finished: (status) => `Förfrågan är avslutad (${status}). Ingenting ändrades.`,
    notYetAnswered: 'Svara JA på förfrågan innan ni markerar skolor som tilldelade.',
    notLicensed: 'En av skolorna är besvarad som att den inte har licenser och kan inte markeras som tilldelad.',
    chooseSchools: 'Välj minst en skola. Ingenting ändrades.',
    unknownSchool: 'En av skolorna hör inte till förfrågan. Ladda om sidan och försök igen.',
    badEmail: 'Det är ingen giltig e-postadress. Ingenting ändrades.',
    invalidForm: 'Formuläret gick inte att använda. Ingenting ändrades; ladda om sidan och försök igen.',
    unavailable: 'Tjänsten svarar inte just nu. Försök igen om en liten stund.',
    internal: 'Något gick fel hos oss. Försök igen om en liten stund.',
    csrf: 'Formuläret kom från en annan webbplats eller har gått ut. Ingenting ändrades. Gå tillbaka, ladda om sidan och försök igen.',
    adminsOnly: 'Bara en administratör i er organisation kan ändra det här. Ingenting ändrades.',
    tooManyAttempts: (minutes) =>
      `För många misslyckade inloggningar. Vänta ${minutes === 1 ? 'en minut' : `${minutes} minuter`} och försök igen.`,
    back: 'Till förfrågningarna',
  },

  people: {
    title: 'Personer',
    intro: 'Alla här loggar in med sin egen e-postadress. Administratörer lägger till och tar bort personer.',
    membersOnly: 'Bara en administratör kan lägga till eller ta bort personer.',
    columns: { name: 'Namn', email: 'E-postadress', role: 'Roll' },
    roles: { admin: 'Administratör', member: 'Medlem' },
    you: '(ni)',
    remove: (name) => `Ta bort ${name}`,
    inviteTitle: 'Lägg till en person',
    name: 'Namn',
    email: 'E-postadress',
    role: 'Roll',
    invite: 'Lägg till och skicka inbjudan',
    invited: (email) => `${email} är tillagd och har fått en inbjudan med e-post.`,
    removed: (email) => `${email} är borttagen och utloggad.`,
    exists: (email) => `${email} finns redan bland era personer. Ingenting har ändrats.`,
    lastAdmin: 'Det är er sista administratör: lägg till en annan administratör först. Ingenting har ändrats.',
    notFound: 'Den personen finns inte (längre) bland era. Ingenting har ändrats.',
  },

  settings: {
    title: 'Inställningar',
    intro: 'E-post om nya förfrågningar och påminnelser går till den här adressen, på det språk ni väljer.',
    adminsOnly: 'Bara en administratör kan ändra aviseringsadressen, språket och webhooken.',
    email: 'E-postadress för aviseringar',
    language: 'Språk',
    save: 'Spara',
    webhook: {
      title: 'Webhook',
      intro:
        'Ert eget system kan få veta om varje förfrågan när något händer: Skolon skickar ett signerat HTTPS-anrop (Standard Webhooks) till den här adressen.',
      url: 'Webhook-adress (https)',
      events: 'Händelser',
      save: 'Spara webhook',
      remove: 'Ta bort webhook',
      rotate: 'Ny signeringsnyckel',
      secretOnce:
        'Er signeringsnyckel. Kopiera den nu: den visas bara den här gången. Kontrollera varje leverans med den (t.ex. med paketet standardwebhooks).',
      rotatedOverlap: 'Den förra nyckeln signerar vid sidan av den här i 24 timmar.',
      disabled: (reason) => `Leveranserna är avstängda: ${reason} Spara webhooken igen för att slå på dem.`,
      deliveries: 'Senaste leveranser',
      noDeliveries: 'Inget har levererats än.',
      columns: {
        event: 'Händelse',
        time: 'Tid',
        status: 'Status',
        httpStatus: 'HTTP-status',
        latency: 'Svarstid',
        attempts: 'Försök',
      },
      deliveryStatuses: { PENDING: 'Försöker igen', DELIVERED: 'Levererad', FAILED: 'Uppgiven' },
      redeliver: 'Skicka igen',
      saved: 'Webhooken är sparad.',
      removed: 'Webhooken är borttagen.',
      redelivering: 'Händelsen skickas igen.',
    },
  },

  statusPage: {
    appName: 'Licensförfrågan',
    intro: (w) =>
      `${w.organisation} har bett ${w.partner} att flytta organisationens licenser till Skolon. Här ser ni hur det går; sidan visar alltid läget just nu.`,
    partner: 'Partner',
    sent: 'Skickad',
    statuses: {
      AWAITING_ANSWER: 'Väntar på svar',
      AWAITING_ASSIGNMENT: 'Licenserna tilldelas',
      OVERDUE: 'Försenad',
      DECLINED: 'Inga licenser',
      COMPLETED: 'Klar',
      WITHDRAWN: 'Tillbakadragen',
    },
    explained: {
      AWAITING_ANSWER: (w) => `${w.partner} har inte svarat än om ni har licenser hos dem.`,
      AWAITING_ASSIGNMENT: (w) =>
        `${w.partner} har svarat JA och ska tilldela licenserna i Skolon senast ${w.deadline}.`,
      OVERDUE: (w) =>
        `${w.partner} skulle ha tilldelat licenserna senast ${w.deadline}. Skolons support vet om det och följer upp.`,
      DECLINED: (w) => `${w.partner} har svarat NEJ: ${w.organisation} har inga licenser hos dem.`,
      COMPLETED: (w) => `${w.partner} har tilldelat licenser till alla skolor. Licenserna finns nu i Skolon.`,
      WITHDRAWN: (w) => `Förfrågan till ${w.partner} är tillbakadragen.`,
    },
    noDeadlineYet: 'sätts när partnern svarar JA',
    events: {
      CREATED: (n) => `Förfrågan skickades (${n === 1 ? '1 skola' : `${n} skolor`})`,
      ANSWERED_YES: (n, total) => `Svar JA: licenser för ${n} av ${total} skolor`,
      ANSWERED_NO: 'Svar NEJ: inga licenser',
      DEADLINE_SET: (date) => `Sista dag för tilldelning: ${date}`,
      SCHOOLS_ASSIGNED: (names) => `Licenser tilldelade: ${names.join(', ')}`,
      OVERDUE: 'Sista dagen passerade innan alla skolor hade fått licenser',
      DEADLINE_EXTENDED: (date) => `Sista dagen flyttades till ${date}`,
      REOPENED: 'Förfrågan öppnades igen',
      COMPLETED: 'Klar: alla skolor med licenser har fått dem',
      WITHDRAWN: 'Förfrågan drogs tillbaka',
      reason: (reason) => `Skäl: ${reason}`,
    },
    footer:
      'Sidan kan bara läsas och kräver ingen inloggning: dela länken bara med dem som ska följa förfrågan. Frågor om licenserna ställer ni till partnern.',
    notFoundTitle: 'Sidan finns inte',
    notFound: 'Det finns ingen sida på den här adressen.',
    tooManyAttempts: (minutes) =>
      `För många felaktiga adresser härifrån. Vänta ${minutes === 1 ? 'en minut' : `${minutes} minuter`} och försök igen.`,
    mailLink: 'Följ förfrågan',
  },
};
