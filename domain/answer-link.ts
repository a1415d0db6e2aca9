/**
 * The YES and NO links in the partner's "new request" and reminder mails (`PUBLIC_URL/portal/answer/<token>`).
 * Each mail gets 256 random bits of its own (its seed, stored); a link's token is an HMAC-SHA256
 * of that seed and the answer under the server's link key, so a retried send of the same mail
 * makes the same links, and the database, which keeps only the seed and the tokens' hashes,
 * opens nothing without the key. A link answers once, for the request and the address it was
 * mailed to, and dies with the first answer to its request (however given) or after 30 days.
 */
import crypto from 'node:crypto';

export const ANSWER_LINK_DAYS = 30;

export type LinkAnswer = 'YES' | 'NO';

/** 32 bytes of MAC in base64url; anything else is no token of ours. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Keeps these MACs apart from anything else the same key signs (the status-page links). */
const PURPOSE = 'license-request-answer-link:v1:';

/** A new mail's seed: 256 random bits. */
export function newAnswerLinkSeed(): Buffer {
  return crypto.randomBytes(32);
}

/** The token of one answer's link in the mail with this seed. */
export function answerLinkToken(key: Buffer, seed: Buffer, answer: LinkAnswer): string {
  return crypto.createHmac('sha256', key).update(PURPOSE).update(answer).update(':').update(seed).digest('base64url');
}

/** What is stored of a token, and what a token is looked up by. */
export function answerLinkTokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('base64url');
}

/** Whether a string has a token's shape (a wrong one costs no lookup). */
export function isAnswerLinkToken(token: string): boolean {
  return TOKEN.test(token);
}

export function answerLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/portal/answer/${token}`;
}

/** When a link made now stops working, whatever happens to its request. */
export function answerLinkExpiry(createdAt: Date): Date {
  return new Date(createdAt.getTime() + ANSWER_LINK_DAYS * 24 * 60 * 60_000);
}

/** Why a link no longer answers: unknown (forged, mangled), used, older than 30 days, or its request answered. */
export type AnswerLinkRefusal = 'UNKNOWN' | 'USED' | 'EXPIRED' | 'ANSWERED';

export interface AnswerLinkFacts {
  usedAt: Date | null;
  expiresAt: Date;
  /** The request is waiting for an answer now. */
  awaitingAnswer: boolean;
  /** The request has been answered (in any way) since the link was mailed: a reopened request's old links stay dead. */
  answeredSinceMailed: boolean;
}

/** Why this link cannot answer now, or null when it can. */
export function answerLinkRefusal(link: AnswerLinkFacts | undefined, now: Date): AnswerLinkRefusal | null {
  if (!link) return 'UNKNOWN';
  if (link.usedAt) return 'USED';
  if (link.answeredSinceMailed || !link.awaitingAnswer) return 'ANSWERED';
  if (now.getTime() >= link.expiresAt.getTime()) return 'EXPIRED';
  return null;
}
