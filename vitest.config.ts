import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,face,hardware,gateway,host,electron,renderer,scripts}/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
