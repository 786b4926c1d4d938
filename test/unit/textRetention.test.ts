import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as v8 from 'v8';
import * as vm from 'vm';
import { createPythonParser } from '../../server/src/parse/parser';
import { DocumentStore } from '../../server/src/lsp/documents';
import { analyzeIncrementally } from '../../server/src/engine/incremental';
import { moduleIndexOf } from '../../server/src/semantics/projectModels';
import { ownCopy } from '../../server/src/parse/ownCopy';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** The lengths of the strings of at least `minLength` characters the heap holds, after a full collection. */
async function longStringsInHeap(minLength: number): Promise<number[]> {
  collectGarbage();
  let json = '';
  for await (const chunk of v8.getHeapSnapshot()) json += chunk;
  const snapshot = JSON.parse(json) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
  };
  const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
  const typeAt = fields.indexOf('type');
  const sizeAt = fields.indexOf('self_size');
  const found: number[] = [];
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    // A one-byte sequential string's size is its length plus a small header.
    if (types[snapshot.nodes[i + typeAt]] === 'string' && snapshot.nodes[i + sizeAt] >= minLength) found.push(snapshot.nodes[i + sizeAt]);
  }
  return found;
}

const MODULE_HEAD = [
  'from sqlalchemy import Column, Integer, String',
  'from sqlalchemy.orm import declarative_base',
  '',
  'Base = declarative_base()',
  '',
  '',
  'class CustomerAccountRecord(Base):',
  "    __tablename__ = 'customer_account_records'",
  '    identifier_column = Column(Integer, primary_key=True)',
  '    display_name_column = Column(String)',
  '',
  '',
  'def describe_customer_accounts(session):',
  '    return session.query(CustomerAccountRecord).all()',
  '',
  '',
  'def find_customer_account(session, account_identifier):',
  '    return session.query(CustomerAccountRecord).get(account_identifier)',
  '',
  '',
  'def count_customer_accounts(engine):',
  "    return engine.execute('SELECT count(*) FROM customer_account_records').scalar()",
  '',
].join('\n');

/** A statement of 3 MB amid the ones the next version keeps. */
const PADDING_LENGTH = 3_000_000;

test('the analysis of an edited document keeps no earlier version of its text alive', async () => {
  const parser = await createPythonParser();
  const store = new DocumentStore(parser);
  const uri = 'file:///retention/accounts.py';
  // Both versions are made in a function of their own: nothing of the first one stays on this one's frame.
  const secondVersion = () => {
    const text = `${MODULE_HEAD}\npadding_text_value = "${'x'.repeat(PADDING_LENGTH)}"\nprint(describe_customer_accounts)\n`;
    const first = store.open(uri, 'python', 1, text);
    const firstAnalysis = analyzeIncrementally(text, first.tree, {}, 'test');
    moduleIndexOf(firstAnalysis.model, '/retention/accounts.py');
    // Remove the long statement: the statements around it are carried over from the first version.
    const padLine = text.split('\n').findIndex((line) => line.startsWith('padding_text_value'));
    const entry = store.change(uri, 2, [{ range: { start: { line: padLine, character: 0 }, end: { line: padLine + 1, character: 0 } }, text: '' }])!;
    return analyzeIncrementally(entry.document.getText(), entry.tree, {}, 'test', firstAnalysis.snapshot);
  };
  const analysis = secondVersion();
  assert.ok(analysis.totalUnits > analysis.checkedUnits, 'the second analysis carries statements over');
  assert.ok(moduleIndexOf(analysis.model, '/retention/accounts.py').classes.has('CustomerAccountRecord'));
  // Findings with fixes are carried over too.
  assert.ok(analysis.findings.some((finding) => finding.fix), 'the carried statements have findings with fixes');

  assert.deepEqual(await longStringsInHeap(PADDING_LENGTH), [], 'no string as long as the first version is left');
  store.close(uri);
});

test('an own copy has the same characters', () => {
  const text = 'a_long_identifier_name = first_value + second_value';
  for (const [start, end] of [[0, 5], [0, 22], [25, 51], [0, text.length]]) assert.equal(ownCopy(text.slice(start, end)), text.slice(start, end));
  assert.equal(ownCopy(''), '');
});
