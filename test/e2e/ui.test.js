'use strict';
// UI test: the installed .vsix in code-server, seen and driven through headless Chromium like a user.
// Opens the fixture workspace, waits for the SQA401 squiggle and its Problems entry, hovers it,
// applies the preferred quick fix with Ctrl+., saves, and opens the "SQLAlchemy Upgrade" activity
// bar container. Screenshots go to .test-artifacts/e2e/ui-*.png.
//
// Each step counts as one test in the result file scripts/e2e.sh reads; after a failed step the
// remaining ones are skipped (they depend on it).
const fs = require('fs');
const path = require('path');
const { startCodeServer, ROOT } = require('./harness/codeServer');
const { launchBrowser } = require('./harness/browser');

const RUN = process.env.SQLA_E2E_RUN || path.join(ROOT, '.cache/e2e-run');
const ARTIFACTS = process.env.SQLA_E2E_ARTIFACTS || path.join(ROOT, '.test-artifacts/e2e');
const T0 = Date.now();
const log = (...args) => console.log(`[ui ${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...args);

const LEGACY = 'session.query(User).get(user_id)';
const FIXED = 'session.get(User, user_id)';
const SQUIGGLES = '.squiggly-error, .squiggly-warning, .squiggly-info';

async function main() {
  const dir = path.join(RUN, 'ui');
  const workspace = path.join(RUN, 'workspace-ui');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.cpSync(path.join(__dirname, 'workspace'), workspace, { recursive: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const modelsFile = path.join(workspace, 'app', 'models.py');

  const steps = [];
  const results = { passed: 0, failed: 0, failures: [], skipped: [] };
  const step = (name, fn) => steps.push({ name, fn });

  let server;
  let browser;
  let page;
  const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `ui-${name}.png`) });

  /** The squiggle drawn over the line that contains `text`, found by vertical position. */
  async function squiggleOnLine(text) {
    const line = page.locator('.monaco-editor .view-line', { hasText: text }).first();
    const lineBox = await line.boundingBox();
    if (!lineBox) return undefined;
    for (const squiggle of await page.locator(`.monaco-editor ${SQUIGGLES.split(', ').join(', .monaco-editor ')}`).all()) {
      const box = await squiggle.boundingBox();
      if (box && box.width > 0 && box.y + box.height / 2 >= lineBox.y && box.y + box.height / 2 <= lineBox.y + lineBox.height) return box;
    }
    return undefined;
  }
  async function waitForSquiggle(text, timeout) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const box = await squiggleOnLine(text);
      if (box) return box;
      if (Date.now() > deadline) throw new Error(`no squiggle on the line with "${text}" after ${timeout / 1000}s`);
      await page.waitForTimeout(200);
    }
  }
  // The editor renders spaces as no-break spaces.
  const editorText = () => page.evaluate(() => (document.querySelector('.monaco-editor .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' '));

  step('workbench opens the fixture workspace', async () => {
    server = await startCodeServer({ dir, extensionsDir: path.join(RUN, 'extensions') });
    browser = await launchBrowser({ profileDir: path.join(dir, 'chromium') });
    page = browser.page;
    await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'app' }).first();
    await folder.waitFor({ timeout: 60000 });
    log('workbench up');
    await shot('1-workbench');
  });

  step('SQA401 squiggle appears in app/models.py', async () => {
    const models = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'models.py' });
    if (!(await models.count())) await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'app' }).first().click();
    await models.first().click();
    await page.locator('.monaco-editor .view-line', { hasText: LEGACY }).first().waitFor({ timeout: 30000 });
    await waitForSquiggle(LEGACY, 60000);
    log('squiggle visible');
  });

  /** Opens the SQLAlchemy Upgrade side bar (if it is not open) and returns the view's rows as text. */
  async function progressRows() {
    const title = page.locator('.sidebar .composite.title', { hasText: /SQLAlchemy Upgrade/i }).first();
    if (!(await title.isVisible().catch(() => false))) {
      // Click the item itself: its badge (findings left) overlays the icon link.
      const item = page.locator('.activitybar .action-item', { has: page.locator('a[aria-label^="SQLAlchemy Upgrade"]') });
      await item.first().waitFor({ timeout: 15000 });
      await item.first().click();
      await title.waitFor({ timeout: 15000 });
    }
    const rows = page.locator('.sidebar .pane-body .monaco-list-row');
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  async function waitForRow(pattern, timeout) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const rows = await progressRows();
      const row = rows.find((r) => pattern.test(r));
      if (row) return { row, rows };
      if (Date.now() > deadline) throw new Error(`no Migration Progress row matching ${pattern}; rows: ${rows.join(' | ')}`);
      await page.waitForTimeout(300);
    }
  }

  step('the Migration Progress view shows its counts beside the squiggle', async () => {
    const { row: summary } = await waitForRow(/0\/2 files migrated/, 30000);
    const { row: rule, rows } = await waitForRow(/SQA401 query-get\s*2$/, 15000);
    log('progress view:', rows.join(' | '));
    if (!/findings? left/.test(summary)) throw new Error(`the summary row has no findings count: ${summary}`);
    if (!rows.some((r) => /Legacy Query API/.test(r))) throw new Error('no "Legacy Query API" group');
    log('summary:', summary, '- rule:', rule);
    await page.mouse.move(700, 450);
    await waitForSquiggle(LEGACY, 10000);
    await shot('2-squiggle-and-progress-view');
  });

  step('Problems panel lists the SQA401 finding', async () => {
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'Query.get() is legacy' });
    await problem.first().waitFor({ timeout: 15000 });
    const text = (await problem.first().innerText()).replace(/\s+/g, ' ');
    log('problems entry:', text);
    if (!text.includes('SQA401')) throw new Error(`the Problems entry does not name SQA401: ${text}`);
    await shot('3-problems');
  });

  step('hover shows the rule documentation', async () => {
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'SQA401 query-get' });
    for (let attempt = 1; ; attempt++) {
      const box = await squiggleOnLine(LEGACY);
      if (!box) throw new Error('squiggle gone before hovering');
      await page.mouse.move(box.x + 5, box.y + box.height / 2);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
      try {
        await hover.first().waitFor({ timeout: 5000 });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        log(`hover not shown (attempt ${attempt}), retrying`);
        await page.mouse.move(5, 5);
        await page.waitForTimeout(500);
      }
    }
    await shot('3-hover');
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
  });

  step('Ctrl+. applies the preferred quick fix', async () => {
    // The lightbulb menu can come up empty when it races the language client: click into the
    // squiggle again and retry.
    const preferred = page.locator('.action-widget .monaco-list-row', { hasText: 'Use Session.get()' });
    for (let attempt = 1; ; attempt++) {
      const box = await squiggleOnLine(LEGACY);
      if (!box) throw new Error('squiggle gone before Ctrl+.');
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForTimeout(300);
      await page.keyboard.press('Control+.');
      try {
        await preferred.first().waitFor({ timeout: 5000 });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        log(`quick fix menu not shown (attempt ${attempt}), retrying`);
        await page.keyboard.press('Escape');
        await page.waitForTimeout(1000);
      }
    }
    await shot('4-quick-fix-menu');
    // The keyboard chooses (a click would land on the menu's pointer-blocking overlay). The preferred
    // fix should be focused; walk down to it if the menu lists something else first.
    const focused = page.locator('.action-widget .monaco-list-row.focused');
    for (let i = 0; i < 10 && !(await focused.innerText().catch(() => '')).includes('Use Session.get()'); i++) {
      await page.keyboard.press('ArrowDown');
    }
    const choice = await focused.innerText();
    log('choosing:', choice.replace(/\s+/g, ' '));
    if (!choice.includes('Use Session.get()')) throw new Error(`could not focus the preferred fix; focused: ${choice}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (fixed) => (document.querySelector('.monaco-editor .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ').includes(fixed),
      FIXED, { timeout: 15000 });
    if ((await editorText()).includes(LEGACY)) throw new Error('the legacy call is still in the editor');
    log('editor text changed');
  });

  step('Ctrl+S saves the fix and the squiggle goes away', async () => {
    await page.keyboard.press('Control+S');
    const deadline = Date.now() + 15000;
    while (!fs.readFileSync(modelsFile, 'utf8').includes(FIXED)) {
      if (Date.now() > deadline) throw new Error('app/models.py on disk was not updated');
      await page.waitForTimeout(200);
    }
    const onDisk = fs.readFileSync(modelsFile, 'utf8');
    const expected = fs.readFileSync(path.join(__dirname, 'workspace', 'app', 'models.py'), 'utf8').replace(LEGACY, FIXED);
    if (onDisk !== expected) throw new Error(`unexpected file on disk:\n${onDisk}`);
    const gone = Date.now() + 15000;
    while (await squiggleOnLine(FIXED)) {
      if (Date.now() > gone) throw new Error('the squiggle is still there after the fix');
      await page.waitForTimeout(200);
    }
    log('saved, squiggle gone');
    await shot('5-fixed');
  });

  step('the Migration Progress view counts one SQA401 fewer after the fix', async () => {
    const { row, rows } = await waitForRow(/SQA401 query-get\s*1$/, 30000);
    log('progress view after the fix:', rows.join(' | '));
    if (!row) throw new Error('SQA401 count did not drop');
    await page.mouse.move(700, 450);
    await shot('6-progress-after-fix');
  });

  let failed = false;
  try {
    for (const { name, fn } of steps) {
      if (failed) {
        results.skipped.push(name);
        console.log(`  - ${name} (skipped)`);
        continue;
      }
      const started = Date.now();
      try {
        await fn();
        results.passed++;
        console.log(`  ✔ ${name} (${Date.now() - started}ms)`);
      } catch (error) {
        failed = true;
        results.failed++;
        results.failures.push(`ui: ${name}: ${error.message.split('\n')[0]}`);
        console.log(`  ✘ ${name}: ${error.stack || error}`);
        if (page) await shot('failure').catch(() => {});
      }
    }
  } finally {
    if (browser) await browser.close();
    if (server) {
      await server.stop();
      fs.copyFileSync(server.logFile, path.join(ARTIFACTS, 'ui-code-server.log'));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const out = path.join(RUN, 'results', 'ui.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`ui: ${results.passed} passed, ${results.failed} failed${results.skipped.length ? `, ${results.skipped.length} skipped` : ''}`);
  return results.failed === 0 ? 0 : 1;
}

process.on('SIGINT', () => process.exit(130)); // 'exit' handlers still stop code-server
process.on('SIGTERM', () => process.exit(143));
main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
