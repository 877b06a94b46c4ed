// The plugin is JavaScript (Node loads it from eslint.config.js untranspiled) and tsconfig does
// not check JavaScript, so this gives TypeScript importers (its test) the plugin's type.
import type { ESLint } from 'eslint';

declare const plugin: ESLint.Plugin;
export default plugin;
