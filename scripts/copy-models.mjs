// Copies the face model weights the kiosk uses from npm packages into models/, with a manifest of
// sizes and SHA-256 digests: the face-api nets from @vladmandic/face-api, and the two passive
// liveness nets from @vladmandic/human. Runs at install (postinstall): weights never come from
// the network at run time.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'models');
const sources = [
  {
    pkg: '@vladmandic/face-api',
    folder: 'model',
    files: [
      'ssd_mobilenetv1_model',
      'face_landmark_68_model',
      'face_recognition_model',
      'tiny_face_detector_model',
      'face_landmark_68_tiny_model',
    ].flatMap((name) => [`${name}-weights_manifest.json`, `${name}.bin`]),
  },
  {
    pkg: '@vladmandic/human',
    folder: 'models',
    files: ['antispoof.json', 'antispoof.bin', 'liveness.json', 'liveness.bin'],
  },
];
/** A package's folder, found from its entry point (not every package exports package.json). */
function packageDir(pkg) {
  for (let dir = dirname(require.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === pkg) return dir;
  }
  throw new Error(`cannot find the folder of ${pkg}`);
}
mkdirSync(target, { recursive: true });
const files = {};
const from = [];
for (const { pkg, folder, files: names } of sources) {
  const pkgDir = packageDir(pkg);
  for (const file of names) {
    const source = join(pkgDir, folder, file);
    if (!existsSync(source)) throw new Error(`model file missing from ${pkg}: ${file}`);
    copyFileSync(source, join(target, file));
    const bytes = readFileSync(join(target, file));
    files[file] = {
      source: pkg,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }
  const { version, license } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  from.push({ package: `${pkg}@${version}`, license });
}
writeFileSync(join(target, 'manifest.json'), JSON.stringify({ from, files }, null, 2) + '\n');
console.log(`face models copied to ${target}`);
