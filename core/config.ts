/**
 * The kiosk's configuration file, validated before anything starts: a kiosk with a bad
 * configuration refuses to start and says which field is wrong, rather than failing in front of
 * a patient. Device kinds ("simulated" or a real driver) are chosen here, once.
 */
import { z } from 'zod';
import { calibratedOnSchema, decisionPolicySchema } from './face-policy.ts';
import { staffIdSchema, staffRoles } from './kiosk-api.ts';
import { kioskModes, languages } from './vocabulary.ts';

/**
 * A PIN or badge token as host/staff-accounts.ts stores it: scrypt, its cost parameters (N, r,
 * p), a 16-byte salt and the 32-byte key, base64: `scrypt$N$r$p$salt$key`.
 */
export const SECRET_HASH =
  /^scrypt\$\d{4,7}\$\d{1,2}\$\d{1,2}\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/;

/** The simulator's admin PIN: in the README, so anyone can read it. */
const SIMULATOR_PIN = '246810';

/**
 * A PIN a passer-by would try first: the simulator's published one, one digit repeated
 * (000000), or a straight run up or down (123456, 987654, 901234 wraps round).
 */
export function isWeakPin(pin: string): boolean {
  if (pin === SIMULATOR_PIN) return true;
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => (d - digits[i]! + 10) % 10));
  return steps.size === 1 && [0, 1, 9].includes([...steps][0]!);
}

