// The "Migrate File" command applies every safe fix to the active editor.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, expectedText, open, ourDiagnostics, revertAndCloseAll, waitFor, waitForDiagnostics } from './helpers';

suite('Migrate File command', () => {
  suiteSetup(activate);
  teardown(revertAndCloseAll);

  for (const file of ['reports.py', 'models.py']) {
    test(`migrates app/${file} to the expected 2.0 text`, async () => {
      const { uri, document } = await open(`app/${file}`);
      await waitForDiagnostics(uri, 'SQA401');
      await vscode.commands.executeCommand('sqlaUpgrade.migrateFile');
      const expected = expectedText(file);
      await waitFor(`app/${file} to be migrated`, () => document.getText() === expected, 15000)
        .catch(() => assert.strictEqual(document.getText(), expected));
      assert.strictEqual(document.isDirty, true, 'the migration is an ordinary, undoable edit');
      await waitFor('the findings to go away', () => ourDiagnostics(uri).length === 0);
    });
  }

  test('is undoable in one step', async () => {
    const { uri, document } = await open('app/reports.py');
    const before = document.getText();
    await waitForDiagnostics(uri, 'SQA201');
    await vscode.commands.executeCommand('sqlaUpgrade.migrateFile');
    await waitFor('the migration', () => document.getText() === expectedText('reports.py'), 15000);
    await vscode.commands.executeCommand('undo');
    await waitFor('the undo', () => document.getText() === before, 5000)
      .catch(() => assert.strictEqual(document.getText(), before));
  });
});
