import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database';
import * as initial from './migrations/2026-11-29-001-initial';
import * as sentMailHealthIndex from './migrations/2026-11-29-002-sent-mail-health-index';
import * as portalSessions from './migrations/2026-11-29-003-portal-sessions';
import * as listIndexes from './migrations/2026-11-29-004-list-indexes';
import * as sentMailPendingRecipients from './migrations/2026-11-30-001-sent-mail-pending-recipients';
import * as rateLimits from './migrations/2026-12-01-001-rate-limits';
import * as webhooks from './migrations/2026-12-02-001-webhooks';
import * as partnerUsers from './migrations/2026-12-03-001-partner-users';
import * as answerLinks from './migrations/2026-12-04-001-answer-links';
import * as partnerRequestCounts from './migrations/2026-12-05-001-partner-request-counts';

/** Every migration, in order. Listed here rather than read from disk, so bundling cannot lose one. */
const migrations: Record<string, Migration> = {
  '2026-11-29-001-initial': initial,
  '2026-11-29-002-sent-mail-health-index': sentMailHealthIndex,
  '2026-11-29-003-portal-sessions': portalSessions,
  '2026-11-29-004-list-indexes': listIndexes,
  '2026-11-30-001-sent-mail-pending-recipients': sentMailPendingRecipients,
  '2026-12-01-001-rate-limits': rateLimits,
  '2026-12-02-001-webhooks': webhooks,
  '2026-12-03-001-partner-users': partnerUsers,
  '2026-12-04-001-answer-links': answerLinks,
  '2026-12-05-001-partner-request-counts': partnerRequestCounts,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies the pending migrations up to and including `name`: tests of what a migration does to rows there before it. */
export async function migrateTo(db: Db, name: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Applies every pending migration; safe to run from several processes at once (kysely locks). */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
