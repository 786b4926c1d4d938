// `sqlaUpgrade.rules` changes what the server reports, live.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, open, ourDiagnostics, quickFixes, revertAndCloseAll, waitFor, waitForDiagnostics } from './helpers';

async function setRules(value: Record<string, string> | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('sqlaUpgrade').update('rules', value, vscode.ConfigurationTarget.Workspace);
}

suite('settings', () => {
  suiteSetup(activate);
  teardown(async () => {
    await setRules(undefined);
    await revertAndCloseAll();
  });

  test('"SQA401": "off" removes the SQA401 diagnostics and fixes, and only those', async () => {
    const { uri } = await open('app/models.py');
    const [diagnostic] = await waitForDiagnostics(uri, 'SQA401');
    await setRules({ SQA401: 'off' });
    await waitFor('SQA401 to be switched off', () => ourDiagnostics(uri, 'SQA401').length === 0);
    assert.ok(ourDiagnostics(uri, 'SQA301').length > 0, 'other rules still report');
    const actions = await quickFixes(uri, diagnostic.range);
    assert.deepStrictEqual(actions.filter((a) => a.title.includes('SQA401')).map((a) => a.title), []);

    await setRules(undefined);
    await waitForDiagnostics(uri, 'SQA401');
  });

  test('a severity setting changes the diagnostic severity', async () => {
    const { uri } = await open('app/models.py');
    await waitForDiagnostics(uri, 'SQA401');
    await setRules({ SQA401: 'error' });
    await waitFor('SQA401 to become an error', () =>
      ourDiagnostics(uri, 'SQA401').some((d) => d.severity === vscode.DiagnosticSeverity.Error));
  });
});
