// Diagnostics published by the language server for a legacy file.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, codeOf, GUIDE, open, rangeOf, revertAndCloseAll, SOURCE, waitForDiagnostics } from './helpers';

suite('diagnostics', () => {
  suiteSetup(activate);
  teardown(revertAndCloseAll);

  test('Query.get() is reported as SQA401 with a link to the migration guide', async () => {
    const { uri, document } = await open('app/models.py');
    const diagnostics = await waitForDiagnostics(uri, 'SQA401');
    assert.strictEqual(diagnostics.length, 1);
    const [diagnostic] = diagnostics;
    assert.strictEqual(diagnostic.source, SOURCE);
    assert.match(diagnostic.message, /Query\.get\(\) is legacy/);
    assert.deepStrictEqual(diagnostic.range, rangeOf(document, 'session.query(User).get(user_id)'));
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Information, 'legacy rules default to info');
    const code = diagnostic.code;
    assert.ok(code && typeof code === 'object', 'the code carries a documentation link');
    assert.strictEqual(code.value, 'SQA401');
    assert.strictEqual(code.target.toString(true), `${GUIDE}#migration-20-get-to-session`);
  });

  test('removed APIs are warnings, and each rule reports its own findings', async () => {
    const { uri, document } = await open('app/reports.py');
    await waitForDiagnostics(uri, 'SQA201');
    const byCode = new Map<string, vscode.Diagnostic[]>();
    for (const d of vscode.languages.getDiagnostics(uri).filter((x) => x.source === SOURCE)) {
      byCode.set(codeOf(d)!, [...(byCode.get(codeOf(d)!) ?? []), d]);
    }
    for (const code of ['SQA201', 'SQA301', 'SQA401']) assert.ok(byCode.has(code), `${code} is reported; got ${[...byCode.keys()].join(', ')}`);
    const select = byCode.get('SQA201')!;
    assert.strictEqual(select.length, 1);
    assert.strictEqual(select[0].severity, vscode.DiagnosticSeverity.Warning, 'removed rules default to warning');
    assert.strictEqual(document.getText(select[0].range), '[User.name]');
  });
});
