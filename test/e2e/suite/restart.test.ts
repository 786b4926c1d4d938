// A language server that dies is started again by the client (vscode-languageclient's default
// error handler restarts it up to four times in three minutes; the extension keeps that handler),
// which sends it the open documents again: diagnostics come back and the progress view is rebuilt.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activate, open, ourDiagnostics, revertAndCloseAll, waitFor, waitForDiagnostics } from './helpers';

interface ExtensionApi {
  progress: {
    report: { findingsLeft: number } | undefined;
    update(report: unknown): void;
    getChildren(node?: unknown): unknown[];
  };
  badge: () => vscode.ViewBadge | undefined;
  statusText: () => string;
}

const EMPTY_REPORT = { files: [], filesUsingSqlAlchemy: 0, filesMigrated: 0, findingsLeft: 0, scan: { running: false, done: 0, total: 0 } };

/** The language server processes of the extension under test: children of this extension host running its dist/server.js. */
function serverPids(extensionPath: string): number[] {
  const script = path.resolve(extensionPath, 'dist', 'server.js');
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    let stat: string;
    try {
      args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // the process ended meanwhile
    }
    // `pid (name) state ppid ...`: the name may hold spaces, so read after its closing parenthesis.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === process.pid && args.some((a) => a && path.resolve(a) === script)) pids.push(Number(entry));
  }
  return pids;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms / 1000}s waiting for ${what}`)), ms))]);
}

suite('language server restart', () => {
  let extension: vscode.Extension<unknown>;
  let api: ExtensionApi;

  suiteSetup(async function () {
    if (process.platform !== 'linux') this.skip();
    extension = await activate();
    api = extension.exports as ExtensionApi;
  });
  teardown(revertAndCloseAll);

  test('a killed server comes back: the open document\'s diagnostics return and the progress view is rebuilt', async () => {
    const { uri, document, editor } = await open('app/models.py');
    await waitForDiagnostics(uri, 'SQA401');
    await waitFor('the progress view', () => api.progress.getChildren().length > 0, 45000);
    const [killed, ...others] = serverPids(extension.extensionPath);
    assert.ok(killed && others.length === 0, `one language server process, found ${[killed, ...others].join(', ')}`);

    const republished = new Promise<void>((resolve) => {
      const listener = vscode.languages.onDidChangeDiagnostics((event) => {
        if (event.uris.some((u) => u.toString() === uri.toString()) && ourDiagnostics(uri, 'SQA401').length > 0) {
          listener.dispose();
          resolve();
        }
      });
    });
    // Emptied here, the view only fills again from a report of the new server.
    api.progress.update(EMPTY_REPORT);
    process.kill(killed, 'SIGKILL');

    await waitFor('a new language server process', () => {
      const pids = serverPids(extension.extensionPath);
      return pids.length === 1 && pids[0] !== killed;
    }, 30000);
    await within(republished, 30000, 'the open document\'s diagnostics to be published again');

    // Only the new server can report a line added now: it was sent the open document again.
    const added = document.lineCount + 2;
    await editor.edit((builder) => builder.insert(document.lineAt(document.lineCount - 1).range.end, '\n\n\ndef find_again(user_id):\n    return session.query(User).get(user_id)\n'));
    await waitFor('SQA401 on the added line', () => ourDiagnostics(uri, 'SQA401').some((d) => d.range.start.line > added), 20000);

    await waitFor('the progress view and badge rebuilt', () => {
      const left = api.progress.report?.findingsLeft ?? 0;
      return left > 0 && api.progress.getChildren().length > 0 && api.badge()?.value === left;
    }, 45000);
    assert.match(api.statusText(), /^SQLAlchemy 2\.0: \d+ left/);
  });
});
