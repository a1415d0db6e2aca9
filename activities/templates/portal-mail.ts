/**
 * The portal's own mail, as plain text and HTML: the sign-in link (one button per partner at which
 * the address has an account) and the invitation a new person gets. Laid out like the request mail
 * (./index.ts, ./layout.ts), with the same greeting, signature and support line; the words are the
 * language's catalogue.
 */
import type { Locale } from '../../domain/locale';
import { singleLine } from '../../domain/text';
import { catalogue } from '../../i18n';
import type { RenderedMail } from './index';
import { renderLayout, type MailButton } from './layout';

export interface SignInMailFacts {
  /** One link per partner at which the address has an account. */
  links: Array<{ partnerName: string; url: string }>;
  validMinutes: number;
  /** SUPPORT_EMAIL: the footer says how to reach support. */
  supportEmail: string;
}

export interface InvitationMailFacts {
  inviterName: string;
  partnerName: string;
  signInUrl: string;
  /** SUPPORT_EMAIL: the footer says how to reach support. */
  supportEmail: string;
}

/** What the two mails say, in the order the text part and the layout show it. */
interface PortalMailContent {
  locale: Locale;
  subject: string;
  paragraphs: string[];
  next: string;
  buttons: MailButton[];
  facts: Array<[string, string]>;
  why: string;
  supportEmail: string;
}

async function render(content: PortalMailContent): Promise<RenderedMail> {
  const t = catalogue(content.locale);
  const subject = singleLine(content.subject);
  const text = [
    ...content.paragraphs,
    content.next,
    content.facts.map(([k, v]) => `${k}: ${v}`).join('\n'),
    ...content.buttons.map((b) => `${b.label}: ${b.href}`),
    t.mail.regards,
    `${content.why}\n${t.mail.footer.questions} ${content.supportEmail}`,
  ].join('\n\n');
  const html = await renderLayout({
    lang: t.htmlLang,
    subject,
    preheader: content.paragraphs[0] ?? content.next,
    heading: subject,
    paragraphs: content.paragraphs,
    next: content.next,
    buttons: content.buttons,
    facts: content.facts,
    list: null,
    signature: t.mail.regards,
    footer: { why: content.why, questions: t.mail.footer.questions, supportEmail: content.supportEmail },
  });
  return { subject, text, html };
}

export function renderSignInMail(locale: Locale, facts: SignInMailFacts): Promise<RenderedMail> {
  const m = catalogue(locale).portalMail;
  return render({
    locale,
    subject: m.signInSubject,
    paragraphs: [m.signInIntro(facts.validMinutes), m.signInIgnore],
    next: m.signInNext(facts.links.length),
    buttons: facts.links.map((l) => ({ label: m.signInLink(l.partnerName), href: l.url, tone: 'primary' })),
    facts: [
      ...facts.links.map((l): [string, string] => [m.partner, l.partnerName]),
      [m.linkWorks, m.linkValidity(facts.validMinutes)],
    ],
    why: m.signInWhy,
    supportEmail: facts.supportEmail,
  });
}

export function renderInvitationMail(locale: Locale, facts: InvitationMailFacts): Promise<RenderedMail> {
  const m = catalogue(locale).portalMail;
  return render({
    locale,
    subject: m.invitationSubject(facts.partnerName),
    paragraphs: [m.invitation(facts.inviterName, facts.partnerName)],
    next: m.invitationNext,
    buttons: [{ label: m.invitationButton, href: facts.signInUrl, tone: 'primary' }],
    facts: [
      [m.partner, facts.partnerName],
      [m.invitedBy, facts.inviterName],
    ],
    why: m.invitationWhy(facts.inviterName, facts.partnerName),
    supportEmail: facts.supportEmail,
  });
}
