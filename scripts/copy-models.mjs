// Copies the face model weights the kiosk uses from the @vladmandic/face-api npm package into
// models/. Runs at install (postinstall): weights never come from the network at run time.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const target = join(root, 'models');
const models = [
  'ssd_mobilenetv1_model',
  'face_landmark_68_model',
  'face_recognition_model',
  'tiny_face_detector_model',
  'face_landmark_68_tiny_model',
];
mkdirSync(target, { recursive: true });
for (const name of models) {
  for (const file of [`${name}-weights_manifest.json`, `${name}.bin`]) {
    if (!existsSync(join(source, file)))
      throw new Error(`model file missing from @vladmandic/face-api: ${file}`);
    copyFileSync(join(source, file), join(target, file));
  }
}
console.log(`face models copied to ${target}`);
