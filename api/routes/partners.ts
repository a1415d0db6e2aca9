import { Router } from 'express';
import type { PartnerService } from '../../services/partners';
import { requireAdmin, requirePartner } from '../auth';
import { requiredBody } from '../../services/validate';

export function partnersRouter(partners: PartnerService): Router {
  const router = Router();

  router.post('/partners', async (req, res) => {
    requireAdmin(req);
    // The key is shown this once; only its hash is stored.
    res.status(201).json(await partners.create(requiredBody(req)));
  });

  // A new key for the calling partner; the old one stops working at once.
  router.post('/partner/api-key', async (req, res) => {
    res.status(201).json(await partners.rotateApiKey(requirePartner(req)));
  });

  router.get('/partner/settings', (req, res) => {
    res.json(requirePartner(req));
  });

  router.put('/partner/settings', async (req, res) => {
    const partner = requirePartner(req);
    res.json(await partners.updateSettings(partner, requiredBody(req)));
  });

  return router;
}
