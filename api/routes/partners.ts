import { Router } from 'express';
import type { Db } from '../../db/database';
import { insertPartner, rotateApiKey, updatePartnerSettings } from '../../db/repositories/partners';
import { hashApiKey, newApiKey, requireAdmin, requirePartner } from '../auth';
import { conflict } from '../errors';
import { createPartnerBody, partnerSettingsBody } from '../schemas';
import { body } from '../validate';

export function partnersRouter(db: Db): Router {
  const router = Router();

  router.post('/partners', async (req, res) => {
    requireAdmin(req);
    const input = body(req, createPartnerBody);
    const apiKey = newApiKey();
    const partner = await insertPartner(db, { ...input, apiKeyHash: hashApiKey(apiKey) });
    if (!partner) throw conflict(`A partner with id "${input.id}" already exists.`, 'partner_exists');
    // The key is shown this once; only its hash is stored.
    res.status(201).json({ ...partner, apiKey });
  });

  // A new key for the calling partner; the old one stops working at once.
  router.post('/partner/api-key', async (req, res) => {
    const partner = requirePartner(req);
    const apiKey = newApiKey();
    await rotateApiKey(db, partner.id, hashApiKey(apiKey));
    res.status(201).json({ id: partner.id, apiKey });
  });

  router.get('/partner/settings', (req, res) => {
    res.json(requirePartner(req));
  });

  router.put('/partner/settings', async (req, res) => {
    const partner = requirePartner(req);
    const settings = body(req, partnerSettingsBody);
    res.json(await updatePartnerSettings(db, partner.id, settings));
  });

  return router;
}
