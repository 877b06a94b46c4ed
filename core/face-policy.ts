/**
 * The face decision policy as configuration: the numbers that decide when the face alone may pay,
 * when the second factor is asked, and when nobody is recognised (face/decision-policy.ts applies
 * them; docs/face.md "Decision policy" says how the shipped ones were chosen). Pure schemas, so the
 * configuration, the calibrate command's file and the face engine read one shape.
 */
import { z } from 'zod';

export const decisionPolicySchema = z
  .object({
    /** Face alone accepts only under this distance (strict). */
    acceptThreshold: z.number().min(0).max(2),
    /** ... and only when the second-nearest person is at least this much further away. */
    margin: z.number().min(0).max(2),
    /** People under this distance (looser) are candidates for the second factor. */
    secondFactorThreshold: z.number().min(0).max(2),
    /** At most this many candidates, nearest first. */
    maxCandidates: z.number().int().min(1).max(50),
    /** With more persons enrolled than this, the face alone never accepts; null: no limit. */
    maxGalleryForFaceAlone: z
      .number()
      .int()
      .min(0)
      .nullable()
      .transform((n) => n ?? Infinity),
    /** Decisive frames in a row on the same person before a face-alone accept. */
    framesToAgree: z.number().int().min(1).max(10),
  })
  .refine((p) => p.secondFactorThreshold >= p.acceptThreshold, {
    message: 'the second-factor threshold is the looser one: at least the accept threshold',
  });
export type DecisionPolicy = z.output<typeof decisionPolicySchema>;

/** Where and on what a policy was calibrated (`face -- calibrate`): its provenance. */
export const calibratedOnSchema = z.looseObject({
  date: z.string().min(1).max(40),
  people: z.number().int().min(1),
  photos: z.number().int().min(1),
  targetFpir: z.number().positive().max(1),
  gallerySize: z.number().int().min(1),
});
export type CalibratedOn = z.output<typeof calibratedOnSchema>;

/** What `face -- calibrate --out FILE` writes, and `face.policyFile` reads. */
export const calibrationFileSchema = z.looseObject({
  policy: decisionPolicySchema,
  calibratedOn: calibratedOnSchema,
});
