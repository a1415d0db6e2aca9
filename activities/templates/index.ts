/**
 * Every mail as plain text and HTML: what happened, what the reader must do next, and the facts of
 * the request. The words are the language's catalogue (i18n/); this file lays them out. User data
 * (names) is escaped in HTML; headers are built by nodemailer, which encodes them, and subjects are
 * kept on one line whatever a name contains.
 */
import type { MailOccasion } from '../../domain/license-request';
import type { Locale } from '../../domain/locale';
import { escapeHtml, singleLine } from '../../domain/text';
import { catalogue, longDate, type MailWords } from '../../i18n';

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
  /** Support's reason for an extension or a reopening, as support wrote it. */
  reason?: string | null;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** How many school names a mail lists before it says "and N more". */
const MAX_LISTED_SCHOOLS = 25;

/** Which schools each mail lists: all (before an answer), the ones still waiting, or none. */
const LISTED: Record<MailOccasion, 'all' | 'pending' | 'none'> = {
  CREATED: 'all',
  UNANSWERED_REMINDER: 'none',
  UNANSWERED_ESCALATION: 'none',
  ANSWERED_YES: 'pending',
  ANSWERED_NO: 'none',
  DEADLINE_NEAR: 'pending',
  OVERDUE: 'pending',
  COMPLETED: 'none',
  WITHDRAWN: 'none',
  DEADLINE_EXTENDED: 'pending',
  DEADLINE_EXTENDED_CONTACTS: 'none',
  REOPENED: 'all',
};

export function renderMail(occasion: MailOccasion, locale: Locale, facts: MailFacts): RenderedMail {
  const t = catalogue(locale);
  const l = t.mail;
  const words: MailWords = {
    organisation: facts.organisationName,
    partner: facts.partnerName,
    deadline: facts.deadline ? longDate(facts.deadline, locale) : '',
  };
  const sentences = l.occasions[occasion];
  const subject = sentences.subject(words);
  const lines = [
    sentences.happened(words),
    ...(occasion === 'OVERDUE' && facts.supportInformed ? [l.supportCopied] : []),
    ...(facts.reason ? [`${l.reason}: ${facts.reason}`] : []),
  ];
  const next = sentences.next(words);
  const list = LISTED[occasion];

  const rows: Array<[string, string]> = [
    [t.facts.organisation, facts.organisationName],
    [t.facts.skolonId, facts.organisationSkolonId],
    [t.facts.numberOfSchools, String(facts.numberOfSchools)],
    [l.desiredAvailability, facts.desiredAvailability ? longDate(facts.desiredAvailability, locale) : t.facts.notGiven],
  ];
  if (facts.deadline) rows.push([t.facts.deadline, longDate(facts.deadline, locale)]);
  if (facts.deadline && facts.workingDaysLeft !== null && occasion !== 'OVERDUE' && occasion !== 'COMPLETED') {
    rows.push([l.workingDaysLeft, facts.workingDaysLeft === 0 ? t.facts.deadlineToday : String(facts.workingDaysLeft)]);
  }

  const listed = list === 'none' ? [] : facts.schools.slice(0, MAX_LISTED_SCHOOLS);
  const unlisted = list === 'none' ? 0 : facts.schools.length - listed.length;
  const listTitle = list === 'all' ? t.facts.schools : l.pendingSchools;

  const text = [
    ...lines,
    next,
    rows.map(([k, v]) => `${k}: ${v}`).join('\n'),
    ...(listed.length > 0
      ? [`${listTitle}:\n${[...listed.map((s) => `- ${s}`), ...(unlisted > 0 ? [l.more(unlisted)] : [])].join('\n')}`]
      : []),
    ...(facts.link ? [`${l.openRequest}: ${facts.link}`] : []),
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
    ...(facts.link ? [`<p><a href="${escapeHtml(facts.link)}">${escapeHtml(l.openRequest)}</a></p>`] : []),
    `<p>${escapeHtml(l.regards).replace('\n', '<br>')}</p>`,
    '</body></html>',
  ].join('\n');

  return { subject: singleLine(subject), text, html };
}
