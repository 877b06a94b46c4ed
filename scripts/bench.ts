/**
 * npm run bench: one JSON object per line, one per figure. Timings are noisy on shared
 * machines, so each figure also carries its ratio to a baseline measured in the same run (a
 * fixed pure-JS workload: bilinear resize of a 640x480 frame).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRAME_HEIGHT, FRAME_WIDTH } from '../hardware/camera/simulated-camera.ts';
import { FaceEngine, projectRoot } from '../hardware/face/face-engine.ts';
import { DESCRIPTOR_LENGTH, FaceGallery } from '../hardware/face/gallery.ts';
import { compose, decodeImage, resize } from '../hardware/face/image.ts';

const fixtures = join(projectRoot, '..', 'shared', 'fixtures', 'faces');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeEach(n: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

function emit(
  figure: string,
  value: number,
  unit: string,
  baselineMs?: number,
  extra: object = {},
) {
  const line: Record<string, unknown> = {
    figure,
    value: Math.round(value * 100) / 100,
    unit,
    ...extra,
  };
  if (baselineMs) line.ratio_to_baseline = Math.round((value / baselineMs) * 100) / 100;
  console.log(JSON.stringify(line));
}

const frameOf = (person: string, photo: string) =>
  compose(
    FRAME_WIDTH,
    FRAME_HEIGHT,
    decodeImage(readFileSync(join(fixtures, person, photo))),
    (FRAME_HEIGHT * 0.45) / 150,
  );

const probeFrame = frameOf('sheldon', '3.png');
const baseline = median(await timeEach(15, () => resize(probeFrame, 320, 240)));
emit('baseline_resize_640x480_ms', baseline, 'ms');

const load = performance.now();
const engine = await FaceEngine.load();
emit('model_load_ms', performance.now() - load, 'ms', baseline, { backend: engine.backend });

const gallery = new FaceGallery();
for (const person of ['sheldon', 'leonard', 'penny', 'howard', 'raj', 'amy', 'bernadette']) {
  const [face] = await engine.detectAll(decodeImage(readFileSync(join(fixtures, person, '1.png'))));
  if (face) gallery.add(person, face.descriptor);
}
await engine.detectAll(probeFrame); // warm-up: first inference compiles kernels
const identify = await timeEach(7, async () => {
  const [face] = await engine.detectAll(probeFrame);
  if (face) gallery.identify(face.descriptor, { threshold: 0.5, margin: 0.06 });
});
emit('identify_640x480_ms_median', median(identify), 'ms', baseline, { frames: identify.length });

const big = new FaceGallery();
const template = new Float32Array(DESCRIPTOR_LENGTH);
let seed = 1;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 0.2 - 0.1;
for (let i = 0; i < 100_000; i++) {
  for (let k = 0; k < DESCRIPTOR_LENGTH; k++) template[k] = random();
  big.add(`p${i}`, template);
}
const search = await timeEach(5, () => big.search(template, 2));
emit('search_1e5_templates_ms_median', median(search), 'ms', baseline);
