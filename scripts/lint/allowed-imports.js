// @ts-check
// Layering as an allow-list: each folder names the project folders and the packages it may
// import, and anything else is an error. ESLint's no-restricted-imports can only forbid, and a
// deny-list silently allows whatever nobody thought to forbid (a new package, a new folder).
import { importTarget, importVisitor, projectPath } from './import-sources.js';

/**
 * @typedef {object} Layer
 * @property {string[]} imports project folders (or files) it may import; '*' is the whole project
 * @property {string[]} packages npm packages ('@scope/*' for a scope, '*' for any) and 'node:*'
 *   for Node's builtins
 * @property {string[]} [testImports] what its tests may import besides
 * @property {string[]} [testPackages]
 *
 * @typedef {object} Options
 * @property {string} [root] the project root; defaults to ESLint's cwd
 * @property {Record<string, Layer>} layers keyed by folder; the most specific key holding a file
 *   is its layer, so 'renderer/vite.config.ts' can differ from the rest of renderer/
 * @property {{ suffixes: string[], packages: string[], helpers: string[] }} tests `helpers` are
 *   folders only tests (and other helpers) may import; test files and helpers may also import
 *   `packages`
 */

const LAYOUT = 'See the layout table in README.md (## Layout).';

/** @param {string} folder @param {string} file */
const holds = (folder, file) => folder === '*' || file === folder || file.startsWith(`${folder}/`);

/** The most specific of `folders` that holds `file`. @param {string[]} folders @param {string} file */
const innermost = (folders, file) =>
  folders
    .filter((folder) => folder !== '*' && holds(folder, file))
    .sort((a, b) => b.length - a.length)[0];

/** @param {string} folder */
const shown = (folder) =>
  folder === '*' ? 'any project file' : /\.\w+$/.test(folder) ? folder : `${folder}/`;

/** @param {string} pattern */
const shownPackage = (pattern) =>
  pattern === 'node:*' ? 'Node builtins' : pattern === '*' ? 'any package' : pattern;

/** 'a', 'a and b', 'a, b and c'. @param {string[]} items */
function listed(items) {
  if (items.length <= 1) return items[0] ?? 'nothing';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * @param {string[]} patterns
 * @param {import('./import-sources.js').ImportTarget} target
 */
function packageAllowed(patterns, target) {
  if (target.kind === 'builtin' && patterns.includes('node:*')) return true;
  const name = target.kind === 'builtin' || target.kind === 'package' ? target.name : '';
  return patterns.some(
    (pattern) =>
      pattern === '*' ||
      pattern === name ||
      (pattern.endsWith('/*') && name.startsWith(pattern.slice(0, -1))),
  );
}

const stringList = { type: 'array', items: { type: 'string' } };

/** @type {import('eslint').Rule.RuleModule} */
export const allowedImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Each folder imports only the folders and packages it is allowed to.' },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        required: ['layers', 'tests'],
        properties: {
          root: { type: 'string' },
          layers: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['imports', 'packages'],
              properties: {
                imports: stringList,
                packages: stringList,
                testImports: stringList,
                testPackages: stringList,
              },
            },
          },
          tests: {
            type: 'object',
            additionalProperties: false,
            required: ['suffixes', 'packages', 'helpers'],
            properties: { suffixes: stringList, packages: stringList, helpers: stringList },
          },
        },
      },
    ],
    messages: {
      notAllowed: "{{who}} may import only {{allowed}}; '{{specifier}}' is {{what}}. {{layout}}",
      testsOnly:
        "'{{specifier}}' is {{what}}, which only tests ({{suffixes}}) and other test helpers may import. {{layout}}",
    },
  },
  create(context) {
    /** @type {Options} */
    const options = context.options[0];
    const file = projectPath(options.root ?? context.cwd, context.filename);
    if (file === undefined) return {};
    const layerName = innermost(Object.keys(options.layers), file);
    const layer = layerName === undefined ? undefined : options.layers[layerName];
    if (layerName === undefined || layer === undefined) return {};

    const { tests } = options;
    const isTest =
      tests.suffixes.some((suffix) => file.endsWith(suffix)) ||
      tests.helpers.some((helper) => holds(helper, file));
    const imports = isTest ? [...layer.imports, ...(layer.testImports ?? [])] : layer.imports;
    const packages = isTest
      ? [...layer.packages, ...(layer.testPackages ?? []), ...tests.packages]
      : layer.packages;
    const who = `${shown(layerName)}${isTest ? ' tests' : ''}`;
    const allowed = listed([
      ...imports.map(shown),
      ...(packages.length > 0 ? [packages.map(shownPackage).join(', ')] : []),
    ]);
    // Every folder the table names, so a target is described as precisely as the table is.
    const known = [
      ...Object.keys(options.layers),
      ...Object.values(options.layers).flatMap((l) => [...l.imports, ...(l.testImports ?? [])]),
      ...tests.helpers,
    ];

    return importVisitor((node, specifier) => {
      const target = importTarget(specifier, file);
      /** @param {string} what */
      const refuse = (what) =>
        context.report({
          node,
          messageId: 'notAllowed',
          data: { who, allowed, specifier, what, layout: LAYOUT },
        });
      if (target.kind === 'builtin') {
        if (!packageAllowed(packages, target)) refuse('a Node builtin');
      } else if (target.kind === 'package') {
        if (!packageAllowed(packages, target)) refuse(`the package ${target.name}`);
      } else if (target.kind === 'outside') {
        if (!imports.includes('*')) refuse('outside the project');
      } else if (!imports.some((folder) => holds(folder, target.path))) {
        // A root file ('playwright.config.ts') has no folder: it is named itself.
        refuse(shown(innermost(known, target.path) ?? target.path.split('/')[0] ?? target.path));
      } else {
        const helper = tests.helpers.find((h) => holds(h, target.path));
        if (helper !== undefined && !isTest && !imports.includes('*')) {
          context.report({
            node,
            messageId: 'testsOnly',
            data: {
              specifier,
              what: shown(helper),
              suffixes: tests.suffixes.map((s) => `*${s}`).join(', '),
              layout: LAYOUT,
            },
          });
        }
      }
    });
  },
};
