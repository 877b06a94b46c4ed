/**
 * The face gallery at rest: encrypted with AES-256-GCM, so templates never sit on disk in the
 * clear (SPEC "Face templates never leave the host unencrypted"), and any change to the file
 * (a flipped bit, a swapped header, a truncation) is detected instead of silently loading a
 * different gallery.
 *
 * File layout, all integers little-endian:
 *   header (16 bytes, authenticated as GCM additional data, so it cannot be altered either):
 *     "KFGL" | version u8 (1) | cipher u8 (1 = AES-256-GCM) | reserved u16 (0) | key id (8 bytes)
 *   iv (12 bytes) | tag (16 bytes) | ciphertext
 * Plaintext:
 *   descriptor length u32 | person count u32 | template count u32 |
 *   per person: id byte length u16, UTF-8 id | zero padding to a multiple of 4 |
 *   owners u32 x templates | descriptors f32 x templates x descriptor length
 *
 * The key id (a keyed hash of the key, not the key) tells "wrong key" apart from "tampered".
 * Where the key comes from is a KeySource: a 0600 file in web mode; in Electron, a key kept
 * sealed by the OS keychain through safeStorage (SealedKeySource).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DESCRIPTOR_LENGTH, FaceGallery, type GalleryRaw } from './gallery.ts';

export const KEY_BYTES = 32;
const MAGIC = Buffer.from('KFGL', 'ascii');
const VERSION = 1;
const CIPHER_AES_256_GCM = 1;
const HEADER_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type GalleryStoreErrorCode =
  'not-a-gallery' | 'unsupported-version' | 'wrong-key' | 'tampered' | 'corrupt';

export class GalleryStoreError extends Error {
  override readonly name = 'GalleryStoreError';
  constructor(
    readonly code: GalleryStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type KeyErrorCode = 'insecure-permissions' | 'not-owner' | 'not-a-file' | 'bad-key';

export class KeyError extends Error {
  override readonly name = 'KeyError';
  constructor(
    readonly code: KeyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Where the gallery key comes from: 32 random bytes, the same on every call. */
export interface KeySource {
  getKey(): Promise<Buffer>;
}

function keyId(key: Buffer): Buffer {
  return createHmac('sha256', key).update('kiosk face gallery key id').digest().subarray(0, 8);
}

function checkKey(key: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw new KeyError('bad-key', `the key must be ${KEY_BYTES} bytes`);
  return key;
}

/** Encrypts a gallery's raw arrays into the file format above. */
export function sealGallery(raw: GalleryRaw, key: Buffer): Buffer {
  checkKey(key);
  const ids = raw.personIds.map((id) => Buffer.from(id, 'utf8'));
  for (const id of ids) {
    if (id.length > 0xffff) throw new Error('person id too long');
  }
  const idsBytes = ids.reduce((s, id) => s + 2 + id.length, 0);
  const padded = Math.ceil((12 + idsBytes) / 4) * 4;
  const plain = Buffer.alloc(padded + raw.owners.length * 4 + raw.data.length * 4);
  try {
    plain.writeUInt32LE(DESCRIPTOR_LENGTH, 0);
    plain.writeUInt32LE(ids.length, 4);
    plain.writeUInt32LE(raw.owners.length, 8);
    let at = 12;
    for (const id of ids) {
      plain.writeUInt16LE(id.length, at);
      id.copy(plain, at + 2);
      at += 2 + id.length;
    }
    at = padded;
    for (const owner of raw.owners) at = plain.writeUInt32LE(owner, at);
    for (const value of raw.data) at = plain.writeFloatLE(value, at);

    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeUInt8(VERSION, 4);
    header.writeUInt8(CIPHER_AES_256_GCM, 5);
    keyId(key).copy(header, 8);
    const iv = randomBytes(IV_BYTES); // a fresh IV per write: GCM must never reuse one with a key
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(header);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
  } finally {
    plain.fill(0); // the clear templates do not outlive this call in our own buffers
  }
}

