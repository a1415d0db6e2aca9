/**
 * The text of every mail, in Swedish and English, as plain text and HTML. Each mail says what
 * happened, what the reader must do next, and the facts of the request. User data (names) is
 * escaped in HTML; headers are built by nodemailer, which encodes them, and subjects are kept on
 * one line whatever a name contains.
 */
import { DateTime } from 'luxon';
import type { MailOccasion } from '../../domain/license-request';
import { STOCKHOLM } from '../../domain/working-days';
import type { Locale } from '../../domain/locale';
import { escapeHtml, singleLine } from '../../domain/text';

export interface MailFacts {
  organisationName: string;
  organisationSkolonId: string;
  partnerName: string;
  numberOfSchools: number;
  /** The schools the mail is about: all of them before an answer, the ones still waiting after. */
  schools: string[];
  desiredAvailability: string | null;
  /** ISO instant of the assignment deadline, once there is one. */
  deadline: string | null;
  /** Working days after today up to and including the deadline date (0: the deadline is today). */
  workingDaysLeft: number | null;
  /** The request's page in the partner portal, in mail to the partner (others cannot open it). */
  link: string | null;
  /** An overdue mail that support gets a copy of (the first and the last): the partner is told so. */
  supportInformed?: boolean;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Dates as people write them in Sweden ("tisdag 15 december 2026") or in English. */
export function formatDate(iso: string, locale: Locale): string {
  return DateTime.fromISO(iso, { zone: STOCKHOLM })
    .setLocale(locale === 'sv' ? 'sv-SE' : 'en-GB')
    .toFormat('cccc d MMMM yyyy');
}

/** How many school names a mail lists before it says "and N more". */
const MAX_LISTED_SCHOOLS = 25;

const labels = {
  sv: {
    organisation: 'Organisation',
    skolonId: 'Skolon-ID',
    schools: 'Antal skolor',
    desired: 'Önskat tillgänglighetsdatum',
    deadline: 'Sista dag för tilldelning',
    daysLeft: 'Arbetsdagar kvar',
    none: 'inget angivet',
    listAll: 'Skolor',
    listPending: 'Skolor som ännu inte har fått licenser',
    more: (n: number) => `… och ${n} till`,
    today: 'sista dagen är i dag',
    open: 'Öppna förfrågan',
    regards: 'Vänliga hälsningar\nSkolon',
  },
  en: {
    organisation: 'Organisation',
    skolonId: 'Skolon ID',
    schools: 'Number of schools',
    desired: 'Desired availability',
    deadline: 'Assignment deadline',
    daysLeft: 'Working days left',
    none: 'not given',
    listAll: 'Schools',
    listPending: 'Schools still waiting for licenses',
    more: (n: number) => `… and ${n} more`,
    today: 'the deadline is today',
    open: 'Open the request',
    regards: 'Kind regards\nSkolon',
  },
} as const;

interface Content {
  subject: string;
  /** What happened. */
  lines: string[];
  /** What the reader must do now. */
  next: string;
  /** Which schools to list: all (before an answer), the pending ones, or none. */
  list: 'all' | 'pending' | 'none';
}

function content(occasion: MailOccasion, locale: Locale, f: MailFacts): Content {
  const org = f.organisationName;
  const partner = f.partnerName;
  const deadline = f.deadline ? formatDate(f.deadline, locale) : '';
  const sv = locale === 'sv';
  switch (occasion) {
    case 'CREATED':
      return sv
        ? {
            subject: `Ny licensförfrågan från ${org}`,
            lines: [
              `${org} vill flytta sina befintliga licenser för ${partner} till Skolon och har skickat en licensförfrågan till er.`,
            ],
            next: 'Svara JA om organisationen har aktiva licenser hos er, annars NEJ. Efter ett JA har ni fem arbetsdagar på er att tilldela licenserna till skolorna, eller till det önskade datumet om det är tidigare.',
            list: 'all',
          }
        : {
            subject: `New license request from ${org}`,
            lines: [
              `${org} wants to move its existing licenses for ${partner} to Skolon and has sent you a license request.`,
            ],
            next: 'Answer YES if the organisation holds active licenses from you, otherwise NO. After a YES you have five working days to assign the licenses to the schools, or until the desired date if that is earlier.',
            list: 'all',
          };
    case 'UNANSWERED_REMINDER':
      return sv
        ? {
            subject: `Påminnelse: licensförfrågan från ${org} väntar på ert svar`,
            lines: [`Licensförfrågan från ${org} är fortfarande obesvarad.`],
            next: 'Svara JA eller NEJ så snart som möjligt.',
            list: 'none',
          }
        : {
            subject: `Reminder: the license request from ${org} is waiting for your answer`,
            lines: [`The license request from ${org} is still unanswered.`],
            next: 'Please answer YES or NO as soon as possible.',
            list: 'none',
          };
    case 'UNANSWERED_ESCALATION':
      return sv
        ? {
            subject: `Obesvarad licensförfrågan: ${org} väntar på ${partner}`,
            lines: [`Licensförfrågan från ${org} till ${partner} har inte besvarats trots påminnelser.`],
            next: `Kontakta ${partner} och hjälp dem att svara JA eller NEJ.`,
            list: 'none',
          }
        : {
            subject: `Unanswered license request: ${org} is waiting for ${partner}`,
            lines: [`The license request from ${org} to ${partner} has not been answered despite reminders.`],
            next: `Please contact ${partner} and help them answer YES or NO.`,
            list: 'none',
          };
    case 'ANSWERED_YES':
      return sv
        ? {
            subject: `${partner} har licenser för ${org}`,
            lines: [`${partner} har svarat JA på er licensförfrågan: ni har licenser hos dem.`],
            next: `${partner} ska tilldela licenserna i Skolon senast ${deadline}. Ni behöver inte göra något; vi meddelar er när alla skolor har fått sina licenser.`,
            list: 'pending',
          }
        : {
            subject: `${partner} holds licenses for ${org}`,
            lines: [`${partner} answered YES to your license request: you hold licenses from them.`],
            next: `${partner} is to assign the licenses in Skolon by ${deadline}. Nothing is needed from you; we will tell you when every school has its licenses.`,
            list: 'pending',
          };
    case 'ANSWERED_NO':
      return sv
        ? {
            subject: `${partner} har inga licenser för ${org}`,
            lines: [`${partner} har svarat NEJ på er licensförfrågan: ${org} har inga licenser hos dem.`],
            next: `Om ni anser att ni har licenser hos ${partner}, kontakta dem direkt.`,
            list: 'none',
          }
        : {
            subject: `${partner} holds no licenses for ${org}`,
            lines: [`${partner} answered NO to your license request: ${org} holds no licenses from them.`],
            next: `If you believe you hold licenses from ${partner}, please contact them directly.`,
            list: 'none',
          };
    case 'DEADLINE_NEAR':
      return sv
        ? {
            subject: `Påminnelse: licenser för ${org} ska tilldelas senast ${deadline}`,
            lines: [`Sista dag för att tilldela licenserna för ${org} är ${deadline}.`],
            next: 'Tilldela licenserna till skolorna nedan i Skolon och markera dem som tilldelade.',
            list: 'pending',
          }
        : {
            subject: `Reminder: licenses for ${org} are due by ${deadline}`,
            lines: [`The deadline for assigning the licenses for ${org} is ${deadline}.`],
            next: 'Please assign the licenses to the schools below in Skolon and mark them as assigned.',
            list: 'pending',
          };
    case 'OVERDUE':
      return sv
        ? {
            subject: `Försenad: licenser för ${org} är inte tilldelade`,
            lines: [
              `Sista dag för tilldelning av licenser för ${org} var ${deadline}. Alla skolor har ännu inte fått sina licenser.`,
              ...(f.supportInformed ? ['Skolons support har fått en kopia av det här meddelandet.'] : []),
            ],
            next: 'Tilldela de återstående licenserna i Skolon omgående.',
            list: 'pending',
          }
        : {
            subject: `Overdue: licenses for ${org} have not been assigned`,
            lines: [
              `The deadline for assigning the licenses for ${org} was ${deadline}. Not every school has its licenses yet.`,
              ...(f.supportInformed ? ['Skolon support has received a copy of this message.'] : []),
            ],
            next: 'Please assign the remaining licenses in Skolon now.',
            list: 'pending',
          };
    case 'COMPLETED':
      return sv
        ? {
            subject: `Licenserna från ${partner} finns nu i Skolon för ${org}`,
            lines: [`${partner} har tilldelat licenser till alla skolor i er licensförfrågan.`],
            next: 'Licenserna finns nu i Skolon och kan hanteras där.',
            list: 'none',
          }
        : {
            subject: `The licenses from ${partner} are now in Skolon for ${org}`,
            lines: [`${partner} has assigned licenses to every school in your license request.`],
            next: 'The licenses are now in Skolon and can be managed there.',
            list: 'none',
          };
    case 'WITHDRAWN':
      return sv
        ? {
            subject: `Licensförfrågan från ${org} har dragits tillbaka`,
            lines: [`${org} har dragit tillbaka sin licensförfrågan.`],
            next: 'Ni behöver inte göra något mer.',
            list: 'none',
          }
        : {
            subject: `The license request from ${org} has been withdrawn`,
            lines: [`${org} has withdrawn its license request.`],
            next: 'Nothing more is needed from you.',
            list: 'none',
          };
  }
}

export function renderMail(occasion: MailOccasion, locale: Locale, facts: MailFacts): RenderedMail {
  const l = labels[locale];
  const { subject, lines, next, list } = content(occasion, locale, facts);

  const rows: Array<[string, string]> = [
    [l.organisation, facts.organisationName],
    [l.skolonId, facts.organisationSkolonId],
    [l.schools, String(facts.numberOfSchools)],
    [l.desired, facts.desiredAvailability ? formatDate(facts.desiredAvailability, locale) : l.none],
  ];
  if (facts.deadline) rows.push([l.deadline, formatDate(facts.deadline, locale)]);
  if (facts.deadline && facts.workingDaysLeft !== null && occasion !== 'OVERDUE' && occasion !== 'COMPLETED') {
    rows.push([l.daysLeft, facts.workingDaysLeft === 0 ? l.today : String(facts.workingDaysLeft)]);
  }

  const listed = list === 'none' ? [] : facts.schools.slice(0, MAX_LISTED_SCHOOLS);
  const unlisted = list === 'none' ? 0 : facts.schools.length - listed.length;
  const listTitle = list === 'all' ? l.listAll : l.listPending;

  const text = [
    ...lines,
    next,
    rows.map(([k, v]) => `${k}: ${v}`).join('\n'),
    ...(listed.length > 0
      ? [`${listTitle}:\n${[...listed.map((s) => `- ${s}`), ...(unlisted > 0 ? [l.more(unlisted)] : [])].join('\n')}`]
      : []),
    ...(facts.link ? [`${l.open}: ${facts.link}`] : []),
    l.regards,
  ].join('\n\n');

  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">',
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    `<p><strong>${escapeHtml(next)}</strong></p>`,
    '<table cellpadding="4">',
    ...rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    ...(listed.length > 0
      ? [
          `<p>${escapeHtml(listTitle)}:</p><ul>${listed.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}${
            unlisted > 0 ? `<li>${escapeHtml(l.more(unlisted))}</li>` : ''
          }</ul>`,
        ]
      : []),
    ...(facts.link ? [`<p><a href="${escapeHtml(facts.link)}">${escapeHtml(l.open)}</a></p>`] : []),
    `<p>${escapeHtml(l.regards).replace('\n', '<br>')}</p>`,
    '</body></html>',
  ].join('\n');

  return { subject: singleLine(subject), text, html };
}
