// Types for prerequisites.mjs, which `npm test` runs with plain node before any TypeScript.
export interface MissingPrerequisite {
  /** The Debian package to install. */
  package: string;
  /** What happens to the tests without it. */
  effect: string;
}
export const HEADLESS_SHELL_PATH: string;
export const CHROMIUM_PATHS: readonly string[];
export function onPath(command: string, path?: string): boolean;
export function missingPrerequisites(options?: {
  path?: string;
  exists?: (file: string) => boolean;
}): MissingPrerequisite[];
export function prerequisitesLine(missing: readonly MissingPrerequisite[]): string | undefined;
