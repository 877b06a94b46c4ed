// @ts-check
// The project's own import graph and its cycles (strongly connected components, by Tarjan's
// algorithm). ESLint lints one file at a time, but a cycle is a property of the whole graph, so
// the graph is read from disk once and kept while no source file changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SOURCE = /\.(ts|tsx|mts|cts)$/;
const EXTENSIONS = ['.ts', '.tsx', '/index.ts', '/index.tsx'];

/**
 * @typedef {object} ModuleGraph
 * @property {Set<string>} files project paths, relative to the root with `/` separators
 * @property {Map<string, string[]>} imports each file's imported project files
 * @property {Map<string, Set<string>>} cycleOf for each file in a cycle, every file of its cycle
 */

/**
 * Per project root: the graph, when the sources were last listed, and each file's stamp
 * (mtime and size) with the specifiers it names, so a change re-scans only the changed files.
 * @typedef {{ graph: ModuleGraph, listedAt: number, scanned: Map<string, { stamp: string, specifiers: string[] }> }} Cached
 * @type {Map<string, Cached>}
 */
const cache = new Map();

// ESLint asks for the graph once per linted file; listing the tree each time costs more than
// linting some files. Within this long the listing is trusted, which is one lint run in the CLI
// and, in an editor, picks up a saved change a moment later.
const TRUST_LISTING_MS = 1000;

/**
 * Every source file under `root` with its stamp, skipping dot folders, node_modules and
 * `ignore` (top-level names, as in eslint.config.js's ignores).
 * @param {string} root
 * @param {string[]} ignore
 * @returns {Map<string, string>}
 */
function listSources(root, ignore) {
  /** @type {Map<string, string>} */
  const found = new Map();
  /** @param {string} dir relative to root, '' for the root */
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      if (entry.isDirectory()) {
        if (!ignore.includes(relative)) walk(relative);
      } else if (SOURCE.test(entry.name)) {
        const { mtimeMs, size } = statSync(path.join(root, relative));
        found.set(relative, `${mtimeMs}:${size}`);
      }
    }
  };
  walk('');
  return found;
}

/**
 * The project file a relative specifier names, if it is one of `files`. Specifiers here carry
 * their `.ts` extension, but a `.js` one or none is resolved the way TypeScript would.
 * @param {string} fromPath
 * @param {string} specifier
 * @param {Set<string>} files
 */
export function resolveSource(fromPath, specifier, files) {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromPath), specifier));
  const candidates = [base, ...EXTENSIONS.map((extension) => base + extension)];
  if (/\.[cm]?js$/.test(base))
    candidates.push(base.replace(/js$/, 'ts'), base.replace(/js$/, 'tsx'));
  return candidates.find((candidate) => files.has(candidate));
}

/** @param {Map<string, string[]>} imports */
function cycles(imports) {
  /** @type {Map<string, Set<string>>} */
  const cycleOf = new Map();
  /** @type {Map<string, number>} */
  const index = new Map();
  /** @type {Map<string, number>} */
  const low = new Map();
  /** @type {string[]} */
  const stack = [];
  const onStack = new Set();
  /** @param {string} file */
  const visit = (file) => {
    index.set(file, index.size);
    low.set(file, index.size - 1);
    stack.push(file);
    onStack.add(file);
    for (const next of imports.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component = new Set();
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.add(member);
    } while (member !== file);
    if (component.size > 1 || imports.get(file)?.includes(file)) {
      for (const each of component) cycleOf.set(each, component);
    }
  };
  for (const file of imports.keys()) if (!index.has(file)) visit(file);
  return cycleOf;
}

/**
 * The graph of every .ts/.tsx file under `root`. Type-only imports are edges too: they vanish at
 * run time, so they cannot cause the half-initialised-module bugs of a runtime cycle, but two
 * files that name each other's types still cannot be read, moved or layered apart, and the
 * project's rule is "no import cycle", not "no runtime cycle".
 * @param {string} root
 * @param {string[]} ignore
 * @returns {ModuleGraph}
 */
export function moduleGraph(root, ignore) {
  const key = `${root}\0${ignore.join('\0')}`;
  const cached = cache.get(key);
  if (cached !== undefined && Date.now() - cached.listedAt < TRUST_LISTING_MS) return cached.graph;

  const listing = listSources(root, ignore);
  /** @type {Cached['scanned']} */
  const scanned = cached?.scanned ?? new Map();
  let changed = cached === undefined;
  for (const [file, stamp] of listing) {
    if (scanned.get(file)?.stamp === stamp) continue;
    // preProcessFile only scans for module names, cheaper than a parse; it sees the same forms
    // importVisitor reports (static, type-only, export-from, import(), require).
    const source = readFileSync(path.join(root, file), 'utf8');
    const { importedFiles } = ts.preProcessFile(source, true, true);
    scanned.set(file, { stamp, specifiers: importedFiles.map(({ fileName }) => fileName) });
    changed = true;
  }
  for (const file of scanned.keys()) {
    if (!listing.has(file)) changed = scanned.delete(file);
  }
  if (!changed && cached !== undefined) {
    cached.listedAt = Date.now();
    return cached.graph;
  }

  const files = new Set(listing.keys());
  /** @type {Map<string, string[]>} */
  const imports = new Map();
  for (const [file, { specifiers }] of scanned) {
    const targets = specifiers.map((specifier) => resolveSource(file, specifier, files));
    imports.set(file, [...new Set(targets.filter((target) => target !== undefined))]);
  }
  const graph = { files, imports, cycleOf: cycles(imports) };
  cache.set(key, { graph, listedAt: Date.now(), scanned });
  return graph;
}

/**
 * The shortest chain of imports from `from` to `to` inside one cycle, both ends included.
 * @param {ModuleGraph} graph
 * @param {string} from
 * @param {string} to
 */
export function shortestChain(graph, from, to) {
  const component = graph.cycleOf.get(from);
  /** @type {Map<string, string>} */
  const cameFrom = new Map();
  const queue = [from];
  const seen = new Set(queue);
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (file === to) break;
    for (const next of graph.imports.get(file) ?? []) {
      if (seen.has(next) || !component?.has(next)) continue;
      seen.add(next);
      cameFrom.set(next, file);
      queue.push(next);
    }
  }
  const chain = [to];
  for (let file = cameFrom.get(to); file !== undefined; file = cameFrom.get(file)) {
    chain.unshift(file);
  }
  return chain;
}
