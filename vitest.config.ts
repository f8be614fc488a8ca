// One suite, two backends: every test file runs once on the embedded PGlite and once on a real
// PostgreSQL server (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
// HUB_TEST_BACKENDS=pglite (or postgres) narrows the run, e.g. on a machine without PostgreSQL.
//
// The fault suite (test/faults: real hub processes killed, fuzzed and cut off from their database)
// has projects of its own, `faults-pglite` and `faults-postgres`, which `npm test` runs after the
// rest and one file at a time: its timing assertions (a hub back within 5 s of its database) must
// not compete for two cores with a hundred other test files.
import { defineConfig } from 'vitest/config';

const backends = (process.env.HUB_TEST_BACKENDS ?? 'pglite,postgres').split(',').map((name) => name.trim()).filter(Boolean);
const FAULTS = 'test/faults/**/*.test.ts';

export default defineConfig({
  test: {
    projects: backends.flatMap((backend) => {
      const shared = {
        env: { HUB_TEST_BACKEND: backend },
        globalSetup: backend === 'postgres' ? ['./test/helpers/postgres-global-setup.ts'] : [],
      };
      return [
        { extends: true, test: { ...shared, name: backend, include: ['test/**/*.test.ts', 'adapters/**/*.test.ts'], exclude: [FAULTS] } },
        { extends: true, test: { ...shared, name: `faults-${backend}`, include: [FAULTS] } },
      ];
    }),
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
