/**
 * Every mail as plain text and HTML: what happened, what the reader must do next, and the facts of
 * the request. The words are the language's catalogue (i18n/); this file picks them, and the text
 * part's lines, and ./layout.ts lays the HTML part out (escaping every value). Headers are built by
 * nodemailer, which encodes them, and subjects are kept on one line whatever a name contains.
 */
import type { MailOccasion } from '../../domain/license-request';
import type { Locale } from '../../domain/locale';
import { singleLine } from '../../domain/text';
import { catalogue, longDate, type MailWords } from '../../i18n';
import { renderLayout, type MailButton } from './layout';

export type { ButtonTone, MailButton } from './layout';

/** Who reads a mail: it decides the link and the footer's "why you got this". */
export type MailAudience = 'partner' | 'contacts' | 'support';

export interface MailFacts {
  audience: MailAudience;
  /** SUPPORT_EMAIL: every mail's footer says how to reach support. */
  supportEmail: string;
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
  /** The organisation's status page, in mail to its contacts. */
  statusPageLink?: string | null;
  /** An overdue mail that support gets a copy of (the first and the last): the partner is told so. */
  supportInformed?: boolean;
  /** Support's reason for an extension or a reopening, as support wrote it. */
  reason?: string | null;
  /** Buttons before the link's own (e.g. answers straight from the mail), in this order. */
  actions?: MailButton[];
}

/** The YES and NO buttons of a partner's mail that asks for an answer, each to its own link. */
export function answerButtons(locale: Locale, linkTo: (answer: 'YES' | 'NO') => string): MailButton[] {
  const words = catalogue(locale).mail;
  return [
    { label: words.answerYes, href: linkTo('YES'), tone: 'yes' },
    { label: words.answerNo, href: linkTo('NO'), tone: 'no' },
  ];
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
  WEBHOOK_DISABLED: 'none',
};

export async function renderMail(occasion: MailOccasion, locale: Locale, facts: MailFacts): Promise<RenderedMail> {
  const t = catalogue(locale);
  const l = t.mail;
  const words: MailWords = {
    organisation: facts.organisationName,
    partner: facts.partnerName,
    deadline: facts.deadline ? longDate(facts.deadline, locale) : '',
  };
  const sentences = l.occasions[occasion];
  const subject = singleLine(sentences.subject(words));
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
  const listItems = [...listed, ...(unlisted > 0 ? [l.more(unlisted)] : [])];

  // The partner opens the request in the portal, the contacts their status page; support neither.
  const links: MailButton[] = [
    ...(facts.link ? [{ label: l.openRequest, href: facts.link, tone: 'primary' as const }] : []),
    ...(facts.statusPageLink
      ? [{ label: t.statusPage.mailLink, href: facts.statusPageLink, tone: 'primary' as const }]
      : []),
  ];
  const actions = facts.actions ?? [];
  // Beside answer buttons the link is the quieter choice.
  const buttons = [...actions, ...links.map((b) => (actions.length > 0 ? { ...b, tone: 'secondary' as const } : b))];
  const why = l.footer.why[facts.audience](words);

  const text = [
    ...lines,
    next,
    rows.map(([k, v]) => `${k}: ${v}`).join('\n'),
    ...(listed.length > 0
      ? [`${listTitle}:\n${[...listed.map((s) => `- ${s}`), ...(unlisted > 0 ? [l.more(unlisted)] : [])].join('\n')}`]
      : []),
    ...buttons.map((b) => `${b.label}: ${b.href}`),
    l.regards,
    `${why}\n${l.footer.questions} ${facts.supportEmail}`,
  ].join('\n\n');

  const html = await renderLayout({
    lang: t.htmlLang,
    subject,
    preheader: lines[0] ?? next,
    heading: subject,
    paragraphs: lines,
    next,
    buttons,
    facts: rows,
    list: listed.length > 0 ? { title: listTitle, items: listItems } : null,
    signature: l.regards,
    footer: { why, questions: l.footer.questions, supportEmail: facts.supportEmail },
  });

  return { subject, text, html };
}
