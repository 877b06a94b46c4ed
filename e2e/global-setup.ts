import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FAKE_CAMERA_FILE } from '../playwright.config.ts';
import { writeY4m } from './y4m.ts';

export default function globalSetup(): void {
  mkdirSync(dirname(FAKE_CAMERA_FILE), { recursive: true });
  writeY4m(
    join(import.meta.dirname, '..', '..', 'shared', 'fixtures', 'faces', 'sheldon', '3.png'),
    FAKE_CAMERA_FILE,
  );
}
