// Hovering a finding shows the rule's documentation.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activate, open, rangeOf, revertAndCloseAll, waitFor, waitForDiagnostics } from './helpers';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

suite('hover', () => {
  suiteSetup(activate);
  teardown(revertAndCloseAll);

  test('shows the SQA401 documentation over Query.get()', async () => {
    const { uri, document } = await open('app/models.py');
    await waitForDiagnostics(uri, 'SQA401');
    const position = rangeOf(document, 'get(user_id)').start;
    const text = await waitFor('an SQA401 hover', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
      const joined = hoverText(hovers ?? []);
      return joined.includes('SQA401') && joined;
    });
    assert.match(text, /Query\.get\(\) is legacy/, 'the finding message');
    assert.match(text, /SQA401 query-get/, 'the rule heading');
    assert.match(text, /Use instead/, 'the rule documentation');
    assert.match(text, /session\.get\(User, 5\)/, 'the documented replacement');
    assert.match(text, /Fix here:\*\* Use Session\.get\(\) \(safe\)/, 'what the quick fix will do');
    assert.match(text, /migration_20\.html#migration-20-get-to-session/, 'the guide link');
  });

  test('shows nothing away from a finding', async () => {
    const { uri, document } = await open('app/models.py');
    await waitForDiagnostics(uri, 'SQA401');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider', uri, rangeOf(document, '__tablename__').start);
    assert.ok(!hoverText(hovers ?? []).includes('SQA'), 'no rule documentation on an unrelated line');
  });
});
