/**
 * Writes hardware/camera/demo-faces.json, the recipe of the demo people (a dev tool, run by hand
 * when the source package changes; the JSON is committed, the photos are drawn at install):
 *
 *   node --import tsx scripts/demo-faces-recipe.ts && npx prettier --write hardware/camera/demo-faces.json
 *
 * It finds every face in @vladmandic/face-api's six demo photos with the kiosk's own engine,
 * keeps their eye and mouth centres, and deals them out to the 7 demo people, 3 faces from 3
 * different photos each, so that the 7 composites are as far apart as the engine can tell:
 * a seeded local search on the mean of the faces' descriptors, then the best few deals drawn
 * for real and measured, the one whose probes are furthest nearer their own person kept.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseConfig } from '../core/config.ts';
import { ENROLLMENT_QUALITY, euclidean } from '../face/enrollment.ts';
import { assessQuality } from '../face/quality.ts';
import { FaceEngine, projectRoot } from '../face/face-engine.ts';
import { seededRandom } from '../face/liveness.ts';
import { faceKeyPoints } from '../hardware/camera/composite.ts';
import {
  compositePhoto,
  DEMO_PEOPLE,
  type DemoRecipe,
  LOOKS,
  type PhotoLook,
  recipePath,
} from '../hardware/camera/demo-faces.ts';
import { compose, decodeImage, type Frame } from '../hardware/camera/image.ts';
import { FRAME_HEIGHT, FRAME_WIDTH } from '../hardware/camera/simulated-camera.ts';

const PACKAGE = '@vladmandic/face-api';
const SAMPLES = [1, 2, 3, 4, 5, 6].map((n) => `demo/sample${n}.jpg`);
const PER_PERSON = Number(process.env.DEMO_FACES_PER_PERSON ?? 3);
const RESTARTS = 400;
const MEASURED_DEALS = 16;

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve(`${PACKAGE}/package.json`));
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
};
const engine = await FaceEngine.load({});
// A simulator kiosk's SSD input size, so the figures are the ones the kiosk would see.
const { ssdInputSize } = parseConfig({}).face;

/** As the simulated camera shows a person's photo: 45% of a 640x480 frame's height. */
const onCamera = (photo: Frame): Frame =>
  compose(
    FRAME_WIDTH,
    FRAME_HEIGHT,
    photo,
    Math.min((FRAME_HEIGHT * 0.45) / photo.height, (FRAME_WIDTH * 0.9) / photo.width),
  );
async function descriptorOf(photo: Frame): Promise<Float32Array | undefined> {
  return (await engine.detectAll(onCamera(photo), { ssdInputSize }))[0]?.descriptor;
}

