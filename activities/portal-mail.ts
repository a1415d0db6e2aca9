/**
 * The portal's own mail (sign-in links, invitations), sent by the API process straight through its
 * mailer: a sign-in link is worth something for 15 minutes only, so it is not queued for a worker
 * and retried for days. Each mail is one message with one Message-ID; it is sent again only when
 * the server did not accept it (down, or a 4xx), a few times within a minute or so. If every try
 * fails, or the server refuses it for good, send() rejects and the caller logs it: the person
 * asks for a new link.
 */
import crypto from 'node:crypto';
import type { Locale } from '../domain/locale';
import { singleLine } from '../domain/text';
import type { Logger } from '../observability/logger';
import { businessMetrics } from '../observability/metrics';
import { isPermanentMailFailure, type Mailer, type SendResult } from './mailer';
import type { RenderedMail } from './templates';
import {
  renderInvitationMail,
  renderSignInMail,
  type InvitationMailFacts,
  type SignInMailFacts,
} from './templates/portal-mail';

export interface PortalMailOptions {
  mailer: Mailer;
  from: string;
  /** SUPPORT_EMAIL: every mail's footer says how to reach support. */
  supportEmail: string;
  /** Where a mail given up is reported (with the portal_mails_total metric). */
  logger: Logger;
  /** Waits before the second and later tries (default 5 s, 20 s, 60 s). */
  retryDelaysMs?: number[];
}

export interface PortalMailSender {
  signIn(mail: Omit<SignInMailFacts, 'supportEmail'> & { to: string; locale: Locale }): Promise<void>;
  invitation(mail: Omit<InvitationMailFacts, 'supportEmail'> & { to: string; locale: Locale }): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createPortalMailSender({
  mailer,
  from,
  supportEmail,
  logger,
  retryDelaysMs = [5_000, 20_000, 60_000],
}: PortalMailOptions): PortalMailSender {
  const domain = from.match(/@([^>\s]+)/)?.[1] ?? 'license-requests.local';

  async function send(kind: string, to: string, render: () => Promise<RenderedMail>): Promise<void> {
    try {
      await sendWithRetries(kind, to, await render());
      businessMetrics.portalMail(kind, 'sent');
    } catch (error) {
      businessMetrics.portalMail(kind, 'failed');
      logger.error({ err: error, kind, to }, 'portal mail not sent');
      throw error;
    }
  }

  async function sendWithRetries(kind: string, to: string, rendered: RenderedMail): Promise<void> {
    const id = crypto.randomBytes(12).toString('hex');
    const mail = {
      from,
      to: [singleLine(to)],
      ...rendered,
      messageId: `<portal-${kind}-${id}@${domain}>`,
      fileName: `portal-${kind}-${id}`,
    };
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      let result: SendResult | undefined;
      try {
        result = await mailer.send(mail);
      } catch (error) {
        if (isPermanentMailFailure(error)) throw error;
        failure = error;
      }
      if (result) {
        if (result.refused.length > 0) throw new Error('the mail server refused the recipient for good');
        if (result.deferred.length === 0) return;
        failure = new Error('the mail server deferred the recipient');
      }
      const wait = retryDelaysMs[attempt];
      if (wait === undefined) throw failure;
      await sleep(wait);
    }
  }

  return {
    signIn: ({ to, locale, ...facts }) =>
      send('sign-in', to, () => renderSignInMail(locale, { ...facts, supportEmail })),
    invitation: ({ to, locale, ...facts }) =>
      send('invitation', to, () => renderInvitationMail(locale, { ...facts, supportEmail })),
  };
}
