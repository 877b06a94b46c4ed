/**
 * The face gallery from the gateway (K501) over real HTTP, enrolled by the real engine and cached
 * encrypted: a restart with the gateway down still knows everyone, an unchanged gallery is not
 * enrolled again, a changed one is swapped in without a restart, and no ID number is on disk.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { ClearPhotoSource, type PhotoSource, SealedPhotoStore } from '../face/photo-store.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayClient } from '../gateway/client.ts';
import { loadScenario, type Scenario } from '../gateway/simulator/scenario.ts';
import type { GatewaySimulator } from '../gateway/simulator/server.ts';
import { startTestGateway, testClientOptions } from '../gateway/testing/test-client.ts';
import { projectRoot } from '../face/face-engine.ts';
import { FaceEnginePool } from '../face/face-engine-pool.ts';
import type { FaceEngine } from '../face/face-engine.ts';
import { FileKeySource } from '../face/gallery-store.ts';
import { decodeImage } from '../hardware/camera/image.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { FaceGallerySync } from '../face/gallery-sync.ts';

const imagesDir = join(projectRoot, '..', 'shared', 'fixtures', 'faces');
const scenario = loadScenario();
const enrolled = scenario.patients.filter((p) => p.face_photos.length > 0);
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const policy = { threshold: 0.59, margin: 0.06 };

let pool: FaceEnginePool;
let dir: string;
let sims: GatewaySimulator[] = [];
let syncs: FaceGallerySync[] = [];
let frames = 0;
/**
 * The real engine, counting the photos it is given: enrolment shows up as frames. What it found
 * in a photo is kept for the next test that enrols the same photo (each test enrols the whole
 * gallery; the engine's answer for the same pixels does not change), so the file describes each
 * photo once rather than six times.
 */
const found = new Map<string, ReturnType<FaceEnginePool['detectAll']>>();
const engine: Pick<FaceEngine, 'detectAll'> = {
  detectAll: (frame, options) => {
    frames++;
    const key = `${createHash('sha256').update(frame.data).digest('hex')} ${frame.width}x${frame.height} ${JSON.stringify(options ?? {})}`;
    let answer = found.get(key);
    if (!answer) {
      answer = pool.detectAll(frame, options);
      found.set(key, answer);
      answer.catch(() => found.delete(key));
    }
    return answer;
  },
};

beforeAll(async () => {
  pool = await FaceEnginePool.start({ size: 2 });
}, 120_000);
afterAll(() => pool.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gallery-sync-'));
  frames = 0;
});
afterEach(async () => {
  for (const s of syncs) s.stop();
  syncs = [];
  for (const sim of sims) await sim.close();
  sims = [];
  rmSync(dir, { recursive: true, force: true });
});

async function gateway(s: Scenario = scenario) {
  const sim = await startTestGateway(join(dir, `gateway-${sims.length}.sqlite`), clock, s);
  sims.push(sim);
  return sim;
}

function kioskSync(
  sim: GatewaySimulator,
  keyFile = 'face-gallery.key',
  photos: PhotoSource = new ClearPhotoSource(imagesDir),
) {
  const logs: { event: string; fields?: Record<string, unknown> }[] = [];
  const client = new GatewayClient(testClientOptions(sim.url, clock, { timeoutMs: 500 }));
  const sync = new FaceGallerySync({
    fetch: async (since) => (await client.call('K501', { data: { since_version: since } })).gallery,
    sealer: (key) => new AesGcmFieldSealer(key),
    engine,
    dataDir: dir,
    keys: new FileKeySource(join(dir, keyFile)),
    photos,
    log: (event, fields) => logs.push({ event, ...(fields ? { fields } : {}) }),
  });
  syncs.push(sync);
  return { sync, logs, events: () => logs.map((l) => l.event) };
}

/** A probe descriptor of a person from a photo that was not enrolled. */
async function probe(person: string) {
  const [face] = await pool.detectAll(decodeImage(readFileSync(join(imagesDir, person, '4.png'))));
  return face!.descriptor;
}

