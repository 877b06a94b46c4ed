/**
 * Where the simulated camera's people (and the simulator's enrolment photos) come from: the
 * team's shared fixtures when they are there (KIOSK_SHARED_DIR, default ../shared beside the
 * project), else the composite demo people drawn at install (demo-faces/, from
 * scripts/make-demo-faces.ts), so a fresh clone still has patients who pay by face.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type FixturesSource = 'shared' | 'demo' | 'none';

export interface FixturesChoice {
  /** With source 'none', the shared path, so errors name where the photos were looked for. */
  dir: string;
  source: FixturesSource;
}

export function resolveFixturesDir(o: {
  projectRoot: string;
  env: Readonly<Record<string, string | undefined>>;
  exists?: (path: string) => boolean;
}): FixturesChoice {
  const exists = o.exists ?? existsSync;
  const sharedDir = o.env.KIOSK_SHARED_DIR || join(o.projectRoot, '..', 'shared');
  const shared = join(resolve(o.projectRoot, sharedDir), 'fixtures', 'faces');
  if (exists(shared)) return { dir: shared, source: 'shared' };
  const demo = join(o.projectRoot, 'demo-faces');
  if (exists(demo)) return { dir: demo, source: 'demo' };
  return { dir: shared, source: 'none' };
}
