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
import { DeviceConfigError } from '../hardware/device-config.ts';
import { parseDevicesConfig } from '../hardware/devices-config.ts';

/** Configuration and policy files are small; anything bigger is not one of ours. */
const MAX_FILE_BYTES = 256 * 1024;

/**
 * Where JSON.parse stopped, as the line and column an editor shows (V8 says "at position N", or
 * "line L column C" in newer versions); nothing when it says neither.
 */
function whereJsonBroke(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return ` at line ${lineColumn[1]}, column ${lineColumn[2]}`;
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return ` at line ${line}, column ${column}`;
  }
  return message.includes('end of JSON input') ? ' (it ends too early)' : '';
}

/**
 * A JSON file's content. `field` names the configuration field that points at it; without one it
 * is the configuration file itself, which the caller names. An empty (or all-blank) file is
 * `undefined`: nothing configured.
 */
function readJson(path: string, field?: string): unknown {
  const what = field ? `${field}: ${path}` : 'the file';
  let text: string;
  try {
    if (statSync(path).size > MAX_FILE_BYTES)
      throw new ConfigError(`${what} is larger than ${MAX_FILE_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `${field ? `${field}: cannot read ${path}` : 'cannot read the file'} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (field === undefined && text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`${what} is not valid JSON${whereJsonBroke(text, error)}`);
  }
}

/**
 * A configuration file (none, or an empty one: a simulator kiosk); `face.policyFile` made
 * absolute beside it. The devices' driver options are checked here too, so a TCP printer with
 * no host stops the kiosk at once rather than when the devices are built.
 */
export function loadConfigFile(path: string | undefined): KioskConfig {
  if (path === undefined) return parseConfig({});
  const raw = readJson(path);
  const config = parseConfig(raw);
  try {
    parseDevicesConfig(raw);
  } catch (error) {
    if (!(error instanceof DeviceConfigError)) throw error;
    const problems = error.problems.map((p) => p.replace(/^([^:]*): Invalid input: /, '$1: '));
    throw new ConfigError(`invalid device configuration: ${problems.join('; ')}`, problems);
  }
  const policyFile = config.face.policyFile;
  if (policyFile === undefined || isAbsolute(policyFile)) return config;
  return { ...config, face: { ...config.face, policyFile: resolve(dirname(path), policyFile) } };
}

/**
 * The one line `npm start` prints for a configuration the kiosk refuses, naming the file and each
 * bad field (no stack: the person reading it edits a JSON file, not the code). Undefined for any
 * other error.
 */
export function configErrorLine(error: unknown, path: string | undefined): string | undefined {
  if (!(error instanceof ConfigError) && !(error instanceof DeviceConfigError)) return undefined;
  const where = path === undefined ? 'the default configuration' : path;
  return `kiosk: configuration error in ${where}: ${error.problems.join('; ')}`;
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