describe('FaceGallerySync', () => {
  it('enrolls the gateway gallery, identifies by it, and keeps no ID number in a plain file', async () => {
    const sim = await gateway();
    const { sync } = kioskSync(sim);
    await sync.start();
    expect(sync.persons).toBe(enrolled.length);
    expect(frames).toBe(enrolled.reduce((n, p) => n + p.face_photos.length, 0));
    expect(sync.health()).toMatchObject({ source: 'gateway', persons: enrolled.length });
    expect(sync.health().lastSyncAt).toBeInstanceOf(Date);
    expect(sync.health().failingSince).toBeUndefined();
    const penny = enrolled.find((p) => p.face_photos[0]!.startsWith('penny/'))!;
    expect(sync.identify(await probe('penny'), policy)).toMatchObject({
      kind: 'match',
      personId: penny.psn_no,
    });
    expect(sync.idNumberOf(penny.psn_no)).toBe(penny.certno);
    expect(sync.personIdOf(penny.certno.toLowerCase())).toBe(penny.psn_no);
    for (const file of readdirSync(dir).filter((f) => f.startsWith('face-gallery'))) {
      const bytes = readFileSync(join(dir, file)).toString('latin1');
      for (const p of enrolled) expect(bytes).not.toContain(p.certno);
    }
  });

  it('production: photos dropped in the inbox are sealed, the inbox emptied, everyone enrolled', async () => {
    const sim = await gateway();
    const inbox = join(dir, 'inbox');
    for (const p of enrolled)
      for (const photo of p.face_photos) cpSync(join(imagesDir, photo), join(inbox, photo));
    const photos = new SealedPhotoStore({
      inbox,
      dir: join(dir, 'face-photos'),
      sealer: new AesGcmFieldSealer(randomBytes(32)),
      log: () => undefined,
    });
    const { sync } = kioskSync(sim, 'face-gallery.key', photos);
    await sync.start();
    expect(sync.persons).toBe(enrolled.length);
    // Nothing left in clear: every photo is in the store, sealed.
    for (const p of enrolled)
      for (const photo of p.face_photos) {
        expect(existsSync(join(inbox, photo))).toBe(false);
        const sealedFile = readFileSync(join(dir, 'face-photos', `${photo}.sealed`), 'latin1');
        const clear = readFileSync(join(imagesDir, photo));
        expect(sealedFile.startsWith('enc1:')).toBe(true);
        expect(sealedFile).not.toContain(clear.toString('base64').slice(200, 260));
        expect(sealedFile).not.toContain(clear.subarray(200, 260).toString('latin1'));
      }
    const penny = enrolled.find((p) => p.face_photos[0]!.startsWith('penny/'))!;
    expect(sync.identify(await probe('penny'), policy)).toMatchObject({
      kind: 'match',
      personId: penny.psn_no,
    });
  });

  it('a restart while the gateway is down knows everyone from the cache, enrolling nothing', async () => {
    const sim = await gateway();
    await kioskSync(sim).sync.start();
    await sim.stop();
    frames = 0;
    const restarted = kioskSync(sim);
    await restarted.sync.start();
    expect(restarted.events()).toEqual(['face.gallery.cached', 'face.gallery.sync-failed']);
    expect(frames).toBe(0);
    // Staff see that it runs on the cache, and since when the gateway has not answered.
    expect(restarted.sync.health()).toMatchObject({ source: 'cache', persons: enrolled.length });
    expect(restarted.sync.health().failingSince).toBeInstanceOf(Date);
    expect(restarted.sync.persons).toBe(enrolled.length);
    const raj = enrolled.find((p) => p.face_photos[0]!.startsWith('raj/'))!;
    const decision = restarted.sync.identify(await probe('raj'), policy);
    expect(decision).toMatchObject({ kind: 'match', personId: raj.psn_no });
    expect(restarted.sync.idNumberOf(raj.psn_no)).toBe(raj.certno);
  });

  it('an unchanged gallery is not enrolled again; a changed one is swapped in without a restart', async () => {
    const sim = await gateway();
    const { sync, events } = kioskSync(sim);
    await sync.start();
    frames = 0;
    expect(await sync.refresh()).toBe(true);
    expect(events().at(-1)).toBe('face.gallery.unchanged');
    expect(frames).toBe(0);

    // On the gateway, Amy's enrolment is withdrawn.
    const amy = enrolled.find((p) => p.face_photos[0]!.startsWith('amy/'))!;
    const changed = await gateway({
      ...scenario,
      patients: scenario.patients.map((p) => (p === amy ? { ...p, face_photos: [] } : p)),
    });
    const moved = kioskSync(changed);
    await moved.sync.start(); // same data folder: starts from the cache, then syncs
    expect(moved.sync.persons).toBe(enrolled.length - 1);
    expect(moved.sync.idNumberOf(amy.psn_no)).toBeUndefined();
    expect(moved.sync.identify(await probe('amy'), policy).kind).not.toBe('match');
  });

  it('first start with the gateway down: nobody, then the next refresh brings everyone', async () => {
    const sim = await gateway();
    await sim.stop();
    const { sync } = kioskSync(sim);
    await sync.start();
    expect(sync.persons).toBe(0);
    expect(sync.health()).toMatchObject({ source: 'none', persons: 0 });
    await sim.start();
    expect(await sync.refresh()).toBe(true);
    expect(sync.persons).toBe(enrolled.length);
    expect(sync.health().failingSince).toBeUndefined();
  });

  it('a cache that does not open under this key is dropped and rebuilt from the gateway', async () => {
    const sim = await gateway();
    await kioskSync(sim).sync.start();
    rmSync(join(dir, 'face-gallery.key'));
    const other = kioskSync(sim);
    await other.sync.start();
    expect(other.events()[0]).toBe('face.gallery.cache-unusable');
    expect(other.sync.persons).toBe(enrolled.length);
  });
});
