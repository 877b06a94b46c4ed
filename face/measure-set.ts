/**
 * A measured set as the protocols see it: people (one folder each, as in the fixtures and LFW's
 * images/), their photos, and the one face per photo that is the photo's subject.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CachedPhoto } from './descriptor-cache.ts';

const IMAGE = /\.(png|jpe?g)$/i;
const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

export interface PersonPhotos {
  id: string;
  /** Paths, sorted by name (numbers in numeric order). */
  photos: string[];
}

/**
 * DIR's people: one folder per person; folders starting with `_` (strangers, group photos) and
 * loose files are left out, as `face evaluate DIR` does.
 */
export async function personFolders(dir: string): Promise<PersonPhotos[]> {
  const folders = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
    .map((e) => e.name)
    .sort(byName);
  return Promise.all(
    folders.map(async (id) => ({
      id,
      photos: (await readdir(join(dir, id), { withFileTypes: true }))
        .filter((e) => e.isFile() && IMAGE.test(e.name))
        .map((e) => join(dir, id, e.name))
        .sort(byName),
    })),
  );
}

/**
 * The face a photo is of: the one nearest the photo's centre. LFW photos are centred on the
 * person named (others in the background may be larger); portrait photos have one face anyway.
 */
export function subjectFace(photo: CachedPhoto | undefined): Float32Array | undefined {
  if (!photo) return undefined;
  let best: Float32Array | undefined;
  let bestDistance = Infinity;
  for (const face of photo.faces) {
    const dx = face.box.x + face.box.width / 2 - photo.width / 2;
    const dy = face.box.y + face.box.height / 2 - photo.height / 2;
    const d = Math.hypot(dx, dy);
    if (d < bestDistance) {
      bestDistance = d;
      best = face.descriptor;
    }
  }
  return best;
}
