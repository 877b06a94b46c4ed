// Copies the face model weights the kiosk uses from the @vladmandic/face-api npm package into
// models/, with a manifest of sizes and SHA-256 digests. Runs at install (postinstall): weights
// never come from the network at run time.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = dirname(require.resolve('@vladmandic/face-api/package.json'));
const source = join(pkgDir, 'model');
const target = join(root, 'models');
const models = [
  'ssd_mobilenetv1_model',
  'face_landmark_68_model',
  'face_recognition_model',
  'tiny_face_detector_model',
  'face_landmark_68_tiny_model',
];
mkdirSync(target, { recursive: true });
const files = {};
for (const name of models) {
  for (const file of [`${name}-weights_manifest.json`, `${name}.bin`]) {
    if (!existsSync(join(source, file)))
      throw new Error(`model file missing from @vladmandic/face-api: ${file}`);
    copyFileSync(join(source, file), join(target, file));
    const bytes = readFileSync(join(target, file));
    files[file] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
}
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
writeFileSync(
  join(target, 'manifest.json'),
  JSON.stringify({ source: `@vladmandic/face-api@${version}`, license: 'MIT', files }, null, 2) +
    '\n',
);
console.log(`face models copied to ${target}`);
