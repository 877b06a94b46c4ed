/**
 * Enrolment photos at rest: a production kiosk's photo folder is an inbox it empties into a
 * sealed store; both sources fingerprint photos by content. Real files, read back as bytes.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ClearPhotoSource, MAX_PHOTO_BYTES, PhotoError, SealedPhotoStore } from './photo-store.ts';

let root: string;
let inbox: string;
let store: string;
const key = randomBytes(32);
const logs: string[] = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'photo-store-'));
  inbox = join(root, 'inbox');
  store = join(root, 'face-photos');
  mkdirSync(join(inbox, 'P0001'), { recursive: true });
  logs.length = 0;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** AES-256-GCM bound to its context, as the host's sealer (gateway/, which face/ may not import). */
class AesGcmFieldSealer {
  constructor(private readonly k: Buffer) {}
  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.k, iv).setAAD(Buffer.from(context));
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `enc1:${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')}`;
  }
  open(stored: string, context: string): string {
    const b = Buffer.from(stored.slice(5), 'base64');
    const d = createDecipheriv('aes-256-gcm', this.k, b.subarray(0, 12)).setAAD(
      Buffer.from(context),
    );
    d.setAuthTag(b.subarray(12, 28));
    return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8');
  }
}

const sealed = (k = key) =>
  new SealedPhotoStore({
    inbox,
    dir: store,
    sealer: new AesGcmFieldSealer(k),
    log: (e) => logs.push(e),
  });
/** A stand-in photo: what is sealed is bytes, whatever image they hold. */
const photo = (fill: number, size = 4096) => {
  const b = Buffer.alloc(size, fill);
  b.write('\x89PNG-distinctive-marker', 0, 'latin1');
  return b;
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

it('a photo dropped in the inbox is sealed into the store and the clear file deleted', async () => {
  const bytes = photo(7);
  writeFileSync(join(inbox, 'P0001', '1.png'), bytes);
  const s = sealed();
  expect(await s.read('P0001/1.png')).toEqual(bytes);
  expect(existsSync(join(inbox, 'P0001', '1.png'))).toBe(false);
  const file = join(store, 'P0001', '1.png.sealed');
  const onDisk = readFileSync(file);
  expect(onDisk.includes(Buffer.from('distinctive-marker'))).toBe(false);
  expect(onDisk.includes(bytes.subarray(100, 140))).toBe(false);
  expect(onDisk.toString('latin1')).not.toContain(bytes.toString('base64').slice(40, 80));
  // Read again later from the store alone; fingerprinted by content.
  expect(await s.read('P0001/1.png')).toEqual(bytes);
  expect(await s.fingerprint('P0001/1.png')).toBe(sha(bytes));
  expect(logs).toEqual(['face.photo.sealed']);
  expect(readdirSync(join(store, 'P0001'))).toEqual(['1.png.sealed']);
});

it('a photo dropped again replaces the sealed one, even at the same size', async () => {
  writeFileSync(join(inbox, 'P0001', '1.png'), photo(1));
  const s = sealed();
  const before = await s.fingerprint('P0001/1.png');
  writeFileSync(join(inbox, 'P0001', '1.png'), photo(2));
  const after = await s.fingerprint('P0001/1.png');
  expect(after).not.toBe(before);
  expect(await s.read('P0001/1.png')).toEqual(photo(2));
});

it('under another key, a tampered file, too large or missing: a typed refusal', async () => {
  writeFileSync(join(inbox, 'P0001', '1.png'), photo(3));
  await sealed().read('P0001/1.png');
  await expect(sealed(randomBytes(32)).read('P0001/1.png')).rejects.toMatchObject({
    name: 'PhotoError',
    code: 'unreadable',
  });
  const file = join(store, 'P0001', '1.png.sealed');
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.slice(0, -8) + (text.endsWith('A') ? 'B' : 'A') + text.slice(-7));
  await expect(sealed().read('P0001/1.png')).rejects.toBeInstanceOf(PhotoError);
  await expect(sealed().read('P0001/2.png')).rejects.toMatchObject({ code: 'missing' });
  expect(await sealed().fingerprint('P0001/2.png')).toBe('missing');
  writeFileSync(join(inbox, 'P0001', 'big.png'), Buffer.alloc(MAX_PHOTO_BYTES + 1));
  await expect(sealed().read('P0001/big.png')).rejects.toMatchObject({ code: 'too-large' });
});

it('a clear source (the simulator) reads in place, never deletes, and fingerprints by content', async () => {
  const path = join(inbox, 'P0001', '1.png');
  writeFileSync(path, photo(4));
  const s = new ClearPhotoSource(inbox);
  const a = await s.fingerprint('P0001/1.png');
  writeFileSync(path, photo(5));
  expect(await s.fingerprint('P0001/1.png')).not.toBe(a);
  expect(await s.read('P0001/1.png')).toEqual(photo(5));
  expect(existsSync(path)).toBe(true);
});

it('retention: the sealed copies of photos the gallery no longer names are deleted', async () => {
  mkdirSync(join(inbox, 'P0002'), { recursive: true });
  writeFileSync(join(inbox, 'P0001', '1.png'), photo(1));
  writeFileSync(join(inbox, 'P0002', '1.png'), photo(2));
  const s = sealed();
  await s.read('P0001/1.png');
  await s.read('P0002/1.png');
  expect(await s.prune(new Set(['P0001/1.png']))).toBe(1);
  expect(existsSync(join(store, 'P0002', '1.png.sealed'))).toBe(false);
  expect(await s.read('P0001/1.png')).toEqual(photo(1));
  expect(await s.prune(new Set(['P0001/1.png']))).toBe(0);
  expect(logs).toContain('face.photo.pruned');
});
