// Shared helpers of the extension host tests.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'sqla-upgrade.sqla-upgrade';
export const SOURCE = 'sqla-upgrade';
export const GUIDE = 'https://docs.sqlalchemy.org/en/20/changelog/migration_20.html';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `probe` returns something truthy; fails with `what` after `ms`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 20000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000}s waiting for ${what}`);
    await sleep(100);
  }
}

export function workspaceUri(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test run has a workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

/** The file's expected text after a migration, from test/e2e/expected/. */
export function expectedText(name: string): string {
  const dir = process.env.SQLA_E2E_EXPECTED ?? path.resolve(__dirname, '../../../test/e2e/expected');
  return fs.readFileSync(path.join(dir, name), 'utf8');
}

let serverReady: Promise<void> | undefined;

/**
 * Activates the installed extension and waits, once per run, for its language server to publish
 * diagnostics. If the server never answers, every suite's setup fails at once instead of each
 * test waiting out its own timeout.
 */
export async function activate(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  await extension.activate();
  serverReady ??= (async () => {
    const { uri } = await open('app/models.py');
    await waitFor('the language server\'s first diagnostics', () => ourDiagnostics(uri).length > 0, 45000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  })();
  await serverReady;
  return extension;
}

export async function open(relative: string): Promise<{ uri: vscode.Uri; document: vscode.TextDocument; editor: vscode.TextEditor }> {
  const uri = workspaceUri(relative);
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  return { uri, document, editor };
}

/** The rule code of a diagnostic: a string, or `{ value, target }` when it links documentation. */
export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function ourDiagnostics(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE && (!code || codeOf(d) === code));
}

/** Waits until the file has diagnostics of the extension with the given code. */
export function waitForDiagnostics(uri: vscode.Uri, code: string, ms = 20000): Promise<vscode.Diagnostic[]> {
  return waitFor(`${code} diagnostics on ${path.basename(uri.path)}`, () => {
    const found = ourDiagnostics(uri, code);
    return found.length > 0 && found;
  }, ms);
}

/** The range of the first occurrence of `needle` in the document. */
export function rangeOf(document: vscode.TextDocument, needle: string): vscode.Range {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `"${needle}" occurs in ${path.basename(document.uri.path)}`);
  return new vscode.Range(document.positionAt(offset), document.positionAt(offset + needle.length));
}

function isCancellation(error: unknown): boolean {
  return error instanceof vscode.CancellationError || (error instanceof Error && (error.name === 'Canceled' || error.message === 'Canceled'));
}

/**
 * The quick fixes over `range`, asked for as the lightbulb asks; `resolve` actions get their
 * lazily computed edits, as choosing one in the editor does. VS Code cancels such a request when
 * the document's set of code-action providers changes meanwhile (an extension activating, say
 * for the settings.json a test writes); the editor then asks again, and so does this helper.
 */
export async function quickFixes(uri: vscode.Uri, range: vscode.Range, resolve = 0): Promise<vscode.CodeAction[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value, resolve);
      return actions ?? [];
    } catch (error) {
      if (attempt >= 3 || !isCancellation(error)) throw error;
      await sleep(250);
    }
  }
}

/** Puts every changed document back to its text on disk and closes all editors, so tests do not see each other's edits. */
export async function revertAndCloseAll(): Promise<void> {
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme !== 'output')) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
