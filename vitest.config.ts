import { defineConfig } from 'vitest/config';

/**
 * Two projects: the whole suite under the clinic's zone, and every date-sensitive suite again under
 * UTC — "today" must be the calendar day in CLINIC_TIMEZONE whatever the process zone is.
 */
const DATE_SENSITIVE = [
  'src/**/*.test.ts',
  'test/unit/**/*.test.ts',
  'test/clinical/**/*.test.ts',
  'test/calendar/**/*.test.ts',
  'test/referral/**/*.test.ts',
  'test/render/**/*.test.ts',
  'test/engine/**/*.test.ts',
  'test/orders/**/*.test.ts',
  'test/nipt/**/*.test.ts',
  'test/registry/**/*.test.ts',
  'test/qc/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/corpus/**/*.test.ts',
  // a revised EDD across two visits three days apart: the notice re-link and the case's days
  'test/http/qc-pregnancy-identity.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'tz-shanghai',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
          env: { TZ: 'Asia/Shanghai' },
        },
      },
      {
        extends: true,
        test: {
          name: 'tz-utc',
          include: DATE_SENSITIVE,
          exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
          env: { TZ: 'UTC' },
        },
      },
    ],
  },
});