// 1. The sources and every face in them, left to right.
const recipe: DemoRecipe = { note: '', sources: [], faces: [], people: {}, measured: {} };
const frames = new Map<string, Frame>();
for (const [i, path] of SAMPLES.entries()) {
  const bytes = readFileSync(join(pkgDir, path));
  const id = `sample${i + 1}`;
  recipe.sources.push({
    id,
    package: PACKAGE,
    version: pkg.version,
    license: pkg.license,
    path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
  const frame = decodeImage(bytes);
  frames.set(id, frame);
  const found = await engine.detectAll(frame);
  found.sort((a, b) => a.box.x - b.box.x);
  for (const [j, face] of found.entries()) {
    const k = faceKeyPoints(face.landmarks);
    const r = (v: number) => Math.round(v * 10) / 10;
    recipe.faces.push({
      id: `s${i + 1}f${j + 1}`,
      source: id,
      eyeLeft: [r(k.eyeLeft.x), r(k.eyeLeft.y)],
      eyeRight: [r(k.eyeRight.x), r(k.eyeRight.y)],
      mouth: [r(k.mouth.x), r(k.mouth.y)],
    });
  }
  console.log(
    `${path}: ${found.length} faces, widths ${found.map((f) => Math.round(f.box.width))}`,
  );
}

// 2. Each face alone, aligned as in photo 1: its descriptor.
const single = new Map<string, Float32Array>();
for (const face of recipe.faces) {
  const d = await descriptorOf(compositePhoto(recipe, frames, [face.id], LOOKS[0]!));
  if (d) single.set(face.id, d);
  else console.log(`${face.id}: no face found once aligned; left out`);
}
const usable = recipe.faces.filter((f) => single.has(f.id));
const sourceOf = new Map(usable.map((f) => [f.id, f.source]));

// 3. Deals: person p gets faces deal[p*PER_PERSON ...]; a person's faces come from different
// photos. Scored by the nearest two people's distance between their faces' mean descriptors.
type Deal = string[];
const people = DEMO_PEOPLE.length;
const slots = people * PER_PERSON;
function valid(deal: Deal, p: number): boolean {
  const srcs = deal.slice(p * PER_PERSON, (p + 1) * PER_PERSON).map((id) => sourceOf.get(id));
  return new Set(srcs).size === srcs.length;
}
function meanOf(ids: string[]): Float32Array {
  const out = new Float32Array(128);
  for (const id of ids) {
    const d = single.get(id)!;
    for (let k = 0; k < out.length; k++) out[k] = out[k]! + d[k]! / ids.length;
  }
  return out;
}
function minDistance(descriptors: Float32Array[]): number {
  let min = Infinity;
  for (let i = 0; i < descriptors.length; i++)
    for (let j = i + 1; j < descriptors.length; j++)
      min = Math.min(min, euclidean(descriptors[i]!, descriptors[j]!));
  return min;
}
const personFaces = (deal: Deal, p: number) => deal.slice(p * PER_PERSON, (p + 1) * PER_PERSON);
const score = (deal: Deal) => minDistance(DEMO_PEOPLE.map((_, p) => meanOf(personFaces(deal, p))));

const random = seededRandom(20261130);
const found = new Map<string, { deal: Deal; score: number }>();
for (let restart = 0; restart < RESTARTS; restart++) {
  let deal: Deal;
  do {
    deal = usable.map((f) => f.id);
    for (let i = deal.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deal[i], deal[j]] = [deal[j]!, deal[i]!];
    }
  } while (!DEMO_PEOPLE.every((_, p) => valid(deal, p)));
  let best = score(deal);
  for (let improved = true; improved;) {
    improved = false;
    for (let i = 0; i < slots; i++) {
      for (let j = i + 1; j < deal.length; j++) {
        const next = [...deal];
        [next[i], next[j]] = [next[j]!, next[i]!];
        const pi = Math.floor(i / PER_PERSON);
        const pj = Math.floor(j / PER_PERSON);
        if (!valid(next, pi) || (pj < people && !valid(next, pj))) continue;
        const s = score(next);
        if (s > best + 1e-6) [deal, best, improved] = [next, s, true];
      }
    }
  }
  // The same people in another order are the same deal.
  const key = DEMO_PEOPLE.map((_, p) => personFaces(deal, p).sort().join('+'))
    .sort()
    .join(' ');
  found.set(key, { deal, score: best });
}
const ranked = [...found.values()].sort((a, b) => b.score - a.score).slice(0, MEASURED_DEALS);

// 4. The best deals drawn for real, every photo, measured by the engine as the kiosk would:
// photos 3-5 against photos 1-2. Kept: the deal whose worst own distance is furthest below its
// nearest other person, among those whose photos 1-2 the enrolment gate accepts and whose every
// photo is at least nearestRealPair from every real face.
async function realDescriptors(deal: Deal, look: PhotoLook): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let p = 0; p < people; p++) {
    const d = await descriptorOf(compositePhoto(recipe, frames, personFaces(deal, p), look));
    if (!d) throw new Error(`no face found in composite ${personFaces(deal, p).join('+')}`);
    out.push(d);
  }
  return out;
}
// The engine's distance between the two nearest different real people in the photos: a demo
// person must be at least this far from every real face, so the engine takes no demo patient
// for a real person any more than it takes two real people for each other.
const nearestRealPair = minDistance([...single.values()]);
async function measure(
  deal: Deal,
): Promise<{ within: number; between: number; drawn: number; toReal: number }> {
  const byLook: Float32Array[][] = [];
  for (const look of LOOKS) byLook.push(await realDescriptors(deal, look));
  let toReal = Infinity;
  for (const d of byLook.flat())
    for (const real of single.values()) toReal = Math.min(toReal, euclidean(d, real));
  let within = 0;
  let between = Infinity;
  for (let p = 0; p < people; p++) {
    for (let probe = 2; probe < LOOKS.length; probe++) {
      for (let q = 0; q < people; q++) {
        const d = Math.min(...[0, 1].map((e) => euclidean(byLook[probe]![p]!, byLook[e]![q]!)));
        if (p === q) within = Math.max(within, d);
        else between = Math.min(between, d);
      }
    }
  }
  return { within, between, drawn: minDistance(byLook[0]!), toReal };
}
async function enrolmentRefusal(deal: Deal): Promise<string | undefined> {
  for (let p = 0; p < people; p++) {
    for (const look of LOOKS.slice(0, 2)) {
      const photo = compositePhoto(recipe, frames, personFaces(deal, p), look);
      const faces = await engine.detectAll(photo);
      const { reason } = assessQuality(photo, faces.slice(0, 1), ENROLLMENT_QUALITY);
      if (reason !== 'ok') return `${personFaces(deal, p).join('+')} ${reason}`;
    }
  }
  return undefined;
}
type Measured = Awaited<ReturnType<typeof measure>>;
let chosen: { deal: Deal; score: number; m: Measured } | undefined;
for (const candidate of ranked) {
  const m = await measure(candidate.deal);
  const better =
    m.toReal >= nearestRealPair &&
    (!chosen || m.between - m.within > chosen.m.between - chosen.m.within);
  const refusal = better ? await enrolmentRefusal(candidate.deal) : undefined;
  console.log(
    `deal ${candidate.score.toFixed(3)} (mean of faces): drawn ${m.drawn.toFixed(3)}, ` +
      `own worst ${m.within.toFixed(3)}, other best ${m.between.toFixed(3)}, ` +
      `nearest real face ${m.toReal.toFixed(3)}` +
      (refusal ? `, enrolment refuses ${refusal}` : ''),
  );
  if (better && !refusal) chosen = { ...candidate, m };
}
if (!chosen)
  throw new Error(
    `no deal measured is both accepted by the enrolment gate and ${nearestRealPair.toFixed(3)} ` +
      'from every real face',
  );
for (const [p, person] of DEMO_PEOPLE.entries())
  recipe.people[person] = personFaces(chosen.deal, p);
const round = (v: number) => Math.round(v * 1000) / 1000;
recipe.measured = {
  facesPerPerson: PER_PERSON,
  facesFound: recipe.faces.length,
  nearestTwoPeopleMeanOfFaces: round(chosen.score),
  nearestTwoPeopleDrawn: round(chosen.m.drawn),
  probeToOwnEnrolledWorst: round(chosen.m.within),
  probeToOtherEnrolledBest: round(chosen.m.between),
  demoToNearestRealFace: round(chosen.m.toReal),
  nearestTwoRealFaces: round(nearestRealPair),
};
recipe.note =
  'Each demo person is the average of the listed faces, aligned on eyes and mouth: no demo patient is ' +
  "any one real person's face. Coordinates only; scripts/make-demo-faces.ts draws the photos " +
  "at install. Written by scripts/demo-faces-recipe.ts; distances are the face engine's " +
  '(photos 3-5 against photos 1-2 on a simulated camera frame).';
writeFileSync(recipePath(projectRoot), JSON.stringify(recipe, null, 2) + '\n');
console.log(JSON.stringify(recipe.measured));
