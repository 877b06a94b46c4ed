import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, expect, it } from 'vitest';
import layering from './plugin.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const LAYOUT = 'See the layout table in README.md (## Layout).';

describe('layering/no-cycle', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  /** Lints a planted project; returns each file's no-cycle messages. */
  async function lintProject(files: Record<string, string>) {
    const root = mkdtempSync(join(tmpdir(), 'no-cycle-'));
    roots.push(root);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tseslint.parser },
          plugins: { layering },
          rules: { 'layering/no-cycle': ['error', { root }] },
        },
      ],
    });
    const results = await eslint.lintFiles(['.']);
    return Object.fromEntries(
      results.map((result) => [
        relative(root, result.filePath),
        result.messages.map((message) => `${message.line}: ${message.message}`),
      ]),
    );
  }

  it('names the cycle on the import of each file in it, and leaves files outside it alone', async () => {
    const found = await lintProject({
      'a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
      'c.ts': "import { a } from './a.ts';\nexport const c = a;\n",
    });
    expect(found).toEqual({
      'a.ts': [
        '1: Import cycle: a.ts -> b.ts -> a.ts. Move what both sides need into a file that neither imports back.',
      ],
      'b.ts': [
        '1: Import cycle: b.ts -> a.ts -> b.ts. Move what both sides need into a file that neither imports back.',
      ],
      'c.ts': [],
    });
  });

  it('counts type-only imports and export-from, and names the shortest cycle', async () => {
    const found = await lintProject({
      'core/x.ts': "import type { Z } from './z.ts';\nexport type X = Z[];\n",
      'core/y.ts': "export * from './x.ts';\n",
      'core/z.ts': "import type { X } from './x.ts';\nexport type Z = { x?: X };\n",
    });
    expect(found['core/x.ts']).toEqual([
      expect.stringContaining('Import cycle: core/x.ts -> core/z.ts -> core/x.ts.'),
    ]);
    expect(found['core/z.ts']).toEqual([
      expect.stringContaining('Import cycle: core/z.ts -> core/x.ts -> core/z.ts.'),
    ]);
    expect(found['core/y.ts']).toEqual([]);
  });
});

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
    const code = "export { SimulatedCamera } from '../hardware/camera/simulated-camera.ts';\n";
    expect(await refusals('face/planted.ts', code)).toEqual([]);
    expect(
      await refusals(
        'face/planted.ts',
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
