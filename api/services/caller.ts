/** Who calls the application services: the platform (admin) or one partner. */
import type { Actor } from '../../workflows/definitions';
import type { Partner } from './partners';

export type Caller = { role: 'admin' } | { role: 'partner'; partner: Partner };

/** The caller as the request's history records it. */
export function actorOf(c: Caller): Actor {
  return c.role === 'admin' ? { role: 'admin' } : { role: 'partner', partnerId: c.partner.id };
}
