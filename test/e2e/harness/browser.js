'use strict';
// Debian's Chromium, headless, through playwright-core. It may only talk to 127.0.0.1: every other
// request is aborted, so a test can never depend on the network (or leak to it).
const fs = require('fs');
const path = require('path');

const FLAGS = [
  '--no-sandbox', // we usually run as root in a container
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--password-store=basic',
];

/**
 * @param {{ profileDir: string, viewport?: { width: number, height: number } }} options
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void> }>}
 */
async function launchBrowser(options) {
  const { chromium } = require('playwright-core');
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`no browser at ${executablePath}; run scripts/e2e.sh setup (or set CHROMIUM)`);
  const profileDir = path.resolve(options.profileDir);
  const home = path.join(profileDir, 'home'); // ~/.pki, ~/.config/chromium, ~/.cache: all here, not in $HOME
  fs.mkdirSync(home, { recursive: true });
  const context = await chromium.launchPersistentContext(path.join(profileDir, 'profile'), {
    executablePath,
    headless: true,
    viewport: options.viewport || { width: 1400, height: 900 },
    args: FLAGS,
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      XDG_DATA_HOME: path.join(home, '.local/share'),
    },
  });
  const blocked = new Set();
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    if (!blocked.has(url.origin)) {
      blocked.add(url.origin);
      if (process.env.SQLA_E2E_DEBUG) console.log(`(browser) blocked a request to ${url.origin}`);
    }
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(profileDir, { recursive: true, force: true });
  };
  return { context, page, close };
}

module.exports = { launchBrowser };
