// @ts-check
// The project's own lint rules, loaded by eslint.config.js as the plugin `layering`.
import { allowedImports } from './allowed-imports.js';
import { noCycle } from './no-cycle.js';

/** @type {import('eslint').ESLint.Plugin} */
const plugin = {
  meta: { name: 'layering' },
  rules: { 'allowed-imports': allowedImports, 'no-cycle': noCycle },
};

export default plugin;
