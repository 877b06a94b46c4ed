import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const LAYOUT = 'See the layout table in README.md (## Layout).';

describe("layering/allowed-imports with the project's own table", () => {
  // The real eslint.config.js, so the test checks the table itself as well as the rule. The
  // rule needs only the file's path, so nothing is written into the repository.
  const eslint = new ESLint({ cwd: repo });
  async function refusals(file: string, code: string) {
    const [result] = await eslint.lintText(code, { filePath: join(repo, file) });
    return (result?.messages ?? [])
      .filter((message) => message.ruleId === 'layering/allowed-imports')
      .map((message) => message.message);
  }

  it('refuses a core file importing host/, pointing at the layout table', async () => {
    expect(
      await refusals('core/planted.ts', "export { createLogger } from '../host/log.ts';\n"),
    ).toEqual([`core/ may import only core/ and zod; '../host/log.ts' is host/. ${LAYOUT}`]);
  });

  it('refuses packages and builtins off the list, type-only imports included', async () => {
    expect(
      await refusals(
        'core/planted.ts',
        "import type { Server } from 'node:http';\nimport type { Database } from 'better-sqlite3';\nexport type Both = [Server, Database];\n",
      ),
    ).toEqual([
      `core/ may import only core/ and zod; 'node:http' is a Node builtin. ${LAYOUT}`,
      `core/ may import only core/ and zod; 'better-sqlite3' is the package better-sqlite3. ${LAYOUT}`,
    ]);
    expect(
      await refusals('renderer/planted.ts', "export { readFileSync } from 'node:fs';\n"),
    ).toEqual([
      `renderer/ may import only renderer/, core/ and react, react-dom, react-intl, qrcode; 'node:fs' is a Node builtin. ${LAYOUT}`,
    ]);
  });

  it('allows what the table allows', async () => {
    expect(
      await refusals(
        'core/planted.ts',
        "export { cents } from './money.ts';\nexport { z } from 'zod';\n",
      ),
    ).toEqual([]);
    expect(
      await refusals(
        'host/planted.ts',
        "export { GatewayClient } from '../gateway/client.ts';\nexport { readFileSync } from 'node:fs';\n",
      ),
    ).toEqual([]);
    expect(
      await refusals('renderer/planted.ts', "export { FormattedMessage } from 'react-intl';\n"),
    ).toEqual([]);
  });

  it('names the most specific folder the table knows', async () => {
    const code = "export { SealedKeySource } from '../hardware/face/gallery-store.ts';\n";
    expect(await refusals('electron/planted.ts', code)).toEqual([]);
    expect(
      await refusals(
        'electron/planted.ts',
        "export { ReceiptPrinter } from '../hardware/printer/receipt-printer.ts';\n",
      ),
    ).toEqual([
      expect.stringContaining(
        "'../hardware/printer/receipt-printer.ts' is hardware/. See the layout",
      ),
    ]);
  });

  it('lets only tests import vitest and the test helpers', async () => {
    const helper = "export { ManualClock } from './testing/manual-clock.ts';\n";
    expect(await refusals('hardware/planted.test.ts', helper)).toEqual([]);
    expect(await refusals('hardware/planted.ts', helper)).toEqual([
      `'./testing/manual-clock.ts' is hardware/testing/, which only tests (*.test.ts, *.test.tsx) and other test helpers may import. ${LAYOUT}`,
    ]);
    expect(
      await refusals(
        'host/planted.test.ts',
        "export { ManualClock } from '../hardware/testing/manual-clock.ts';\n",
      ),
    ).toEqual([]);
    expect(await refusals('host/planted.test.ts', "export { it } from 'vitest';\n")).toEqual([]);
    expect(await refusals('host/planted.ts', "export { it } from 'vitest';\n")).toEqual([
      expect.stringContaining("'vitest' is the package vitest."),
    ]);
  });
});
