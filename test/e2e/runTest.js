'use strict';
// Runs test/e2e/suite (compiled to out/e2e/suite) in the extension host with the ordinary
// @vscode/test-electron entry point. Only `vscodeExecutablePath` is unusual: it is our code-server
// shim (harness/code-shim.js), since no desktop VS Code can be downloaded where these tests run.
//
// The extension under test is the packaged one: scripts/e2e.sh installs the .vsix into
// $SQLA_E2E_RUN/extensions, which is passed as --extensions-dir. The development extension is an
// empty stub (stub-extension/) that only exists because an extension-test run needs one.
const fs = require('fs');
const path = require('path');
const { runTests } = require('@vscode/test-electron');

const ROOT = path.resolve(__dirname, '../..');
const RUN = process.env.SQLA_E2E_RUN || path.join(ROOT, '.cache/e2e-run');

async function main() {
  const extensionsDir = path.join(RUN, 'extensions');
  const workspace = path.join(RUN, 'workspace-extension-host');
  const results = path.join(RUN, 'results', 'extension-host.json');
  // The tests edit files and write .vscode/settings.json: give them a fresh copy of the fixture.
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.cpSync(path.join(__dirname, 'workspace'), workspace, { recursive: true });
  fs.mkdirSync(path.dirname(results), { recursive: true });
  fs.rmSync(results, { force: true });
  await runTests({
    vscodeExecutablePath: path.join(__dirname, 'harness', 'code-shim.js'),
    extensionDevelopmentPath: path.join(__dirname, 'stub-extension'),
    extensionTestsPath: path.join(ROOT, 'out', 'e2e', 'suite'),
    launchArgs: [workspace, `--extensions-dir=${extensionsDir}`, `--user-data-dir=${path.join(RUN, 'user-data-extension-host')}`],
    extensionTestsEnv: {
      SQLA_E2E_RESULTS: results,
      SQLA_E2E_EXTENSIONS_DIR: extensionsDir,
      SQLA_E2E_EXPECTED: path.join(__dirname, 'expected'),
    },
  });
}

main().catch((error) => {
  console.error(`extension host tests failed: ${error.message}`);
  process.exit(1);
});
