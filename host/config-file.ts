/**
 * The kiosk's configuration file and the face policy it names, read and checked before anything
 * starts: a bad file stops the kiosk with the field's name rather than failing at a patient.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, parseConfig, type KioskConfig } from '../core/config.ts';
import {
  calibrationFileSchema,
  type CalibratedOn,
  type DecisionPolicy,
} from '../core/face-policy.ts';
import { DEFAULT_DECISION_POLICY } from '../face/calibration.ts';

/** Configuration and policy files are small; anything bigger is not one of ours. */
const MAX_FILE_BYTES = 256 * 1024;

function readJson(path: string, field: string): unknown {
  let text: string;
  try {
    if (statSync(path).size > MAX_FILE_BYTES)
      throw new ConfigError(`${field}: ${path} is larger than ${MAX_FILE_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `${field}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError(`${field}: ${path} is not valid JSON`);
  }
}

/** A configuration file (none: a simulator kiosk); `face.policyFile` made absolute beside it. */
export function loadConfigFile(path: string | undefined): KioskConfig {
  if (path === undefined) return parseConfig({});
  const config = parseConfig(readJson(path, 'configuration'));
  const policyFile = config.face.policyFile;
  if (policyFile === undefined || isAbsolute(policyFile)) return config;
  return { ...config, face: { ...config.face, policyFile: resolve(dirname(path), policyFile) } };
}

export interface FacePolicyInForce {
  policy: DecisionPolicy;
  /** Where it came from: a calibration file, the configuration itself, or the shipped one. */
  source: 'file' | 'config' | 'shipped';
  calibratedOn?: CalibratedOn;
}

/** The decision policy the kiosk runs on, and its provenance (logged at start, shown to staff). */
export function facePolicyOf(config: KioskConfig): FacePolicyInForce {
  const { policyFile, policy, calibratedOn } = config.face;
  if (policyFile !== undefined) {
    const parsed = calibrationFileSchema.safeParse(readJson(policyFile, 'face.policyFile'));
    if (!parsed.success) {
      const problem = parsed.error.issues[0];
      throw new ConfigError(
        `face.policyFile: ${policyFile}: ${problem?.path.join('.') ?? ''} ${problem?.message ?? 'invalid'}`,
      );
    }
    return { policy: parsed.data.policy, source: 'file', calibratedOn: parsed.data.calibratedOn };
  }
  if (policy !== undefined)
    return { policy, source: 'config', ...(calibratedOn ? { calibratedOn } : {}) };
  return { policy: { ...DEFAULT_DECISION_POLICY }, source: 'shipped' };
}
