/**
 * Draws the demo people into demo-faces/ at install (postinstall, after copy-models), so a clone
 * without ../shared still has patients who pay by face. No photo is in the repository: the faces
 * come from @vladmandic/face-api's demo photos, as the model weights come from npm packages, and
 * each demo person is the average of three of those faces (hardware/camera/demo-faces.json).
 *
 *   node --import tsx scripts/make-demo-faces.ts
 *
 * A source whose digest differs from the recipe's (another package version) is reported on one
 * line and the demo people are skipped: the install never fails for them.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toPng } from '../hardware/camera/composite.ts';
import {
  groupPhoto,
  LOOKS,
  personPhoto,
  readRecipe,
  type DemoRecipe,
} from '../hardware/camera/demo-faces.ts';
import { decodeImage, type Frame } from '../hardware/camera/image.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'demo-faces');
const require = createRequire(import.meta.url);

/** The source photos by id, or why they cannot be used. */
function loadSources(recipe: DemoRecipe): Map<string, Frame> | string {
  const frames = new Map<string, Frame>();
  for (const source of recipe.sources) {
    let file: string;
    try {
      file = join(dirname(require.resolve(`${source.package}/package.json`)), source.path);
    } catch {
      return `${source.package} is not installed`;
    }
    if (!existsSync(file)) return `${source.package} has no ${source.path}`;
    const bytes = readFileSync(file);
    if (createHash('sha256').update(bytes).digest('hex') !== source.sha256)
      return `${source.package}/${source.path} is not the photo the recipe was made from (${source.package}@${source.version})`;
    frames.set(source.id, decodeImage(bytes));
  }
  return frames;
}

function readme(recipe: DemoRecipe): string {
  const sources = [...new Set(recipe.sources.map((s) => `${s.package}@${s.version}`))];
  const licenses = [...new Set(recipe.sources.map((s) => s.license))];
  return [
    '# demo-faces/ (generated at install, not in git)',
    '',
    `Drawn by scripts/make-demo-faces.ts from the demo photos of ${sources.join(', ')}`,
    `(licence: ${licenses.join(', ')}), after hardware/camera/demo-faces.json.`,
    '',
    'Each demo person is a composite: the average of three faces from different photos, aligned',
    "on the eyes and mouth, so no demo patient is any one real person's face (each photo is at",
    'least as far from every real face, by the face engine, as the two nearest real people are',
    'from each other). Photos 1-5 of a person differ as photos of different days do (weights of',
    'the three faces, size, tilt, light, one mirrored).',
    '_group/1.png shows three demo people side by side.',
    '',
    'The kiosk uses these when ../shared/fixtures/faces (KIOSK_SHARED_DIR) is absent.',
    '',
  ].join('\n');
}

function main(): void {
  const recipe = readRecipe(root);
  const sources = loadSources(recipe);
  if (typeof sources === 'string') {
    console.log(`demo faces skipped: ${sources}`);
    return;
  }
  rmSync(target, { recursive: true, force: true });
  for (const person of Object.keys(recipe.people)) {
    mkdirSync(join(target, person), { recursive: true });
    for (let n = 1; n <= LOOKS.length; n++)
      writeFileSync(
        join(target, person, `${n}.png`),
        toPng(personPhoto(recipe, sources, person, n)),
      );
  }
  mkdirSync(join(target, '_group'), { recursive: true });
  const three = Object.keys(recipe.people).slice(0, 3);
  writeFileSync(join(target, '_group', '1.png'), toPng(groupPhoto(recipe, sources, three)));
  writeFileSync(join(target, 'README.md'), readme(recipe));
  console.log(`demo faces drawn to ${target}`);
}

try {
  main();
} catch (error) {
  // The demo people are a convenience for clones: never the reason an install fails.
  console.log(`demo faces skipped: ${error instanceof Error ? error.message : String(error)}`);
}
