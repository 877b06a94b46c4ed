/**
 * Who may pay by face: the gateway's face-gallery sync (K501), enrolled into the kiosk's gallery
 * and kept encrypted on disk, so that
 * - a kiosk that starts while the gateway is unreachable identifies everyone it knew at its
 *   last sync (the cached gallery and its directory of ID numbers), instead of nobody;
 * - a gallery that changes on the gateway reaches the kiosk without a restart (refresh every few
 *   minutes; sooner again after a failure), swapped in whole between two frames;
 * - an unchanged gallery (same version) costs one small call and no enrolment.
 *
 * On disk, beside the sealed templates (gallery-store.ts): the directory (gallery version,
 * person number -> ID number, and a fingerprint of the images enrolled), sealed with the same key.
 * The ID numbers are personal data: never in a log, never in a plain file.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { LogFn } from '../core/ports.ts';
import { enrollPhotos } from './enrollment.ts';
import type { PhotoSource } from './photo-store.ts';
import type { FaceEngine } from './face-engine.ts';
import { FaceGallery, type MatchDecision, type MatchPolicy } from './gallery.ts';
import { GalleryStore, type KeySource } from './gallery-store.ts';

/** The gateway's gallery as K501 answers it (the host's client fetches it: the port below). */
export interface GalleryPersons {
  version: string;
  changed: boolean;
  persons: { psn_no: string; certno: string; face_images: string[] }[];
}

/** Seals a text under the gallery key, bound to a context (the host gives AES-256-GCM). */
export interface FieldSealer {
  seal(plain: string, context: string): string;
  open(stored: string, context: string): string;
}

const directorySchema = z.object({
  version: z.string(),
  fingerprint: z.string(),
  persons: z.array(z.object({ psn_no: z.string(), certno: z.string() })),
});
type Directory = z.infer<typeof directorySchema>;

export interface FaceGallerySyncOptions {
  /** K501 on the gateway client. */
  fetch: (sinceVersion: string) => Promise<GalleryPersons>;
  /** The sealer for the directory of ID numbers, under the gallery's key. */
  sealer: (key: Buffer) => FieldSealer;
  engine: Pick<FaceEngine, 'detectAll'>;
  dataDir: string;
  keys: KeySource;
  /** The photos K501 names: clear fixtures in the simulator, a sealed store in production. */
  photos: PhotoSource;
  log: LogFn;
  /** Between two syncs that worked, and the first retry after one that failed (it doubles). */
  refreshMs?: number;
  retryMs?: number;
  now?: () => Date;
}

/** For staff (admin mode): what the kiosk identifies by, and how fresh it is. */
export interface GalleryHealth {
  persons: number;
  templates: number;
  /** Where the gallery in use came from. */
  source: 'none' | 'cache' | 'gateway';
  lastSyncAt?: Date;
  /** Set while syncs fail: when the first of them failed. */
  failingSince?: Date;
}

/** The gallery the identifier searches; the sync swaps what is behind it. */
export type GalleryView = Pick<FaceGallery, 'identify' | 'verify' | 'search' | 'distanceTo'>;

export class FaceGallerySync implements GalleryView {
  private gallery = new FaceGallery();
  private directory: Directory = { version: '', fingerprint: '', persons: [] };
  private idNumbers = new Map<string, string>();
  private personIds = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private stopped = false;
  private source: GalleryHealth['source'] = 'none';
  private lastSyncAt: Date | undefined;
  private failingSince: Date | undefined;
  private readonly store: GalleryStore;
  private readonly directoryFile: string;

  constructor(private readonly o: FaceGallerySyncOptions) {
    this.store = new GalleryStore(join(o.dataDir, 'face-gallery.kfg'), o.keys);
    this.directoryFile = join(o.dataDir, 'face-gallery.directory');
  }

  /** The cache first, then the gateway; never throws (an empty gallery is still a kiosk). */
  async start(): Promise<void> {
    await this.loadCache();
    await this.refresh();
  }

