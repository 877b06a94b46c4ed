// @ts-check
// What both layering rules share: which syntax imports a module, and where a specifier points.
// Plain JavaScript because eslint.config.js loads it straight from Node, with no TypeScript step.
import { isBuiltin } from 'node:module';
import path from 'node:path';

/**
 * @typedef {{ kind: 'file', path: string }
 *   | { kind: 'package', name: string }
 *   | { kind: 'builtin', name: string }
 *   | { kind: 'outside', path: string }} ImportTarget
 * `path` of a file is relative to the project root, with `/` separators.
 */

/** @param {string} file */
export const toPosix = (file) => file.split(path.sep).join('/');

/**
 * The file's path relative to the project root, or undefined when it lies outside it (stdin,
 * a file linted from elsewhere).
 * @param {string} root
 * @param {string} filename absolute, as ESLint gives it
 */
export function projectPath(root, filename) {
  if (!path.isAbsolute(filename)) return undefined;
  const relative = toPosix(path.relative(root, filename));
  return relative.startsWith('../') || path.isAbsolute(relative) ? undefined : relative;
}

/** '@scope/name/sub/path' -> '@scope/name'; 'name/sub' -> 'name'. @param {string} specifier */
export function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * @param {string} specifier as written in the import
 * @param {string} fromPath the importing file, relative to the project root
 * @returns {ImportTarget}
 */
export function importTarget(specifier, fromPath) {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const joined = specifier.startsWith('/')
      ? specifier
      : path.posix.normalize(path.posix.join(path.posix.dirname(fromPath), specifier));
    if (joined.startsWith('../') || joined.startsWith('/'))
      return { kind: 'outside', path: joined };
    // A relative path into node_modules reaches a package (serialport's ambient declarations).
    const segments = joined.split('/');
    const modules = segments.lastIndexOf('node_modules');
    if (modules !== -1) {
      return { kind: 'package', name: packageName(segments.slice(modules + 1).join('/')) };
    }
    return { kind: 'file', path: joined };
  }
  if (isBuiltin(specifier)) return { kind: 'builtin', name: specifier };
  return { kind: 'package', name: packageName(specifier) };
}

/**
 * A visitor that calls `onImport` with the node that imports and the specifier it names, for
 * every form that reaches another module: import and export-from declarations (type-only ones
 * too), `import()` expressions and types, `import x = require()` and `require()`.
 * @param {(node: import('eslint').Rule.Node, specifier: string) => void} onImport
 * @returns {import('eslint').Rule.RuleListener}
 */
export function importVisitor(onImport) {
  // The TypeScript node types (TSImportType, TSExternalModuleReference) are not in ESLint's
  // ESTree types, so the nodes are read loosely here and only their string literal is used.
  /** @param {any} node @param {any} source */
  const literal = (node, source) => {
    if (source?.type === 'Literal' && typeof source.value === 'string')
      onImport(node, source.value);
  };
  return {
    ImportDeclaration: (node) => literal(node, node.source),
    ExportNamedDeclaration: (node) => literal(node, node.source),
    ExportAllDeclaration: (node) => literal(node, node.source),
    ImportExpression: (node) => literal(node, node.source),
    /** @param {any} node */
    TSImportType: (node) => literal(node, node.source ?? node.argument?.literal),
    /** @param {any} node */
    TSExternalModuleReference: (node) => literal(node, node.expression),
    CallExpression: (node) => {
      const { callee } = node;
      if (
        callee.type === 'Identifier' &&
        callee.name === 'require' &&
        node.arguments.length === 1
      ) {
        literal(node, node.arguments[0]);
      }
    },
  };
}
