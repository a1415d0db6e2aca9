/**
 * What can be done with partners: the JSON API (api/routes/partners.ts, the bearer authentication)
 * and the partner portal (sign-in, settings page) call these same functions, so the rules (the
 * settings schema, one key shown once, how a key is looked up) exist once. Refusals are HttpErrors
 * (api/services/errors.ts).
 */
import type { Db } from '../../db/database';
import type { PartnerRow } from '../../db/schema';
import {
  findPartnerByApiKeyHash,
  insertPartner,
  rotateApiKey,
  updatePartnerSettings,
} from '../../db/repositories/partners';
import type { Locale } from '../../domain/locale';
import { hashApiKey, newApiKey } from './credentials';
import { conflict, HttpError } from './errors';
import { createPartnerBody, partnerSettingsBody } from '../schemas';
import { parse } from '../validate';

/** A partner as callers see it (GET /v1/partner/settings): never its key's hash. */
export interface Partner {
  id: string;
  name: string;
  notificationEmail: string;
  locale: Locale;
}

export function toPartner(row: Pick<PartnerRow, 'id' | 'name' | 'notification_email' | 'locale'>): Partner {
  return { id: row.id, name: row.name, notificationEmail: row.notification_email, locale: row.locale };
}

/** Longer than any key we hand out: not worth a lookup. */
const MAX_API_KEY_LENGTH = 200;

export interface PartnerService {
  /** Admin: a new partner with its API key, which is returned this once (only its hash is kept). */
  create(input: unknown): Promise<Partner & { apiKey: string }>;
  /** The partner whose API key this is, if any (the API's bearer token, the portal's sign-in). */
  findByApiKey(apiKey: string): Promise<Partner | undefined>;
  /** A new key for the partner: the old one, and every portal session signed in with it, end at once. */
  rotateApiKey(partner: Partner): Promise<{ id: string; apiKey: string }>;
  updateSettings(partner: Partner, input: unknown): Promise<Partner>;
}

export function createPartnerService(db: Db): PartnerService {
  return {
    async create(rawInput) {
      const input = parse(createPartnerBody, rawInput ?? {}, 'body');
      const apiKey = newApiKey();
      const row = await insertPartner(db, { ...input, apiKeyHash: hashApiKey(apiKey) });
      if (!row) throw conflict(`A partner with id "${input.id}" already exists.`, 'partner_exists');
      return { ...toPartner(row), apiKey };
    },

    async findByApiKey(apiKey) {
      if (apiKey.length > MAX_API_KEY_LENGTH) return undefined;
      const row = await findPartnerByApiKeyHash(db, hashApiKey(apiKey));
      return row && toPartner(row);
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
      return toPartner(updated);
    },
  };
}
