/** The calling partner's people (who may sign in to the portal): HTTP in and out; the rules live in services/partner-users.ts. */
import { Router } from 'express';
import type { PartnerUserService } from '../../services/partner-users';
import { requirePartner } from '../auth';
import { requiredBody } from '../../services/validate';

export function partnerUsersRouter(users: PartnerUserService): Router {
  const router = Router();

  router.get('/partner/users', async (req, res) => {
    res.json({ items: await users.list(requirePartner(req)) });
  });

  // The new person gets an invitation by mail.
  router.post('/partner/users', async (req, res) => {
    const partner = requirePartner(req);
    res.status(201).json(await users.add(partner, requiredBody(req)));
  });

  // Their portal sessions end at once; the last admin stays (409).
  router.delete('/partner/users/:email', async (req, res) => {
    await users.remove(requirePartner(req), String(req.params.email));
    res.status(204).end();
  });

  return router;
}
