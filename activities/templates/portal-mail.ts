/**
 * The portal's own mail, as plain text and HTML: the sign-in link (one link per partner at which
 * the address has an account) and the invitation a new person gets. Laid out like the request mail
 * (./index.ts); the words are the language's catalogue.
 */
import type { Locale } from '../../domain/locale';
import { escapeHtml, singleLine } from '../../domain/text';
import { catalogue } from '../../i18n';
import type { RenderedMail } from './index';

export interface SignInMailFacts {
  /** One link per partner at which the address has an account. */
  links: Array<{ partnerName: string; url: string }>;
  validMinutes: number;
}

export interface InvitationMailFacts {
  inviterName: string;
  partnerName: string;
  signInUrl: string;
}

function html(paragraphs: string[]): string {
  return [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">',
    ...paragraphs,
    '</body></html>',
  ].join('\n');
}

const link = (url: string, label: string) =>
  `<p><a href="${escapeHtml(url)}" style="font-weight:bold">${escapeHtml(label)}</a></p>`;

export function renderSignInMail(locale: Locale, facts: SignInMailFacts): RenderedMail {
  const m = catalogue(locale).portalMail;
  const intro = m.signInIntro(facts.validMinutes);
  return {
    subject: singleLine(m.signInSubject),
    text: [
      intro,
      ...facts.links.map((l) => `${m.signInLink(l.partnerName)}:\n${l.url}`),
      m.signInIgnore,
      m.regards,
    ].join('\n\n'),
    html: html([
      `<p>${escapeHtml(intro)}</p>`,
      ...facts.links.map((l) => link(l.url, m.signInLink(l.partnerName))),
      `<p>${escapeHtml(m.signInIgnore)}</p>`,
      `<p>${escapeHtml(m.regards).replace('\n', '<br>')}</p>`,
    ]),
  };
}

export function renderInvitationMail(locale: Locale, facts: InvitationMailFacts): RenderedMail {
  const m = catalogue(locale).portalMail;
  const said = m.invitation(facts.inviterName, facts.partnerName);
  return {
    subject: singleLine(m.invitationSubject(facts.partnerName)),
    text: [said, `${m.invitationLink}: ${facts.signInUrl}`, m.regards].join('\n\n'),
    html: html([
      `<p>${escapeHtml(said)}</p>`,
      link(facts.signInUrl, m.invitationLink),
      `<p>${escapeHtml(m.regards).replace('\n', '<br>')}</p>`,
    ]),
  };
}
