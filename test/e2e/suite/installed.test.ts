// The extension under test is the packaged .vsix that scripts/e2e.sh installed, not the source tree.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { activate, EXTENSION_ID } from './helpers';

suite('installed extension', () => {
  test('is loaded from the installed .vsix and activates', async () => {
    const extension = await activate();
    assert.strictEqual(extension.isActive, true);
    const extensionsDir = process.env.SQLA_E2E_EXTENSIONS_DIR;
    assert.ok(extensionsDir, 'SQLA_E2E_EXTENSIONS_DIR reaches the extension host');
    assert.ok(
      path.resolve(extension.extensionPath).startsWith(path.resolve(extensionsDir) + path.sep),
      `${EXTENSION_ID} runs from ${extension.extensionPath}, expected a folder in ${extensionsDir}`,
    );
    // What a user installs: the bundles and the grammar, none of the TypeScript sources.
    for (const file of ['package.json', 'dist/extension.js', 'dist/server.js', 'dist/tree-sitter-python.wasm', 'media/icon.png']) {
      assert.ok(fs.existsSync(path.join(extension.extensionPath, file)), `${file} is in the package`);
    }
    for (const absent of ['server/src', 'client/src', 'test', 'node_modules']) {
      assert.ok(!fs.existsSync(path.join(extension.extensionPath, absent)), `${absent} is not in the package`);
    }
  });
});
