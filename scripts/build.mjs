// Bundles the language server, its scan worker, the CLI and the extension client, and ships the grammar WASM beside them.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'fs';
import { createRequire } from 'module';
import { patchTreeSitter } from './treeSitterPatch.mjs';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
mkdirSync('dist', { recursive: true });

// The ESM build of web-tree-sitter needs import.meta, which a CommonJS bundle lacks: take its CJS
// build, with the speed patches of treeSitterPatch.mjs.
const treeSitterPath = require.resolve('web-tree-sitter');
const treeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: treeSitterPath }));
    build.onLoad({ filter: /tree-sitter\.cjs$/ }, (args) =>
      args.path === treeSitterPath ? { contents: patchTreeSitter(readFileSync(args.path, 'utf8')), loader: 'js' } : undefined);
  },
};
const common = { plugins: [treeSitterCjs], bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: !production, minify: production, logLevel: 'warning' };
await Promise.all([
  esbuild.build({ ...common, entryPoints: { server: 'server/src/server.ts' }, outdir: 'dist' }),
  // The workers of the workspace scan: their own bundle, with the same patched web-tree-sitter.
  esbuild.build({ ...common, entryPoints: { scanWorker: 'server/src/engine/scanWorker.ts' }, outdir: 'dist' }),
  esbuild.build({ ...common, entryPoints: { cli: 'server/src/cli.ts' }, outdir: 'dist' }),
  esbuild.build({ ...common, entryPoints: { bench: 'scripts/bench.ts' }, outdir: 'dist' }),
  esbuild.build({ ...common, entryPoints: { docs: 'scripts/docs.ts' }, outdir: 'dist', sourcemap: false }),
  esbuild.build({ ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] }),
]);
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), 'dist/tree-sitter-python.wasm');
