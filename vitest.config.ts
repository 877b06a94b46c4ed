import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './scripts/slow-first-sequencer.ts';

export default defineConfig({
  test: {
    include: ['{core,face,hardware,gateway,host,electron,renderer,scripts}/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A fresh process per file cost ~0.5 s each, most of it importing the same modules again:
    // over the 150 files that was 255 s of wall time against 201 s reusing each worker's
    // process (docs/performance.md, seventh pass). The suite passes in any file order
    // (checked with --sequence.shuffle.files); a test that changes process state restores it.
    isolate: false,
    sequence: { sequencer: SlowFirstSequencer },
    // Vitest runs cores - 1 files at once by default: one at a time on the kiosk's 2-core CI
    // machine, with a core idle while a file waits on its processes, sockets and face workers.
    // Two at a time: 22.6 min against 32.8 for one, the same machine under the same heavy load
    // (docs/performance.md).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
