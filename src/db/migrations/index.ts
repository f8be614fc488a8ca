/**
 * @module The list of migrations, imported statically so the same list works under tsx, in a
 * bundle and in tests. Add each new migration here, named by its timestamp.
 */
import type { Migration } from 'kysely';
import * as createCoreTables from './2026_11_21_120000_create_core_tables.js';

export const migrations: Record<string, Migration> = {
  '2026_11_21_120000_create_core_tables': createCoreTables,
};
