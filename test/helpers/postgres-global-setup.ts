/**
 * Runs once per test run for the postgres project: builds a migrated template database, so every
 * test file can get a fresh copy with one CREATE DATABASE … TEMPLATE (milliseconds, not a migration).
 */
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/database.js';
import { adminDatabaseUrl, databaseUrlFor } from './postgres-urls.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresTemplateDatabase: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const template = `hub_test_template_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`The postgres test project needs PostgreSQL at ${adminDatabaseUrl()} (set TEST_DATABASE_URL, or run only the embedded backend with HUB_TEST_BACKENDS=pglite): ${(error as Error).message}`, { cause: error });
  }
  await dropStaleTestDatabases(admin);
  await admin.query(`create database "${template}"`);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrlFor(template), max: 1 }) }) });
  await migrateToLatest(db);
  await db.destroy();
  project.provide('postgresTemplateDatabase', template);
  return async () => {
    await admin.query(`drop database if exists "${template}" with (force)`);
    await admin.end();
  };
}

/** Databases left behind by runs that were killed before their teardown (older than an hour). */
async function dropStaleTestDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `select datname from pg_database where datname like 'hub_test_%'
       and (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '1 hour'`,
  );
  for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
}
