/**
 * Where the gallery's enrolment photos come from, by the names K501 gives (`person/1.png`).
 *
 * - `ClearPhotoSource`: a folder read as it is (the simulator's fixture photos, a tester's).
 * - `SealedPhotoStore` (production): the photos folder is an inbox. The hospital's side drops a
 *   patient's consented photos there; the kiosk seals each one (AES-256-GCM under the gallery's
 *   key, bound to its name) into its own store and deletes the clear file, so the kiosk's disk
 *   holds enrolment photos only sealed. A photo dropped again replaces the sealed one.
 *
 * Both fingerprint a photo by its content (SHA-256 of its bytes), so the gallery is enrolled
 * again when a photo is replaced by another of the same size, and not when only a version moved.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { z } from 'zod';
import type { LogFn } from '../core/ports.ts';

/** Seals a text bound to a context (the host gives AES-256-GCM under the gallery's key). */
interface Sealer {
  seal(plain: string, context: string): string;
  open(stored: string, context: string): string;
}

/** A photo larger than this is refused before it is read (a camera JPEG is well under). */
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

export interface PhotoSource {
  /** The photo's bytes; throws PhotoError when it is missing, too large or does not open. */
  read(name: string): Promise<Buffer>;
  /** SHA-256 of the photo's bytes, or 'missing'. */
  fingerprint(name: string): Promise<string>;
  /**
   * Retention: deletes the kiosk's own copies of photos the gallery no longer names (a patient
   * who withdrew consent or left the gallery); returns how many. A source that keeps no copies
   * (the simulator's folder) has nothing to delete.
   */
  prune?(keep: ReadonlySet<string>): Promise<number>;
}

export class PhotoError extends Error {
  override readonly name = 'PhotoError';
  constructor(
    readonly code: 'missing' | 'too-large' | 'unreadable',
    /** The photo's name as K501 gave it (a person number and a file name, no patient data). */
    readonly photo: string,
  ) {
    super(`enrolment photo ${photo}: ${code}`);
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readBounded(path: string, name: string): Promise<Buffer> {
  let size;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new PhotoError('missing', name);
  }
  if (size > MAX_PHOTO_BYTES) throw new PhotoError('too-large', name);
  return readFile(path);
}

export class ClearPhotoSource implements PhotoSource {
  constructor(private readonly dir: string) {}

  read(name: string): Promise<Buffer> {
    return readBounded(join(this.dir, name), name);
  }

  async fingerprint(name: string): Promise<string> {
    try {
      return sha256(await this.read(name));
    } catch {
      return 'missing';
    }
  }
}

const sealedPhotoSchema = z.object({ sha256: z.string().length(64), data: z.string() });

export class SealedPhotoStore implements PhotoSource {
  constructor(
    private readonly o: {
      /** Where the hospital's side drops clear photos. */
      inbox: string;
      /** The kiosk's own store of sealed photos (in its data folder). */
      dir: string;
      sealer: Sealer;
      log: LogFn;
    },
  ) {}

  async read(name: string): Promise<Buffer> {
    await this.takeIn(name);
    return (await this.openSealed(name)).bytes;
  }

  async fingerprint(name: string): Promise<string> {
    try {
      await this.takeIn(name);
      return (await this.openSealed(name)).sha256;
    } catch {
      return 'missing';
    }
  }

  /** A clear photo in the inbox is sealed into the store (replacing any older one), then deleted. */
  private async takeIn(name: string): Promise<void> {
    const clear = join(this.o.inbox, name);
    if (!existsSync(clear)) return;
    const bytes = await readBounded(clear, name);
    const sealed = this.o.sealer.seal(
      JSON.stringify({ sha256: sha256(bytes), data: bytes.toString('base64') }),
      `photo/${name}`,
    );
    const target = this.sealedPath(name);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    // Written aside and renamed: a crash leaves the old sealed photo or the new one, whole.
    await writeFile(`${target}.tmp`, sealed, { mode: 0o600 });
    await rename(`${target}.tmp`, target);
    await unlink(clear);
    this.o.log('face.photo.sealed', { bytes: bytes.length });
  }

  private async openSealed(name: string): Promise<{ sha256: string; bytes: Buffer }> {
    const path = this.sealedPath(name);
    if (!existsSync(path)) throw new PhotoError('missing', name);
    try {
      const opened = sealedPhotoSchema.parse(
        JSON.parse(this.o.sealer.open(await readFile(path, 'utf8'), `photo/${name}`)),
      );
      const bytes = Buffer.from(opened.data, 'base64');
      if (sha256(bytes) !== opened.sha256) throw new Error('hash');
      return { sha256: opened.sha256, bytes };
    } catch {
      throw new PhotoError('unreadable', name);
    }
  }

  async prune(keep: ReadonlySet<string>): Promise<number> {
    if (!existsSync(this.o.dir)) return 0;
    let deleted = 0;
    for (const entry of await readdir(this.o.dir, { recursive: true })) {
      if (!entry.endsWith('.sealed')) continue;
      const name = entry.slice(0, -'.sealed'.length).split(sep).join('/');
      if (keep.has(name)) continue;
      await unlink(join(this.o.dir, entry));
      deleted++;
    }
    if (deleted > 0) this.o.log('face.photo.pruned', { deleted });
    return deleted;
  }

  private sealedPath(name: string): string {
    return join(this.o.dir, `${name}.sealed`);
  }
}
