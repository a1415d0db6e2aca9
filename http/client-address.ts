/** The client's address, as rate limits and the portal's sign-in throttle count it. */
import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';

/**
 * Express's req.ip, which honours `trust proxy` (TRUST_PROXY: only the proxies we run may name the
 * client); IPv6 by /56 network, so one machine cannot hop through its own block of addresses.
 */
export function clientAddress(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}
