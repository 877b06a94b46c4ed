// @ts-check
// No import cycle among the project's own files, without adding eslint-plugin-import for its
// import/no-cycle: each import that leads back to the importing file is reported, naming the
// shortest such cycle.
import { importVisitor, projectPath } from './import-sources.js';
import { moduleGraph, resolveSource, shortestChain } from './module-graph.js';

/** @type {import('eslint').Rule.RuleModule} */
export const noCycle = {
  meta: {
    type: 'problem',
    docs: { description: "No import cycle among the project's own files." },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          root: { type: 'string' },
          ignore: { type: 'array', items: { type: 'string' } },
        },
      },
    ],
    messages: {
      cycle:
        'Import cycle: {{cycle}}. Move what both sides need into a file that neither imports back.',
    },
  },
  create(context) {
    /** @type {{ root?: string, ignore?: string[] }} */
    const options = context.options[0] ?? {};
    const root = options.root ?? context.cwd;
    const file = projectPath(root, context.filename);
    if (file === undefined) return {};
    const graph = moduleGraph(root, options.ignore ?? []);
    if (!graph.cycleOf.has(file)) return {};
    return importVisitor((node, specifier) => {
      const target = resolveSource(file, specifier, graph.files);
      if (target === undefined || !graph.cycleOf.get(file)?.has(target)) return;
      const cycle = [file, ...shortestChain(graph, target, file)];
      context.report({ node, messageId: 'cycle', data: { cycle: cycle.join(' -> ') } });
    });
  },
};