  /** One sync with the gateway; schedules the next. Returns whether the gateway answered. */
  async refresh(): Promise<boolean> {
    clearTimeout(this.timer);
    let ok = false;
    try {
      const answer = await this.o.fetch(this.directory.version);
      if (answer.changed || answer.version !== this.directory.version) await this.apply(answer);
      else this.o.log('face.gallery.unchanged', { persons: this.gallery.persons });
      this.failures = 0;
      this.lastSyncAt = this.now();
      this.failingSince = undefined;
      ok = true;
    } catch (error) {
      this.failures++;
      this.failingSince ??= this.now();
      this.o.log('face.gallery.sync-failed', {
        code: error instanceof Error ? error.name : 'unknown',
        persons: this.gallery.persons,
      });
    }
    if (!this.stopped) {
      const refreshMs = this.o.refreshMs ?? 5 * 60_000;
      const delay = ok
        ? refreshMs
        : Math.min(refreshMs, (this.o.retryMs ?? 30_000) * 2 ** (this.failures - 1));
      this.timer = setTimeout(() => void this.refresh(), delay);
      this.timer.unref();
    }
    return ok;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  health(): GalleryHealth {
    return {
      persons: this.gallery.persons,
      templates: this.gallery.size,
      source: this.source,
      ...(this.lastSyncAt ? { lastSyncAt: this.lastSyncAt } : {}),
      ...(this.failingSince ? { failingSince: this.failingSince } : {}),
    };
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  get version(): string {
    return this.directory.version;
  }

  get persons(): number {
    return this.gallery.persons;
  }

  get templates(): number {
    return this.gallery.size;
  }

  idNumberOf(personId: string): string | undefined {
    return this.idNumbers.get(personId);
  }

  personIdOf(idNumber: string): string | undefined {
    return this.personIds.get(idNumber.toUpperCase());
  }

  identify(probe: Float32Array, policy: MatchPolicy, exclude?: string): MatchDecision {
    return this.gallery.identify(probe, policy, exclude);
  }

  verify(personId: string, probe: Float32Array, policy: MatchPolicy): MatchDecision {
    return this.gallery.verify(personId, probe, policy);
  }

  search(
    probe: Float32Array,
    limit?: number,
    exclude?: string,
    maxDistance?: number,
  ): ReturnType<FaceGallery['search']> {
    return this.gallery.search(probe, limit, exclude, maxDistance);
  }

  distanceTo(personId: string, probe: Float32Array): number | undefined {
    return this.gallery.distanceTo(personId, probe);
  }

  /** A new gallery from the gateway: enrolled aside, saved, then swapped in whole. */
  private async apply(answer: GalleryPersons): Promise<void> {
    const fingerprint = await this.fingerprintOf(answer);
    if (fingerprint === this.directory.fingerprint && this.gallery.persons > 0) {
      // Same people and images under a new version: only the directory changes.
      await this.use(this.gallery, { ...this.directory, version: answer.version });
      return;
    }
    const started = performance.now();
    const gallery = new FaceGallery();
    let refused = 0;
    for (const person of answer.persons) {
      try {
        await enrollPhotos(
          this.o.engine,
          gallery,
          person.psn_no,
          await Promise.all(person.face_images.map((p) => this.o.photos.read(p))),
        );
      } catch (error) {
        // One person's unusable photos must not keep everyone else from paying by face.
        refused++;
        const code = (error as { code?: unknown }).code;
        this.o.log('face.gallery.enrol-refused', {
          code: typeof code === 'string' ? code : 'unknown',
        });
      }
    }
    await this.use(gallery, {
      version: answer.version,
      fingerprint,
      persons: answer.persons.map(({ psn_no, certno }) => ({ psn_no, certno })),
    });
    // Photos of people the gallery no longer names go too (retention; consent withdrawn).
    await this.o.photos
      .prune?.(new Set(answer.persons.flatMap((p) => p.face_images)))
      .catch(() => this.o.log('face.photo.prune-failed', {}));
    this.o.log('face.gallery.enrolled', {
      persons: gallery.persons,
      templates: gallery.size,
      refused,
      ms: Math.round(performance.now() - started),
    });
  }

  private async use(gallery: FaceGallery, directory: Directory): Promise<void> {
    await this.store.save(gallery);
    await this.saveDirectory(directory);
    this.adopt(gallery, directory, 'gateway');
  }

  /** Makes a gallery and its directory the ones identified by, from now on. */
  private adopt(gallery: FaceGallery, directory: Directory, source: GalleryHealth['source']): void {
    this.gallery = gallery;
    this.directory = directory;
    this.idNumbers = new Map(directory.persons.map((p) => [p.psn_no, p.certno]));
    this.personIds = new Map(directory.persons.map((p) => [p.certno.toUpperCase(), p.psn_no]));
    this.source = source;
  }

  /**
   * Which images, by content, not of who: changes when a photo is added, removed or replaced
   * (even by one of the same size), not when only the gallery's version moved.
   */
  private async fingerprintOf(answer: GalleryPersons): Promise<string> {
    const images = [];
    for (const p of answer.persons) {
      const photos = [];
      for (const f of p.face_images) photos.push([f, await this.o.photos.fingerprint(f)]);
      images.push([p.psn_no, photos]);
    }
    return createHash('sha256').update(JSON.stringify(images)).digest('hex');
  }

  private async loadCache(): Promise<void> {
    if (!existsSync(this.directoryFile)) return;
    try {
      const sealer = this.o.sealer(await this.o.keys.getKey());
      const sealed = await readFile(this.directoryFile, 'utf8');
      const directory = directorySchema.parse(JSON.parse(sealer.open(sealed, 'face-directory')));
      const gallery = await this.store.load();
      this.adopt(gallery, directory, 'cache');
      this.o.log('face.gallery.cached', { persons: gallery.persons, templates: gallery.size });
    } catch (error) {
      // A cache that does not open (another key, a torn file) is dropped: the gateway's copy
      // is the truth, and the next sync rebuilds it.
      this.o.log('face.gallery.cache-unusable', {
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }

  private async saveDirectory(directory: Directory): Promise<void> {
    const sealer = this.o.sealer(await this.o.keys.getKey());
    const temp = `${this.directoryFile}.tmp`;
    await writeFile(temp, sealer.seal(JSON.stringify(directory), 'face-directory'), {
      mode: 0o600,
    });
    await rename(temp, this.directoryFile);
  }
}
