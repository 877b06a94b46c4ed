// @ts-check
// The project's own lint rules, loaded by eslint.config.js as the plugin `layering`.
import { allowedImports } from './allowed-imports.js';

/** @type {import('eslint').ESLint.Plugin} */
const plugin = {
  meta: { name: 'layering' },
  rules: { 'allowed-imports': allowedImports },
};

export default plugin;
