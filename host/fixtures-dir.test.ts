import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveFixturesDir } from './fixtures-dir.ts';

describe('resolveFixturesDir', () => {
  let top: string;
  let project: string;
  beforeEach(() => {
    top = mkdtempSync(join(tmpdir(), 'fixtures-dir-'));
    project = join(top, 'main');
    mkdirSync(project);
  });
  afterEach(() => rmSync(top, { recursive: true, force: true }));

  it('takes ../shared/fixtures/faces beside the project when it is there', () => {
    mkdirSync(join(top, 'shared', 'fixtures', 'faces'), { recursive: true });
    mkdirSync(join(project, 'demo-faces'));
    expect(resolveFixturesDir({ projectRoot: project, env: {} })).toEqual({
      dir: join(top, 'shared', 'fixtures', 'faces'),
      source: 'shared',
    });
  });

  it('takes KIOSK_SHARED_DIR instead of ../shared, relative to the project or absolute', () => {
    mkdirSync(join(top, 'elsewhere', 'fixtures', 'faces'), { recursive: true });
    mkdirSync(join(top, 'shared', 'fixtures', 'faces'), { recursive: true });
    const absolute = { KIOSK_SHARED_DIR: join(top, 'elsewhere') };
    expect(resolveFixturesDir({ projectRoot: project, env: absolute }).dir).toBe(
      join(top, 'elsewhere', 'fixtures', 'faces'),
    );
    const relative = { KIOSK_SHARED_DIR: '../elsewhere' };
    expect(resolveFixturesDir({ projectRoot: project, env: relative })).toEqual({
      dir: join(top, 'elsewhere', 'fixtures', 'faces'),
      source: 'shared',
    });
  });

  it('falls back to the demo people when the shared folder has no faces', () => {
    mkdirSync(join(top, 'empty'));
    mkdirSync(join(project, 'demo-faces'));
    const env = { KIOSK_SHARED_DIR: join(top, 'empty') };
    expect(resolveFixturesDir({ projectRoot: project, env })).toEqual({
      dir: join(project, 'demo-faces'),
      source: 'demo',
    });
  });

  it("says 'none' with neither, and names the shared path it looked for", () => {
    expect(resolveFixturesDir({ projectRoot: project, env: {} })).toEqual({
      dir: join(top, 'shared', 'fixtures', 'faces'),
      source: 'none',
    });
  });

  it('asks the existence check only about the two places', () => {
    const asked: string[] = [];
    const choice = resolveFixturesDir({
      projectRoot: '/p/main',
      env: {},
      exists: (path) => (asked.push(path), false),
    });
    expect(asked).toEqual(['/p/shared/fixtures/faces', '/p/main/demo-faces']);
    expect(choice.source).toBe('none');
  });
});
