/**
 * The demo people a clone without ../shared pays with: each is the average of three faces from
 * different group photos of an npm package (@vladmandic/face-api's demo samples), aligned on the
 * eyes, so no demo patient is any real person's face. demo-faces.json (committed: coordinates,
 * not photos) says which faces and where their eyes are; scripts/make-demo-faces.ts draws the
 * photos at install into demo-faces/, and scripts/demo-faces-recipe.ts wrote the JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  adjust,
  affineFrom,
  applyAffine,
  average,
  mirror,
  type Point,
  sharpen,
  sideBySide,
  similarityFrom,
  warp,
} from './composite.ts';
import type { Frame } from './image.ts';

export const PHOTO_WIDTH = 360;
export const PHOTO_HEIGHT = 440;
/** Where the eyes of every face go in a demo photo (image left, image right). */
export const EYES: [Point, Point] = [
  { x: 132, y: 190 },
  { x: 228, y: 190 },
];

/** An average is softer than a photo; unsharp masking gives back a camera's edges. */
const SHARPEN = { amount: 0.8, radius: 2 };

/** The kiosk's default scenario enrols these, with 1.png and 2.png. */
export const DEMO_PEOPLE = [
  'sheldon',
  'leonard',
  'penny',
  'howard',
  'raj',
  'amy',
  'bernadette',
] as const;

const point = z.tuple([z.number().finite(), z.number().finite()]);
export const demoRecipeSchema = z.object({
  note: z.string(),
  sources: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9]{1,20}$/),
        package: z.string().min(1).max(100),
        version: z.string().min(1).max(40),
        license: z.string().min(1).max(40),
        path: z.string().regex(/^[A-Za-z0-9_./-]{1,100}$/),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .min(1)
    .max(20),
  faces: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9]{1,20}$/),
        source: z.string(),
        /** Landmarks 36–41 (the eye on the image's left), 42–47, 48–67, in source pixels. */
        eyeLeft: point,
        eyeRight: point,
        mouth: point,
      }),
    )
    .min(1)
    .max(100),
  people: z.record(z.string().regex(/^[a-z]{1,20}$/), z.array(z.string()).min(1).max(4)),
  measured: z.record(z.string(), z.unknown()),
});
export type DemoRecipe = z.infer<typeof demoRecipeSchema>;

export const recipePath = (projectRoot: string): string =>
  join(projectRoot, 'hardware', 'camera', 'demo-faces.json');

export function readRecipe(projectRoot: string): DemoRecipe {
  return demoRecipeSchema.parse(JSON.parse(readFileSync(recipePath(projectRoot), 'utf8')));
}

/**
 * How photo n of a person differs from the others, as photos taken on different days: the
 * weights of the three faces, the face's size, tilt and place in the picture, the light, and
 * one mirrored. Photo 1 is the plain average.
 */
export interface PhotoLook {
  weights: number[];
  scale: number;
  degrees: number;
  shift: Point;
  brightness: number;
  contrast: number;
  mirrored: boolean;
}

export const LOOKS: readonly PhotoLook[] = [
  {
    weights: [0.34, 0.33, 0.33],
    scale: 1,
    degrees: 0,
    shift: { x: 0, y: 0 },
    brightness: 0,
    contrast: 1,
    mirrored: false,
  },
  {
    weights: [0.4, 0.3, 0.3],
    scale: 0.96,
    degrees: 2.5,
    shift: { x: 5, y: -4 },
    brightness: 10,
    contrast: 1.05,
    mirrored: false,
  },
  {
    weights: [0.3, 0.4, 0.3],
    scale: 1.04,
    degrees: -3,
    shift: { x: -6, y: 5 },
    brightness: -12,
    contrast: 0.95,
    mirrored: false,
  },
  {
    weights: [0.3, 0.3, 0.4],
    scale: 1,
    degrees: 1.5,
    shift: { x: 4, y: 6 },
    brightness: 16,
    contrast: 0.9,
    mirrored: true,
  },
  {
    weights: [0.38, 0.34, 0.28],
    scale: 0.94,
    degrees: -1.5,
    shift: { x: -4, y: -5 },
    brightness: -6,
    contrast: 1.1,
    mirrored: false,
  },
];