export const kioskConfigSchema = z
  .object({
    mode: z.enum(kioskModes).default('simulator'),
    kioskId: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,30}$/)
      .default('KIOSK-01'),
    language: z.enum(languages).default('zh-CN'),
    hospital: z
      .object({
        name: z.string().min(1).max(200).default("Lakeside People's Hospital 湖畔人民医院"),
        fixmedinsCode: z.string().length(12).default('H11010500001'),
        areaCode: z.string().length(6).default('110105'),
        timeZone: z.string().min(1).default('Asia/Shanghai'),
      })
      .prefault({}),
    gateway: z
      .object({
        /** Absent in simulator mode: the gateway simulator is embedded on loopback. */
        url: z.url().optional(),
        paasid: z.string().min(1).max(64).default('kiosk'),
        /** Shared HMAC secret; in production it comes from the environment (GATEWAY_SECRET). */
        secret: z.string().min(16).optional(),
        timeoutMs: z.number().int().min(500).max(120_000).default(10_000),
        /**
         * How long the gateway must fail every reachability probe before the home screen says
         * the kiosk is out of service (host/service-health.ts): long enough that a blip never
         * sends patients to the counter.
         */
        outOfServiceAfterMs: z.number().int().min(0).max(3_600_000).default(30_000),
        /**
         * How long the patient waits on "confirming your payment" while the kiosk asks the
         * gateway what became of a payment whose answer was lost, before the screen says it is
         * in doubt and prints a slip (background recovery carries on): docs/settlement.md.
         */
        inDoubtWaitMs: z.number().int().min(5_000).max(300_000).default(45_000),
        /**
         * Whom the kiosk trusts as the gateway over HTTPS: the hospital's CA (a PEM file, which
         * replaces the public CAs) and/or pinned public keys (base64 SHA-256 of the SPKI, as
         * openssl prints it). docs/gateway-protocol.md.
         */
        tls: z
          .strictObject({
            caFile: z.string().min(1).max(500).optional(),
            pinnedKeys: z
              .array(z.string().regex(/^[A-Za-z0-9+/]{43}=$/))
              .min(1)
              .max(10)
              .optional(),
          })
          .optional(),
        /**
         * Kiosks of one hospital share the 4-digit msgid sequence within each second: give each
         * kiosk its own slot (index 0..slots-1) so two kiosks never mint the same msgid.
         */
        terminalSlot: z
          .object({
            index: z.number().int().min(0).max(99),
            slots: z.number().int().min(1).max(100),
          })
          .refine((t) => t.index < t.slots, 'index must be below slots')
          .optional(),
        /**
         * What every envelope says about this terminal (docs/gateway-protocol.md): the device
         * number the hospital registered it under (default: the kioskId), its device security
         * information, and the signature type and signature (cainfo) where the platform asks for
         * them. Simulator kiosks need none of them.
         */
        device: z
          .strictObject({
            devNo: z
              .string()
              .regex(/^[A-Za-z0-9_-]{1,100}$/)
              .optional(),
            devSafeInfo: z.string().max(2000).optional(),
            signtype: z
              .string()
              .regex(/^[A-Za-z0-9-]{1,10}$/)
              .optional(),
            cainfo: z.string().max(1024).optional(),
          })
          .prefault({}),
      })
      .prefault({}),
    face: z
      .object({
        /**
         * The decision policy calibrated on this hospital's own consented photos: the file
         * `npm run face -- calibrate DIR --target-fpir 1e-3 --gallery-size N --out FILE` writes
         * (relative to the configuration file's folder), or the same written here as `policy`
         * with its `calibratedOn` record. Neither: the shipped policy (docs/face.md), which a
         * production kiosk takes only when told so with `useShippedPolicy`.
         */
        policyFile: z.string().min(1).max(500).optional(),
        policy: decisionPolicySchema.optional(),
        calibratedOn: calibratedOnSchema.optional(),
        useShippedPolicy: z.boolean().default(false),
        /** Replaced by `policy`: refused so an old file does not silently lose its threshold. */
        threshold: z.never({ error: 'replaced by face.policy (see docs/face.md)' }).optional(),
        margin: z.never({ error: 'replaced by face.policy (see docs/face.md)' }).optional(),
        timeoutMs: z.number().int().min(1000).max(120_000).default(20_000),
        /**
         * The blink and head-turn challenge before a face may pay. By default on in production
         * and off in simulator mode, only because the simulated camera shows still photos, which
         * can never pass.
         */
        liveness: z.boolean().optional(),
        /**
         * The decisive frame's face detector: 'ssd' (SSD MobileNet v1, thorough) or 'fast' (the
         * tiny detector first, SSD only when it finds nothing; about 3x faster on WASM, the same
         * landmarks and descriptor decide). See docs/face.md.
         */
        detector: z.enum(['ssd', 'fast']).default('ssd'),
        /**
         * SSD's input size on camera frames, a multiple of 32: 288 (default) identifies in about
         * 150 ms here, 512 (as trained) in about 440 ms; a frame the smaller size finds nobody in
         * is looked at again at 512, and enrolment photos always use 512 (docs/face.md).
         */
        ssdInputSize: z.number().int().min(224).max(512).multipleOf(32).default(288),
        /**
         * Face engine worker threads (default: 1 on a machine of 2 cores or fewer, else 2). The
         * first holds every net (about 160 MB, growing with its WASM memory to ~210 MB of
         * heap); a second only tracks and scores passive liveness beside the decisive frames.
         * On the kiosk's 2-core machine one worker pays as fast as two at 120 MB less
         * (host/kiosk-face.ts, docs/performance.md).
         */
        workers: z.number().int().min(1).max(4).optional(),
        /**
         * A face worker's WASM memory grows to its largest frame and never shrinks; after
         * `idleMs` with no frame (nobody at the camera), a worker past `aboveMb` is replaced by a
         * fresh one, which takes frames as soon as it has loaded (the old one serves until then).
         * `idleMs` 0 never recycles. docs/performance.md.
         */
        recycle: z
          .strictObject({
            idleMs: z.number().int().min(0).max(3_600_000).default(30_000),
            aboveMb: z.number().int().min(32).max(4096).default(128),
          })
          .prefault({}),
        /**
         * Passive liveness, part of the challenge: the median anti-spoofing score over its
         * frontal frames must reach this (0 turns it off). Set below every genuine fixture photo
         * (docs/face.md), so it refuses only a clear spoof and never a real patient on its own.
         */
        passiveThreshold: z.number().min(0).max(1).default(0.3),
        /**
         * Where the face images named by the gateway's gallery sync (K501) are found. Simulator
         * mode: the fixture photos; production: DATA_DIR/face-images unless set here.
         */
        imagesDir: z.string().min(1).optional(),
      })
      .prefault({}),
    // Device sections are checked in full by the hardware layer (hardware/devices-config.ts), which
    // knows each driver's options; here only that each names a kind.
    camera: z.looseObject({ kind: z.string().min(1).default('simulated') }).prefault({}),
    printer: z.looseObject({ kind: z.string().min(1).default('simulated') }).prefault({}),
    scanner: z.looseObject({ kind: z.string().min(1).default('simulated') }).prefault({}),
    /** Staff PIN for admin mode (digits). Simulator kiosks default to 246810; production must set it. */
    adminPin: z
      .string()
      .regex(/^\d{6,12}$/)
      .optional(),
    /**
     * Staff accounts for admin mode (docs: host/README.md, "Staff accounts"): each an id (the
     * digits keyed in at the kiosk), a role, and a PIN and/or badge token stored only as a slow
     * hash (`npm run -s staff -- hash-pin`, `... new-badge ID`). Every admin action is audited
     * under the id.
     */
    staff: z
      .array(
        z
          .strictObject({
            id: staffIdSchema,
            role: z.enum(staffRoles),
            pinHash: z
              .string()
              .regex(SECRET_HASH, 'not a hash from npm run staff -- hash-pin')
              .optional(),
            badgeHash: z
              .string()
              .regex(SECRET_HASH, 'not a hash from npm run staff -- new-badge')
              .optional(),
          })
          .refine((s) => s.pinHash !== undefined || s.badgeHash !== undefined, {
            message: 'a staff member needs a pinHash or a badgeHash',
          }),
      )
      .max(500)
      .refine((list) => new Set(list.map((s) => s.id)).size === list.length, {
        message: 'staff ids must be unique',
      })
      .default([]),
    /**
     * "Call staff" reaches the hospital's nurse-call or messaging system through this webhook
     * (host/staff-call.ts): a POST with the kiosk id, screen and time, retried with backoff until
     * a 2xx, at most `maxAttempts` tries of `timeoutMs` each. Without it the call is only logged,
     * and the patient is told to ask at the desk.
     */
    staffCall: z
      .strictObject({
        webhook: z
          .strictObject({
            url: z.url().max(500),
            /** Signs each request (HMAC-SHA256); in production from STAFF_CALL_SECRET only. */
            secret: z.string().min(16).max(200).optional(),
            timeoutMs: z.number().int().min(500).max(30_000).default(5000),
            maxAttempts: z.number().int().min(1).max(30).default(8),
            /** The wait before the first retry; it doubles each try, up to 60 s. */
            backoffMs: z.number().int().min(10).max(60_000).default(1000),
          })
          .optional(),
      })
      .prefault({}),
    eReceiptBaseUrl: z.url().default('https://einvoice.example/r/'),
    /** Spoken guidance: a slower rate suits elderly listeners; the voice by (part of) its name. */
    speech: z
      .object({
        rate: z.number().min(0.5).max(1.5).default(0.85),
        voice: z.string().max(100).optional(),
      })
      .prefault({}),
    inactivity: z
      .object({
        warnAfterSeconds: z.number().int().min(5).max(3600).default(90),
        countdownSeconds: z.number().int().min(5).max(300).default(30),
      })
      .prefault({}),
    /**
     * The monitoring endpoint for the hospital's Prometheus (/healthz, /readyz, /metrics;
     * deploy/README.md): off unless a port is set here or with --metrics-port. Loopback unless
     * `host` names another address of this machine to listen on.
     */
    metrics: z
      .strictObject({
        port: z.number().int().min(1).max(65535).optional(),
        host: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
      })
      .prefault({}),
    /**
     * How long personal data is kept on the kiosk: receipts printed more than `days` ago are
     * deleted at start and daily (host/receipt-retention.ts), unless their payment is still
     * open. At least 30 days, so a month's reconciliation and reprints still find them.
     */
    retention: z
      .strictObject({
        days: z.number().int().min(30).max(3650).default(180),
      })
      .prefault({}),
    /**
     * The log always goes to stderr (journald under systemd, which rotates it). `file` adds a
     * file of its own, rotated at `maxBytes` with `keep` old files (host/log-file.ts).
     */
    log: z
      .strictObject({
        file: z.string().min(1).max(500).optional(),
        maxBytes: z
          .number()
          .int()
          .min(64 * 1024)
          .max(1024 * 1024 * 1024)
          .default(10 * 1024 * 1024),
        keep: z.number().int().min(0).max(100).default(5),
      })
      .prefault({}),
  })
  .refine((c) => c.mode === 'simulator' || c.gateway.url !== undefined, {
    message: 'production mode needs gateway.url',
    path: ['gateway', 'url'],
  })
  // On the hospital network an answer in clear could be read or forged: only TLS in production.
  .refine(
    (c) =>
      c.mode === 'simulator' ||
      c.gateway.url === undefined ||
      new URL(c.gateway.url).protocol === 'https:',
    { message: 'production mode needs an https:// gateway.url', path: ['gateway', 'url'] },
  )
  .refine((c) => c.mode === 'simulator' || c.adminPin !== undefined, {
    message: 'production mode needs its own adminPin',
    path: ['adminPin'],
  })
  // Weak settings a production kiosk refuses by name, rather than running with them in a lobby.
  .refine((c) => c.mode === 'simulator' || c.adminPin === undefined || !isWeakPin(c.adminPin), {
    message: `production mode refuses a weak adminPin (the simulator's ${SIMULATOR_PIN}, one digit repeated, or a run like 123456)`,
    path: ['adminPin'],
  })
  .refine((c) => c.mode === 'simulator' || c.face.liveness !== false, {
    message: 'production mode refuses face.liveness: false (a photo could pay)',
    path: ['face', 'liveness'],
  })
  .refine((c) => c.mode === 'simulator' || c.face.passiveThreshold > 0, {
    message: 'production mode refuses face.passiveThreshold: 0 (passive liveness off)',
    path: ['face', 'passiveThreshold'],
  })
  // A secret in a file travels with every copy of the file: production takes it from the
  // environment only.
  .refine((c) => c.mode === 'simulator' || c.gateway.secret === undefined, {
    message:
      'production mode takes the gateway secret from GATEWAY_SECRET only, not from the configuration file',
    path: ['gateway', 'secret'],
  })
  .refine(
    (c) =>
      c.mode === 'simulator' ||
      c.staffCall.webhook === undefined ||
      new URL(c.staffCall.webhook.url).protocol === 'https:',
    {
      message: 'production mode needs an https:// staffCall.webhook.url',
      path: ['staffCall', 'webhook', 'url'],
    },
  )
  .refine((c) => c.mode === 'simulator' || c.staffCall.webhook?.secret === undefined, {
    message:
      'production mode takes the staff-call secret from STAFF_CALL_SECRET only, not from the configuration file',
    path: ['staffCall', 'webhook', 'secret'],
  })
  .refine((c) => c.face.policy === undefined || c.face.policyFile === undefined, {
    message: 'one policy: either face.policy or face.policyFile',
    path: ['face', 'policy'],
  })
  // A face that pays must be judged by numbers measured on the patients it will see.
  .refine(
    (c) =>
      c.mode === 'simulator' ||
      c.face.policyFile !== undefined ||
      (c.face.policy !== undefined && c.face.calibratedOn !== undefined) ||
      c.face.useShippedPolicy,
    {
      message:
        "production mode needs a face policy calibrated on the hospital's photos (face.policyFile from `npm run face -- calibrate`, or face.policy with face.calibratedOn), or face.useShippedPolicy: true to run on the shipped one",
      path: ['face', 'policy'],
    },
  )
  // A lobby kiosk never runs half-simulated: in production every device is a real one.
  .refine((c) => c.mode === 'simulator' || c.camera.kind !== 'simulated', {
    message: 'production mode needs a real camera',
    path: ['camera', 'kind'],
  })
  .refine((c) => c.mode === 'simulator' || c.printer.kind !== 'simulated', {
    message: 'production mode needs a real printer',
    path: ['printer', 'kind'],
  })
  .refine((c) => c.mode === 'simulator' || c.scanner.kind !== 'simulated', {
    message: 'production mode needs a real scanner',
    path: ['scanner', 'kind'],
  })
  .transform((c) => ({
    ...c,
    face: { ...c.face, liveness: c.face.liveness ?? c.mode === 'production' },
  }));

