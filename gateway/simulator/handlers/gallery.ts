/** K501 face gallery sync: who is enrolled for face payment, and from which fixture images. */
import { createHash } from 'node:crypto';
import type { Handler } from './context.ts';

export const gallerySync: Handler<'K501'> = (input, call) => {
  const persons = call.scenario.patients
    .filter((p) => p.face_photos.length > 0)
    .map((p) => ({ psn_no: p.psn_no, certno: p.certno, face_images: p.face_photos }));
  const version = createHash('sha256').update(JSON.stringify(persons)).digest('hex').slice(0, 32);
  const changed = input.data.since_version !== version;
  return { gallery: { version, changed, persons: changed ? persons : [] } };
};