/** Decrypts and checks a sealed gallery; every failure is a GalleryStoreError with a code. */
export function openGallery(sealed: Buffer, key: Buffer): FaceGallery {
  checkKey(key);
  if (sealed.length < HEADER_BYTES + IV_BYTES + TAG_BYTES || !sealed.subarray(0, 4).equals(MAGIC))
    throw new GalleryStoreError('not-a-gallery', 'not an encrypted face gallery');
  const header = sealed.subarray(0, HEADER_BYTES);
  if (header.readUInt8(4) !== VERSION || header.readUInt8(5) !== CIPHER_AES_256_GCM)
    throw new GalleryStoreError(
      'unsupported-version',
      `gallery format ${header.readUInt8(4)}/${header.readUInt8(5)} is not supported`,
    );
  if (!header.subarray(8, 16).equals(keyId(key)))
    throw new GalleryStoreError('wrong-key', 'the gallery was encrypted with a different key');
  const iv = sealed.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
  const tag = sealed.subarray(HEADER_BYTES + IV_BYTES, HEADER_BYTES + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  let plain: Buffer;
  try {
    plain = Buffer.concat([
      decipher.update(sealed.subarray(HEADER_BYTES + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new GalleryStoreError('tampered', 'the gallery file was altered or damaged');
  }
  try {
    return parsePlain(plain);
  } finally {
    plain.fill(0);
  }
}

function parsePlain(plain: Buffer): FaceGallery {
  // Authenticated, so only a bug on the writing side can make this fail; still checked, since
  // a bad length here would otherwise read past the buffer.
  const corrupt = (why: string) => new GalleryStoreError('corrupt', `gallery is corrupt: ${why}`);
  if (plain.length < 12) throw corrupt('too short');
  if (plain.readUInt32LE(0) !== DESCRIPTOR_LENGTH) throw corrupt('wrong descriptor length');
  const persons = plain.readUInt32LE(4);
  const templates = plain.readUInt32LE(8);
  const personIds: string[] = [];
  let at = 12;
  for (let i = 0; i < persons; i++) {
    if (at + 2 > plain.length) throw corrupt('person ids cut short');
    const length = plain.readUInt16LE(at);
    if (at + 2 + length > plain.length) throw corrupt('person ids cut short');
    personIds.push(plain.toString('utf8', at + 2, at + 2 + length));
    at += 2 + length;
  }
  at = Math.ceil(at / 4) * 4;
  if (plain.length !== at + templates * 4 * (1 + DESCRIPTOR_LENGTH))
    throw corrupt('size does not match the template count');
  const owners = new Uint32Array(templates);
  for (let i = 0; i < templates; i++, at += 4) owners[i] = plain.readUInt32LE(at);
  const data = new Float32Array(templates * DESCRIPTOR_LENGTH);
  for (let i = 0; i < data.length; i++, at += 4) data[i] = plain.readFloatLE(at);
  try {
    return FaceGallery.fromRaw({ personIds, owners, data }); // checks owners, values, unique ids
  } catch (error) {
    throw corrupt((error as Error).message);
  }
}

/** Writes a file so that a crash leaves either the old or the new file, never half of one. */
async function writeAtomically(path: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, path);
}

/** Loads and saves one gallery file. */
export class GalleryStore {
  constructor(
    readonly path: string,
    private readonly keys: KeySource,
  ) {}

  async save(gallery: FaceGallery): Promise<void> {
    await writeAtomically(this.path, sealGallery(gallery.exportRaw(), await this.keys.getKey()));
  }

  async load(): Promise<FaceGallery> {
    const sealed = await readFile(this.path);
    return openGallery(sealed, await this.keys.getKey());
  }

  /** An empty gallery when there is no file yet; any other failure is an error. */
  async loadOrEmpty(): Promise<FaceGallery> {
    try {
      return await this.load();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new FaceGallery();
      throw error;
    }
  }
}

/**
 * Checks a secret file before trusting it: a regular file, ours, readable by nobody else. A
 * key others can read protects nothing, so a looser file is refused rather than "fixed": the
 * administrator should learn that it was exposed. POSIX only; on Windows the mode bits mean
 * nothing, and the Electron build keeps its key with SealedKeySource instead.
 */
async function checkSecretFile(path: string): Promise<void> {
  const info = await stat(path);
  if (!info.isFile()) throw new KeyError('not-a-file', `${path} is not a regular file`);
  if (process.platform === 'win32') return;
  if ((info.mode & 0o077) !== 0)
    throw new KeyError(
      'insecure-permissions',
      `${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}); it must be 600`,
    );
  if (typeof process.getuid === 'function' && info.uid !== process.getuid())
    throw new KeyError('not-owner', `${path} belongs to another user`);
}

/** Creates a secret file with mode 0600, or returns false when it already exists. */
async function createSecretFile(path: string, contents: Buffer): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let handle;
  try {
    // O_EXCL: two kiosk processes starting at once cannot both create (and differ on) the key.
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.chmod(0o600); // whatever the umask did
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Web mode: the key is 64 hex characters in a file of its own, mode 0600, created on first
 * use. It is only as safe as the account the kiosk runs under; see docs/face.md "Privacy".
 */
export class FileKeySource implements KeySource {
  constructor(
    readonly path: string,
    private readonly options: { create?: boolean } = {},
  ) {}

  async getKey(): Promise<Buffer> {
    if (this.options.create !== false)
      await createSecretFile(this.path, Buffer.from(`${randomBytes(KEY_BYTES).toString('hex')}\n`));
    await checkSecretFile(this.path);
    const text = (await readFile(this.path, 'utf8')).trim();
    if (!/^[0-9a-f]{64}$/i.test(text))
      throw new KeyError('bad-key', `${this.path} does not hold a 64-hex-digit key`);
    return Buffer.from(text, 'hex');
  }
}

/**
 * The shape of Electron's safeStorage (main process), so the Electron shell can pass
 * `safeStorage` itself: the OS keychain (DPAPI, Keychain, libsecret) seals the key.
 */
export interface StringSealer {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * Electron: a random key sealed by the OS keychain, kept in a file (0600 too, as defence in
 * depth) that is useless on another machine or user account.
 */
export class SealedKeySource implements KeySource {
  constructor(
    readonly path: string,
    private readonly sealer: StringSealer,
  ) {}

  async getKey(): Promise<Buffer> {
    if (!this.sealer.isEncryptionAvailable())
      throw new KeyError('bad-key', 'the operating system offers no secret storage');
    await createSecretFile(
      this.path,
      this.sealer.encryptString(randomBytes(KEY_BYTES).toString('hex')),
    );
    await checkSecretFile(this.path);
    let text: string;
    try {
      text = this.sealer.decryptString(await readFile(this.path));
    } catch {
      throw new KeyError('bad-key', `${this.path} cannot be unsealed on this machine`);
    }
    if (!/^[0-9a-f]{64}$/i.test(text)) throw new KeyError('bad-key', `${this.path} is not a key`);
    return Buffer.from(text, 'hex');
  }
}
