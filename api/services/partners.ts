/**
 * What can be done with partners: the JSON API (api/routes/partners.ts) and the partner portal's
 * settings page call these same functions, so the rules (the settings schema, one key shown once)
 * exist once. Refusals are HttpErrors (api/errors.ts).
 */
import type { Db } from '../../db/database';
import { insertPartner, rotateApiKey, updatePartnerSettings, type Partner } from '../../db/repositories/partners';
import { hashApiKey, newApiKey } from './credentials';
import { conflict, HttpError } from './errors';
import { createPartnerBody, partnerSettingsBody } from '../schemas';
import { parse } from '../validate';

export interface PartnerService {
  /** Admin: a new partner with its API key, which is returned this once (only its hash is kept). */
  create(input: unknown): Promise<Partner & { apiKey: string }>;
  /** A new key for the partner: the old one, and every portal session signed in with it, end at once. */
  rotateApiKey(partner: Partner): Promise<{ id: string; apiKey: string }>;
  updateSettings(partner: Partner, input: unknown): Promise<Partner>;
}

export function createPartnerService(db: Db): PartnerService {
  return {
    async create(rawInput) {
      const input = parse(createPartnerBody, rawInput ?? {}, 'body');
      const apiKey = newApiKey();
      const partner = await insertPartner(db, { ...input, apiKeyHash: hashApiKey(apiKey) });
      if (!partner) throw conflict(`A partner with id "${input.id}" already exists.`, 'partner_exists');
      return { ...partner, apiKey };
    },

    async rotateApiKey(partner) {
      const apiKey = newApiKey();
      await rotateApiKey(db, partner.id, hashApiKey(apiKey));
      return { id: partner.id, apiKey };
    },

    async updateSettings(partner, rawInput) {
      const settings = parse(partnerSettingsBody, rawInput ?? {}, 'body');
      const updated = await updatePartnerSettings(db, partner.id, settings);
      // The partner was found by its key a moment ago; gone now means it was removed meanwhile.
      if (!updated) throw new HttpError(401, 'unauthorized', 'This partner no longer exists.');
      return updated;
    },
  };
}
