// Quick fixes offered for a finding, applied the way the lightbulb applies them.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, open, ourDiagnostics, quickFixes, rangeOf, revertAndCloseAll, waitFor, waitForDiagnostics } from './helpers';

const quickFixesResolved = (uri: vscode.Uri, range: vscode.Range) => quickFixes(uri, range, 10);

suite('quick fix', () => {
  suiteSetup(activate);
  teardown(revertAndCloseAll);

  test('the preferred SQA401 fix rewrites Query.get() to Session.get()', async () => {
    const { uri, document } = await open('app/models.py');
    const before = document.getText();
    const [diagnostic] = await waitForDiagnostics(uri, 'SQA401');
    const actions = await quickFixesResolved(uri, diagnostic.range);
    const fix = actions.find((a) => a.title.startsWith('Use Session.get()'));
    assert.ok(fix, `a Session.get() fix among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.strictEqual(fix.isPreferred, true, 'a safe fix is the preferred one');
    assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind));
    // (executeCodeActionProvider does not pass an action's `diagnostics` on; the title names the rule.)
    assert.match(fix.title, /\(SQA401\)$/);
    assert.ok(fix.edit, 'the fix carries its edit');
    assert.strictEqual(await vscode.workspace.applyEdit(fix.edit), true);
    assert.strictEqual(document.getText(), before.replace('session.query(User).get(user_id)', 'session.get(User, user_id)'));
    await waitFor('SQA401 to go away', () => ourDiagnostics(uri, 'SQA401').length === 0);
    assert.ok(ourDiagnostics(uri, 'SQA301').length > 0, 'other findings stay');
  });

  test('"Ignore SQA401 on this line" adds a suppression comment', async () => {
    const { uri, document } = await open('app/models.py');
    const [diagnostic] = await waitForDiagnostics(uri, 'SQA401');
    const actions = await quickFixesResolved(uri, diagnostic.range);
    const ignore = actions.find((a) => a.title === 'Ignore SQA401 on this line');
    assert.ok(ignore?.edit, `an ignore action among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.strictEqual(await vscode.workspace.applyEdit(ignore.edit), true);
    const line = document.lineAt(diagnostic.range.start.line).text;
    assert.strictEqual(line, '    return session.query(User).get(user_id)  # sqla-upgrade: ignore[SQA401]');
    await waitFor('SQA401 to go away', () => ourDiagnostics(uri, 'SQA401').length === 0);
  });

  test('a fix for one finding leaves the rest of the file alone', async () => {
    const { uri, document } = await open('app/reports.py');
    const before = document.getText();
    await waitForDiagnostics(uri, 'SQA201');
    const actions = await quickFixesResolved(uri, rangeOf(document, '[User.name]'));
    const fix = actions.find((a) => a.isPreferred && a.title.endsWith('(SQA201)'));
    assert.ok(fix?.edit, `a preferred SQA201 fix among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.strictEqual(await vscode.workspace.applyEdit(fix.edit), true);
    assert.strictEqual(document.getText(), before.replace('select([User.name])', 'select(User.name)'));
  });
});