/** A point of the template moved as the look turns, scales (about the centre) and shifts it. */
function place(look: Pick<PhotoLook, 'scale' | 'degrees' | 'shift'>, p: Point): Point {
  const cx = PHOTO_WIDTH / 2;
  const cy = PHOTO_HEIGHT / 2;
  const r = (look.degrees * Math.PI) / 180;
  const dx = (p.x - cx) * look.scale;
  const dy = (p.y - cy) * look.scale;
  return {
    x: cx + dx * Math.cos(r) - dy * Math.sin(r) + look.shift.x,
    y: cy + dx * Math.sin(r) + dy * Math.cos(r) + look.shift.y,
  };
}

/** The eyes' places for a look. */
export function eyesFor(look: Pick<PhotoLook, 'scale' | 'degrees' | 'shift'>): [Point, Point] {
  return [place(look, EYES[0]), place(look, EYES[1])];
}

const toPoint = ([x, y]: [number, number]): Point => ({ x, y });

function faceOf(recipe: DemoRecipe, faceId: string): [Point, Point, Point] {
  const face = recipe.faces.find((f) => f.id === faceId);
  if (!face) throw new Error(`no demo face ${faceId} in the recipe`);
  return [toPoint(face.eyeLeft), toPoint(face.eyeRight), toPoint(face.mouth)];
}

/**
 * Where the composite's mouth goes in the template: the weighted mean of where each face's mouth
 * lands once its eyes are on EYES. The composite keeps its faces' own proportions (how far the
 * mouth is below the eyes), which is part of what tells one demo person from another.
 */
export function mouthTarget(
  recipe: DemoRecipe,
  faceIds: readonly string[],
  weights: readonly number[],
): Point {
  let x = 0;
  let y = 0;
  let total = 0;
  for (const [i, id] of faceIds.entries()) {
    const [eyeLeft, eyeRight, mouth] = faceOf(recipe, id);
    const m = applyAffine(similarityFrom([eyeLeft, eyeRight], EYES), mouth);
    const w = weights[i]!;
    x += w * m.x;
    y += w * m.y;
    total += w;
  }
  return { x: x / total, y: y / total };
}

/** One face of the recipe warped so its eyes and mouth land on `to`. */
export function alignedFace(
  recipe: DemoRecipe,
  sources: ReadonlyMap<string, Frame>,
  faceId: string,
  to: [Point, Point, Point],
): Frame {
  const source = sources.get(recipe.faces.find((f) => f.id === faceId)?.source ?? '');
  if (!source) throw new Error(`the source photo of demo face ${faceId} is missing`);
  return warp(source, affineFrom(to, faceOf(recipe, faceId)), PHOTO_WIDTH, PHOTO_HEIGHT);
}

/** Photo `look` of a composite of the given faces (one face: that face, aligned). */
export function compositePhoto(
  recipe: DemoRecipe,
  sources: ReadonlyMap<string, Frame>,
  faceIds: readonly string[],
  look: PhotoLook,
): Frame {
  const weights = faceIds.map((_, i) => look.weights[i] ?? 1 / faceIds.length);
  const mouth = mouthTarget(recipe, faceIds, weights);
  const to: [Point, Point, Point] = [...eyesFor(look), place(look, mouth)];
  const faces = faceIds.map((id) => alignedFace(recipe, sources, id, to));
  const lit = adjust(sharpen(average(faces, weights), SHARPEN.amount, SHARPEN.radius), look);
  return look.mirrored ? mirror(lit) : lit;
}

/** Photo n (1..5) of a demo person. */
export function personPhoto(
  recipe: DemoRecipe,
  sources: ReadonlyMap<string, Frame>,
  person: string,
  n: number,
): Frame {
  const faceIds = recipe.people[person];
  const look = LOOKS[n - 1];
  if (!faceIds || !look) throw new Error(`no demo photo ${n} of ${person}`);
  return compositePhoto(recipe, sources, faceIds, look);
}

/** Several demo people side by side: the testers' "several people in front of the kiosk". */
export function groupPhoto(
  recipe: DemoRecipe,
  sources: ReadonlyMap<string, Frame>,
  people: readonly string[],
): Frame {
  return sideBySide(
    people.map((p) => personPhoto(recipe, sources, p, 1)),
    40,
  );
}
