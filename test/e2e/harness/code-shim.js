#!/usr/bin/env node
'use strict';
// Stands in for the VS Code executable in @vscode/test-electron's `runTests({ vscodeExecutablePath })`.
//
// It understands the part of the desktop command line that runTests() produces:
//   --extensionTestsPath=DIR  --extensionDevelopmentPath=DIR (repeatable)  --extensions-dir=DIR
//   --user-data-dir=DIR  and one positional workspace folder;
// other flags (--no-sandbox, --disable-updates, ...) mean nothing here and are ignored.
//
// It starts a private code-server with that extensions folder, opens the workspace in headless
// Chromium and hands the test paths to the web workbench through its `payload` URL parameter, which
// is how VS Code's own browser integration tests start an extension-test run. The workbench calls
// window.codeAutomationLog for the extension host's console output and window.codeAutomationExit
// with its exit code; this process prints the former and exits with the latter.
const fs = require('fs');
const path = require('path');
const util = require('util');
const { startCodeServer, remoteUri, ROOT } = require('./codeServer');
const { launchBrowser } = require('./browser');

function parseArgs(argv) {
  const parsed = { devPaths: [], testsPath: undefined, extensionsDir: undefined, userDataDir: undefined, folder: undefined };
  for (const arg of argv) {
    const value = arg.slice(arg.indexOf('=') + 1);
    if (arg.startsWith('--extensionDevelopmentPath=')) parsed.devPaths.push(value);
    else if (arg.startsWith('--extensionTestsPath=')) parsed.testsPath = value;
    else if (arg.startsWith('--extensions-dir=')) parsed.extensionsDir = value;
    else if (arg.startsWith('--user-data-dir=')) parsed.userDataDir = value;
    else if (arg.startsWith('-')) continue;
    else parsed.folder = arg;
  }
  return parsed;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.testsPath || args.devPaths.length === 0) {
    console.error('code-shim: needs --extensionTestsPath and --extensionDevelopmentPath');
    return 2;
  }
  const runRoot = process.env.SQLA_E2E_RUN || path.join(ROOT, '.cache/e2e-run');
  fs.mkdirSync(runRoot, { recursive: true });
  const dir = fs.mkdtempSync(path.join(runRoot, 'shim-'));
  const folder = args.folder || fs.mkdtempSync(path.join(dir, 'empty-workspace-'));
  const artifacts = process.env.SQLA_E2E_ARTIFACTS;
  const timeoutMs = Number(process.env.SQLA_E2E_TIMEOUT_MS || 600000);

  let server;
  let browser;
  const cleanup = async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (artifacts && server) fs.copyFileSync(server.logFile, path.join(artifacts, 'extension-host-code-server.log'));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  let interrupted = false;
  const onSignal = (signal) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`code-shim: ${signal}, shutting down`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    server = await startCodeServer({
      dir,
      extensionsDir: args.extensionsDir || path.join(dir, 'extensions'),
      userDataDir: args.userDataDir,
    });
    browser = await launchBrowser({ profileDir: path.join(dir, 'chromium') });
    const { page } = browser;
    let finish;
    const exited = new Promise((resolve) => { finish = resolve; });
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      const text = util.format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
      if (type === 'error') console.error(text);
      else console.log(text);
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));
    page.on('pageerror', (error) => console.error(`code-shim: page error: ${error.message}`));

    const payload = [
      ...args.devPaths.map((p) => ['extensionDevelopmentPath', remoteUri(server, p)]),
      ['extensionTestsPath', remoteUri(server, args.testsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    const url = `${server.origin}/?folder=${encodeURIComponent(path.resolve(folder))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const timer = setTimeout(() => {
      console.error(`code-shim: no exit code from the extension host after ${timeoutMs / 1000}s`);
      finish(124);
    }, timeoutMs);
    await page.goto(url);
    const code = await exited;
    clearTimeout(timer);
    if (code !== 0 && artifacts) await page.screenshot({ path: path.join(artifacts, 'extension-host-failure.png') }).catch(() => {});
    return code;
  } finally {
    if (!interrupted) await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`code-shim: ${error && error.stack ? error.stack : error}`);
    process.exit(1);
  },
);
