/** A fresh, migrated database per test file on the PostgreSQL server the tests use. */
import crypto from 'node:crypto';
import pg from 'pg';
import { createDatabase, type Db } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';

export function adminDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `lr_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  const db = createDatabase(url.toString(), { maxConnections: 5 });
  if (options.migrate !== false) await migrateToLatest(db);
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.destroy();
      const again = new pg.Client({ connectionString: adminDatabaseUrl() });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

/** Partners for tests that only need them to exist: each id is also its name, address and key hash. */
export async function insertTestPartners(db: Db, ids: readonly string[]): Promise<void> {
  await db
    .insertInto('partner')
    .values(
      ids.map((id) => ({
        id,
        name: id,
        notification_email: `${id}@p.test`,
        locale: 'sv' as const,
        api_key_hash: id,
      })),
    )
    .execute();
}
