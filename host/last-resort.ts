/**
 * The headless kiosk's last resort: an error nothing else caught means the process's state is no
 * longer known, so it logs one line, tries to stop cleanly for a bounded time, and exits non-zero
 * for its supervisor (systemd Restart=always) to start a fresh one. Payments in doubt are settled
 * by the restarted host's recovery, not by this process.
 */
import type { LogFn } from '../core/ports.ts';

/** The exit status after a fatal error (EX_SOFTWARE). */
export const FATAL_EXIT_CODE = 70;

export interface LastResortOptions {
  log: LogFn;
  /** The clean stop to attempt; it gets at most stopTimeoutMs. */
  stop: () => Promise<void>;
  stopTimeoutMs?: number;
  exit?: (code: number) => void;
  /** The process (an EventEmitter in tests). */
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * Only the error's name and code are logged: a message or stack can carry a patient's name, a
 * bill or a card number from whatever was being handled.
 */
export function fatalFields(kind: string, error: unknown): Record<string, string> {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
  };
  return {
    kind,
    // Keyed `error`, not `name`: the logger redacts any field called like a person's name.
    error: typeof e.name === 'string' ? e.name : typeof error,
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: String(e.code) } : {}),
  };
}

/** Installs the handlers; returns their removal. */
export function installLastResort(o: LastResortOptions): () => void {
  const target = o.target ?? process;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let fatal = false;
  const onFatal = (kind: string) => (error: unknown) => {
    o.log('process.fatal', fatalFields(kind, error));
    // A second error while stopping changes nothing: the first one's exit is on its way.
    if (fatal) return;
    fatal = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      // Not unref'd: with a stop that hangs on nothing, the loop would empty and exit with 0.
      timer = setTimeout(resolve, o.stopTimeoutMs ?? 5000);
    });
    const stopped = Promise.resolve()
      .then(o.stop)
      .catch(() => undefined);
    void Promise.race([stopped, timeout]).then(() => {
      clearTimeout(timer);
      exit(FATAL_EXIT_CODE);
    });
  };
  const onException = onFatal('uncaughtException');
  const onRejection = onFatal('unhandledRejection');
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
