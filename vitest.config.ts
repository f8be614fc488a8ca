// One suite, two backends: every test file runs once on the embedded PGlite and once on a real
// PostgreSQL server (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
// HUB_TEST_BACKENDS=pglite (or postgres) narrows the run, e.g. on a machine without PostgreSQL.
import { defineConfig } from 'vitest/config';

const backends = (process.env.HUB_TEST_BACKENDS ?? 'pglite,postgres').split(',').map((name) => name.trim()).filter(Boolean);

export default defineConfig({
  test: {
    projects: backends.map((backend) => ({
      extends: true,
      test: {
        name: backend,
        env: { HUB_TEST_BACKEND: backend },
        globalSetup: backend === 'postgres' ? ['./test/helpers/postgres-global-setup.ts'] : [],
      },
    })),
    include: ['test/**/*.test.ts', 'adapters/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
