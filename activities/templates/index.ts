/**
 * The text of every mail, in Swedish and English, as plain text and HTML. User data (names,
 * addresses) is escaped in HTML; headers are built by nodemailer, which encodes them.
 */
import { DateTime } from 'luxon';
import type { MailOccasion } from '../../workflows/definitions';
import { STOCKHOLM } from '../../domain/working-days';

export type MailLocale = 'sv' | 'en';

export interface MailFacts {
  organisationName: string;
  organisationSkolonId: string;
  partnerName: string;
  numberOfSchools: number;
  /** Schools that hold licenses and are still waiting for them (YES, reminders, overdue). */
  pendingSchools: string[];
  desiredAvailability: string | null;
  deadline: string | null;
  link: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

function formatDate(iso: string, locale: MailLocale): string {
  const date = DateTime.fromISO(iso, { zone: STOCKHOLM }).setLocale(locale === 'sv' ? 'sv-SE' : 'en-GB');
  return date.toFormat(locale === 'sv' ? 'cccc d MMMM yyyy' : 'cccc d MMMM yyyy');
}

const words = {
  sv: {
    organisation: 'Organisation',
    skolonId: 'Skolon-ID',
    schools: 'Antal skolor',
    desired: 'Önskat tillgänglighetsdatum',
    deadline: 'Sista dag för tilldelning',
    none: 'inget angivet',
    pending: 'Skolor som väntar på licenser',
    open: 'Öppna förfrågan',
    regards: 'Vänliga hälsningar\nSkolon',
  },
  en: {
    organisation: 'Organisation',
    skolonId: 'Skolon ID',
    schools: 'Number of schools',
    desired: 'Desired availability',
    deadline: 'Assignment deadline',
    none: 'not given',
    pending: 'Schools waiting for licenses',
    open: 'Open the request',
    regards: 'Kind regards\nSkolon',
  },
} as const;

type Content = { subject: string; lines: string[] };

function content(occasion: MailOccasion, locale: MailLocale, f: MailFacts): Content {
  const org = f.organisationName;
  const deadline = f.deadline ? formatDate(f.deadline, locale) : '';
  if (locale === 'sv') {
    switch (occasion) {
      case 'CREATED':
        return {
          subject: `Ny licensförfrågan från ${org}`,
          lines: [
            `${org} vill flytta sina befintliga licenser för ${f.partnerName} till Skolon och har skickat en licensförfrågan.`,
            'Svara JA om organisationen har aktiva licenser hos er, annars NEJ. Efter ett JA har ni fem arbetsdagar på er att tilldela licenserna till skolorna, eller till det önskade datumet om det är tidigare.',
          ],
        };
      case 'UNANSWERED_REMINDER':
        return {
          subject: `Påminnelse: licensförfrågan från ${org} väntar på svar`,
          lines: [`Licensförfrågan från ${org} är fortfarande obesvarad. Svara JA eller NEJ så snart som möjligt.`],
        };
      case 'UNANSWERED_ESCALATION':
        return {
          subject: `Obesvarad licensförfrågan: ${org} väntar på ${f.partnerName}`,
          lines: [
            `Licensförfrågan från ${org} till ${f.partnerName} har inte besvarats trots påminnelser.`,
            `Kontakta ${f.partnerName} och hjälp dem att svara JA eller NEJ.`,
          ],
        };
      case 'ANSWERED_YES':
        return {
          subject: `${f.partnerName} har licenser för ${org}`,
          lines: [
            `${f.partnerName} har svarat JA på er licensförfrågan: ni har licenser hos dem.`,
            `Licenserna ska vara tilldelade i Skolon senast ${deadline}.`,
          ],
        };
      case 'ANSWERED_NO':
        return {
          subject: `${f.partnerName} har inga licenser för ${org}`,
          lines: [`${f.partnerName} har svarat NEJ på er licensförfrågan: ${org} har inga licenser hos dem.`],
        };
      case 'DEADLINE_NEAR':
        return {
          subject: `Påminnelse: licenser för ${org} ska tilldelas senast ${deadline}`,
          lines: [`Tilldela licenserna för ${org} i Skolon senast ${deadline}.`],
        };
      case 'OVERDUE':
        return {
          subject: `Försenad: licenser för ${org} är inte tilldelade`,
          lines: [
            `Sista dag för tilldelning av licenser för ${org} var ${deadline}. Alla skolor har ännu inte fått sina licenser.`,
            'Tilldela de återstående licenserna i Skolon omgående.',
          ],
        };
      case 'COMPLETED':
        return {
          subject: `Licenserna från ${f.partnerName} finns nu i Skolon för ${org}`,
          lines: [
            `${f.partnerName} har tilldelat licenser till alla skolor i er licensförfrågan. De finns nu i Skolon.`,
          ],
        };
      case 'WITHDRAWN':
        return {
          subject: `Licensförfrågan från ${org} har dragits tillbaka`,
          lines: [`${org} har dragit tillbaka sin licensförfrågan. Ni behöver inte göra något mer.`],
        };
    }
  }
  switch (occasion) {
    case 'CREATED':
      return {
        subject: `New license request from ${org}`,
        lines: [
          `${org} wants to move its existing licenses for ${f.partnerName} to Skolon and has sent you a license request.`,
          'Answer YES if the organisation holds active licenses from you, otherwise NO. After a YES you have five working days to assign the licenses to the schools, or until the desired date if that is earlier.',
        ],
      };
    case 'UNANSWERED_REMINDER':
      return {
        subject: `Reminder: the license request from ${org} is waiting for your answer`,
        lines: [`The license request from ${org} is still unanswered. Please answer YES or NO as soon as possible.`],
      };
    case 'UNANSWERED_ESCALATION':
      return {
        subject: `Unanswered license request: ${org} is waiting for ${f.partnerName}`,
        lines: [
          `The license request from ${org} to ${f.partnerName} has not been answered despite reminders.`,
          `Please contact ${f.partnerName} and help them answer YES or NO.`,
        ],
      };
    case 'ANSWERED_YES':
      return {
        subject: `${f.partnerName} holds licenses for ${org}`,
        lines: [
          `${f.partnerName} answered YES to your license request: you hold licenses from them.`,
          `The licenses are to be assigned in Skolon by ${deadline}.`,
        ],
      };
    case 'ANSWERED_NO':
      return {
        subject: `${f.partnerName} holds no licenses for ${org}`,
        lines: [`${f.partnerName} answered NO to your license request: ${org} holds no licenses from them.`],
      };
    case 'DEADLINE_NEAR':
      return {
        subject: `Reminder: licenses for ${org} are due by ${deadline}`,
        lines: [`Please assign the licenses for ${org} in Skolon by ${deadline}.`],
      };
    case 'OVERDUE':
      return {
        subject: `Overdue: licenses for ${org} have not been assigned`,
        lines: [
          `The deadline for assigning the licenses for ${org} was ${deadline}. Not every school has its licenses yet.`,
          'Please assign the remaining licenses in Skolon now.',
        ],
      };
    case 'COMPLETED':
      return {
        subject: `The licenses from ${f.partnerName} are now in Skolon for ${org}`,
        lines: [
          `${f.partnerName} has assigned licenses to every school in your license request. They are now in Skolon.`,
        ],
      };
    case 'WITHDRAWN':
      return {
        subject: `The license request from ${org} has been withdrawn`,
        lines: [`${org} has withdrawn its license request. Nothing more is needed from you.`],
      };
  }
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Header values must stay on one line whatever a user typed into a name. */
export function singleLine(value: string): string {
  return value.replace(/[\r\n\t\u2028\u2029]+/g, ' ').trim();
}

export function renderMail(occasion: MailOccasion, locale: MailLocale, facts: MailFacts): RenderedMail {
  const w = words[locale];
  const { subject, lines } = content(occasion, locale, facts);
  const showPending =
    ['ANSWERED_YES', 'DEADLINE_NEAR', 'OVERDUE'].includes(occasion) && facts.pendingSchools.length > 0;
  const rows: Array<[string, string]> = [
    [w.organisation, facts.organisationName],
    [w.skolonId, facts.organisationSkolonId],
    [w.schools, String(facts.numberOfSchools)],
    [w.desired, facts.desiredAvailability ? formatDate(facts.desiredAvailability, locale) : w.none],
  ];
  if (facts.deadline) rows.push([w.deadline, formatDate(facts.deadline, locale)]);

  const text = [
    ...lines,
    rows.map(([k, v]) => `${k}: ${v}`).join('\n'),
    ...(showPending ? [`${w.pending}:\n${facts.pendingSchools.map((s) => `- ${s}`).join('\n')}`] : []),
    `${w.open}: ${facts.link}`,
    w.regards,
  ].join('\n\n');

  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    ...lines.map((l) => `<p>${escapeHtml(l)}</p>`),
    '<table>',
    ...rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    ...(showPending
      ? [
          `<p>${escapeHtml(w.pending)}:</p><ul>${facts.pendingSchools.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`,
        ]
      : []),
    `<p><a href="${escapeHtml(facts.link)}">${escapeHtml(w.open)}</a></p>`,
    `<p>${escapeHtml(w.regards).replace('\n', '<br>')}</p>`,
    '</body></html>',
  ].join('\n');

  return { subject: singleLine(subject), text, html };
}
