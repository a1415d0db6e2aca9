/**
 * Who calls the application services: the platform (admin) or one partner, through its API key or
 * as one of its people signed in to the portal (`user`).
 */
import type { Actor } from '../domain/license-request';
import type { Partner } from './partners';
import type { PartnerUser } from './partner-users';

export type Caller = { role: 'admin' } | PartnerCaller;
/** `mailLink`: answering with a mail's YES/NO link, without sign-in; `to` is the address the mail went to. */
export type PartnerCaller = { role: 'partner'; partner: Partner; user?: PartnerUser; mailLink?: { to: string } };

/** The caller as the request's history records it: a person by their address, a key by its partner alone. */
export function actorOf(c: Caller): Actor {
  if (c.role === 'admin') return { role: 'admin' };
  if (c.mailLink) return { role: 'partner', partnerId: c.partner.id, via: 'mail-link', to: c.mailLink.to };
  return { role: 'partner', partnerId: c.partner.id, ...(c.user && { user: c.user.email }) };
}