/** The admin PIN in force: the configured one, or the simulator's well-known one. */
export function adminPinOf(config: KioskConfig): string {
  if (config.adminPin) return config.adminPin;
  if (config.mode !== 'simulator') throw new ConfigError('production mode needs its own adminPin');
  return SIMULATOR_PIN;
}

export type KioskConfig = z.infer<typeof kioskConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Each bad field as "field: what is wrong", for the one line `npm start` prints. */
  readonly problems: readonly string[];
  constructor(message: string, problems?: readonly string[]) {
    super(message);
    this.problems = problems ?? [message];
  }
}

/**
 * One problem as a person fixing the file reads it: the field's dotted path, then what is wrong
 * ("gateway.url: expected string, received number"), without zod's "Invalid input:" preamble.
 */
export function describeConfigProblem(path: readonly PropertyKey[], message: string): string {
  const field = path.map(String).join('.') || '(the whole file)';
  return `${field}: ${message.replace(/^Invalid input: /, '')}`;
}

/** Parses a configuration object; the error names every bad field. */
export function parseConfig(raw: unknown): KioskConfig {
  const parsed = kioskConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => describeConfigProblem(i.path, i.message));
    throw new ConfigError(`invalid kiosk configuration: ${problems.join('; ')}`, problems);
  }
  return parsed.data;
}
