'use strict';
// A private code-server for one test run: its own user data, extensions and XDG folders, bound to
// 127.0.0.1 only, started in its own session so that stopping it also ends the extension hosts
// and language servers it forked (they would otherwise outlive the browser tab).
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');

const ROOT = path.resolve(__dirname, '../../..');
const DEFAULT_BIN = path.join(ROOT, '.cache/code-server/node_modules/.bin/code-server');

/** Settings that keep the workbench quiet and offline: no welcome page, update checks or telemetry. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'files.autoSave': 'off',
  'chat.commandCenter.enabled': false,
  // Test workspaces live inside this repository's .cache/: do not offer to open its git repository.
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function healthy(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts code-server and resolves once it answers on /healthz.
 * @param {{ dir: string, extensionsDir: string, userDataDir?: string, settings?: object, env?: object }} options
 * @returns {Promise<{ port: number, origin: string, logFile: string, stop: () => Promise<void> }>}
 */
async function startCodeServer(options) {
  const bin = process.env.SQLA_E2E_CODE_SERVER || DEFAULT_BIN;
  if (!fs.existsSync(bin)) throw new Error(`code-server is not installed at ${bin}; run scripts/e2e.sh setup`);
  const dir = path.resolve(options.dir);
  const userDataDir = path.resolve(options.userDataDir || path.join(dir, 'user-data'));
  const xdg = path.join(dir, 'xdg');
  for (const d of [options.extensionsDir, path.join(userDataDir, 'User'), xdg]) fs.mkdirSync(d, { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  fs.writeFileSync(settingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const logFile = path.join(dir, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  // Port 0: the kernel picks a free port and code-server logs which one.
  const child = spawn(bin, [
    '--config', config,
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', path.resolve(options.extensionsDir),
  ], {
    detached: true, // setsid(): the child leads a new process group that stop() kills as a whole
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(xdg, 'config'),
      XDG_DATA_HOME: path.join(xdg, 'data'),
      XDG_CACHE_HOME: path.join(xdg, 'cache'),
      // No extension gallery (open-vsx.org by default): nothing to install, and no failing lookups.
      EXTENSIONS_GALLERY: '{}',
      ...options.env,
    },
  });
  fs.closeSync(log);
  const pid = child.pid;
  let exited = false;
  child.on('exit', () => { exited = true; });
  const killNow = () => { try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ } };
  process.on('exit', killNow); // last resort when the caller dies without calling stop()

  const stop = async () => {
    process.removeListener('exit', killNow);
    try { process.kill(-pid, 'SIGTERM'); } catch { return; }
    for (let i = 0; i < 30 && groupAlive(pid); i++) await sleep(100);
    killNow();
  };

  const deadline = Date.now() + 60000;
  let port;
  while (!port) {
    if (exited) throw new Error(`code-server exited during startup:\n${fs.readFileSync(logFile, 'utf8')}`);
    if (Date.now() > deadline) { await stop(); throw new Error(`code-server did not start:\n${fs.readFileSync(logFile, 'utf8')}`); }
    const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(logFile, 'utf8'));
    if (match) port = Number(match[1]);
    else await sleep(100);
  }
  while (!(await healthy(port))) {
    if (exited || Date.now() > deadline) { await stop(); throw new Error(`code-server is not healthy:\n${fs.readFileSync(logFile, 'utf8')}`); }
    await sleep(100);
  }
  return { port, origin: `http://127.0.0.1:${port}`, logFile, stop };
}

/** The URI of a server-side path as the web workbench names it. */
function remoteUri(server, fsPath) {
  return `vscode-remote://127.0.0.1:${server.port}${path.resolve(fsPath)}`;
}

module.exports = { startCodeServer, remoteUri, sleep, ROOT };
