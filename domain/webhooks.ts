/**
 * Partner webhooks (README, "Webhooks"): the event types, the delivery rules every part agrees on,
 * and which URLs and addresses a delivery may go to. Pure: resolving a name is the caller's part.
 */
import ipaddr from 'ipaddr.js';

/** Every event a partner's endpoint can receive; one per occasion that also mails the partner. */
export const WEBHOOK_EVENT_TYPES = [
  'license_request.created',
  'license_request.reminder',
  'license_request.deadline_near',
  'license_request.overdue',
  'license_request.deadline_extended',
  'license_request.reopened',
  'license_request.withdrawn',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(value);
}

/** After a rotation the previous secret keeps signing for this long, beside the new one. */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** A delivery attempt that has no answer (status line and headers) in this time has failed. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** Longer URLs are refused: no receiver needs one, and each is stored and sent on every delivery. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

export interface UrlPolicy {
  /** WEBHOOK_ALLOW_INSECURE (development and tests): `http`, and local and private addresses. */
  allowInsecure: boolean;
}

/** A URL the rules allow, or the sentence that says why not (for the partner, in a 400). */
export type UrlCheck = { ok: true; url: URL } | { ok: false; problem: string };

/**
 * What can be said of a webhook URL without resolving its host: https (http only when insecure
 * URLs are allowed), no user name or password (they would travel in every delivery), and no
 * `localhost` name (RFC 6761: always the machine itself). A host that is an address literal is
 * checked here too; a name is checked by resolving it (addressProblem on each address).
 */
export function checkWebhookUrlSyntax(raw: string, policy: UrlPolicy): UrlCheck {
  if ([...raw].length > MAX_WEBHOOK_URL_LENGTH) {
    return { ok: false, problem: `The URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters.` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'This is not an absolute URL (e.g. https://example.com/webhooks).' };
  }
  const schemes = policy.allowInsecure ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    return { ok: false, problem: 'The URL must start with https:// (deliveries are only sent over TLS).' };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, problem: 'The URL must not contain a user name or password; check the signature instead.' };
  }
  if (url.hostname === '') return { ok: false, problem: 'The URL has no host name.' };
  if (policy.allowInsecure) return { ok: true, url };
  const host = hostOf(url);
  if (/^(.+\.)?localhost\.?$/i.test(host)) {
    return { ok: false, problem: `${host} is this machine: the URL must reach a public address.` };
  }
  if (ipaddr.isValid(host)) {
    const problem = addressProblem(host);
    if (problem) return { ok: false, problem: `${host} is ${problem}: the URL must reach a public address.` };
  }
  return { ok: true, url };
}

/** The URL's host as a name or a bare address (without the brackets of an IPv6 literal). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** The address literal in a URL's host, if it is one. */
export function addressLiteral(url: URL): string | undefined {
  const host = hostOf(url);
  return ipaddr.isValid(host) ? host : undefined;
}

const RANGE_NAMES: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  private: 'a private address',
  uniqueLocal: 'a unique-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  ipv4Mapped: 'an IPv4-mapped address',
};

/**
 * Why a delivery may not go to this address, or undefined for a public unicast one. The rule is
 * request-filtering-agent's (which guards the connection itself at delivery time): an address
 * whose ipaddr.js range is anything but `unicast` is refused, so loopback, private, link-local,
 * unique-local, unspecified, multicast, and reserved or translated ranges alike.
 */
export function addressProblem(address: string): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return 'not an IP address';
  }
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  return RANGE_NAMES[range] ?? `a reserved address (${range})`;
}
