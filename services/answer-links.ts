/**
 * Answering with the YES or NO link of a partner's mail, without signing in: the link is the key,
 * to one answer of one request (domain/answer-link.ts). Looking at a link changes nothing (mail
 * scanners fetch links); using it answers through the same service as the portal and the API, with
 * the same rules, and the history names the mail link and the address it was mailed to.
 */
import type { Db } from '../db/database';
import {
  findAnswerLink,
  releaseAnswerLink,
  useAnswerLink,
  type FoundAnswerLink,
} from '../db/repositories/answer-links';
import { findPartner } from '../db/repositories/partners';
import {
  answerLinkRefusal,
  answerLinkTokenHash,
  isAnswerLinkToken,
  type AnswerLinkRefusal,
  type LinkAnswer,
} from '../domain/answer-link';
import type { PartnerCaller } from './caller';
import { HttpError } from './errors';
import type { LicenseRequestService } from './license-requests';
import type { LicenseRequestView } from './license-request-view';
import { toPartner, type Partner } from './partners';

export interface OpenedAnswerLink {
  request: LicenseRequestView;
  answer: LinkAnswer;
  partner: Partner;
  /** The address the link was mailed to. */
  sentTo: string;
}

export type AnswerLinkOutcome<T> = T | { refused: AnswerLinkRefusal; partner?: Partner };

export interface AnswerLinkService {
  /** What the link would answer, or why it cannot; changes nothing. */
  open(token: string, now: Date): Promise<AnswerLinkOutcome<OpenedAnswerLink>>;
  /** Answers with the link, once: the request as it now is, or why the link cannot answer. */
  use(token: string, now: Date): Promise<AnswerLinkOutcome<OpenedAnswerLink>>;
}

/** Longer than any answer waits for its workflow (20 s), with room to spare. */
const ABANDONED_USE_MS = 60_000;

export function createAnswerLinkService(db: Db, requests: LicenseRequestService): AnswerLinkService {
  /** The link and its partner, when the link may answer now. */
  async function usable(
    token: string,
    now: Date,
  ): Promise<
    | { refused: AnswerLinkRefusal; partner?: Partner }
    | { link: FoundAnswerLink; partner: Partner; caller: PartnerCaller; tokenHash: string; abandoned: boolean }
  > {
    if (!isAnswerLinkToken(token)) return { refused: 'UNKNOWN' };
    const tokenHash = answerLinkTokenHash(token);
    const link = await findAnswerLink(db, tokenHash);
    const row = link && (await findPartner(db, link.partner_id));
    const partner = row && toPartner(row);
    // Taken by a use that never finished (its process died between taking the link and the
    // answer): well past any answer's wait, the link answers again, under the same key, so a use that
    // did get through is not repeated.
    const abandoned =
      link?.used_at != null &&
      link.status === 'AWAITING_ANSWER' &&
      !link.answered_since &&
      now.getTime() - link.used_at.getTime() > ABANDONED_USE_MS;
    const refused = answerLinkRefusal(
      link && {
        usedAt: abandoned ? null : link.used_at,
        expiresAt: link.expires_at,
        awaitingAnswer: link.status === 'AWAITING_ANSWER',
        answeredSinceMailed: link.answered_since,
      },
      now,
    );
    if (!link || !partner) return { refused: 'UNKNOWN' };
    if (refused) return { refused, partner };
    const caller: PartnerCaller = { role: 'partner', partner, mailLink: { to: link.sent_to } };
    return { link, partner, caller, tokenHash, abandoned };
  }

  return {
    async open(token, now) {
      const found = await usable(token, now);
      if ('refused' in found) return found;
      const { link, partner, caller } = found;
      const request = await requests.get(caller, link.request_id);
      return { request, answer: link.answer, partner, sentTo: link.sent_to };
    },

    async use(token, now) {
      const found = await usable(token, now);
      if ('refused' in found) return found;
      const { link, partner, caller, tokenHash, abandoned } = found;
      const mail = { request_id: link.request_id, occasion: link.occasion, sequence: link.sequence };
      // Taken before the answer, so two clicks (or two tabs) answer once; the second finds it used.
      if (!abandoned && !(await useAnswerLink(db, mail, now))) return { refused: 'USED', partner };
      let request: LicenseRequestView;
      try {
        // YES without schools: all of them (choosing some is the portal's, after signing in). The
        // key makes a retry after a lost reply (the link given back below) the same answer.
        request = await requests.answer(caller, link.request_id, { response: link.answer }, `mail-link-${tokenHash}`);
      } catch (error) {
        // Answered meanwhile in another way: the link is spent. Anything else was not the link's doing.
        if (error instanceof HttpError && error.status === 409) return { refused: 'ANSWERED', partner };
        await releaseAnswerLink(db, mail);
        throw error;
      }
      return { request, answer: link.answer, partner, sentTo: link.sent_to };
    },
  };
}
