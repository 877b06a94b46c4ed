/** Field shapes the KioskApi contract's schemas share. */
import { z } from 'zod';

/** An amount in integer cents, never negative. */
export const centsSchema = z.number().int().min(0).max(1e12);
/** A short label or reference: names, departments, states. */
export const shortText = z.string().max(200);
