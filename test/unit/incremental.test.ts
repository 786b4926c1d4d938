import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { createPythonParser } from '../../server/src/parse/parser';
import { DocumentStore } from '../../server/src/lsp/documents';
import { analyze } from '../../server/src/engine/analyze';
import { analyzeIncrementally, type AnalysisSnapshot, type IncrementalAnalysis } from '../../server/src/engine/incremental';
import { moduleIndexOf } from '../../server/src/semantics/projectModels';
import { Rng, generateEditModule } from '../../scripts/benchCorpus';
import { pythonFiles } from './pythonFiles';

const root = path.resolve(__dirname, '../../..');


/** Functions no other statement refers to: enough of them that checking a few statements again is not worth a whole pass. */
function unrelatedFunctions(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `\ndef unrelated_${i}():\n    return ${i}\n`);
}

/**
 * An open document analyzed as the server does: `edit` applies one change, analyzes it
 * incrementally from the last analysis and checks that it finds what a whole analysis finds.
 */
function editedDocument(store: DocumentStore, uri: string, text: string) {
  let version = 1;
  let entry = store.open(uri, 'python', version, text);
  const document = {
    result: analyzeIncrementally(text, entry.tree, {}, 'test'),
    get text(): string {
      return entry.document.getText();
    },
    get tree() {
      return entry.tree;
    },
    edit(change: TextDocumentContentChangeEvent): IncrementalAnalysis {
      entry = store.change(uri, ++version, [change])!;
      document.result = analyzeIncrementally(document.text, entry.tree, {}, 'test', document.result.snapshot);
      assert.deepEqual(document.result.findings, analyze(document.text, entry.tree).findings);
      return document.result;
    },
  };
  return document;
}

/** Typing-like edits, and the rougher ones: stray quotes and brackets, deleted and doubled lines, names that matter. */
function randomEdit(rng: Rng, text: string, at: (offset: number) => { line: number; character: number }): TextDocumentContentChangeEvent {
  const offset = rng.int(0, Math.max(0, text.length - 1));
  const pos = at(offset);
  const kind = rng.int(0, 9);
  if (kind < 4) return { range: { start: pos, end: pos }, text: rng.pick([...'abcxyz_(),.\'" \n:#']) };
  if (kind < 7) return { range: { start: pos, end: at(offset + 1) }, text: '' };
  if (kind < 8) return { range: { start: { line: pos.line, character: 0 }, end: { line: pos.line + 1, character: 0 } }, text: '' };
  if (kind < 9) {
    const line = text.split('\n')[pos.line] ?? '';
    return { range: { start: { line: pos.line, character: 0 }, end: { line: pos.line, character: 0 } }, text: `${line}\n` };
  }
  return { range: { start: pos, end: pos }, text: rng.pick(['engine', 'session', 'Base', 'metadata', 'query', 'User', 'bind=']) };
}

test('incremental analysis finds exactly what a whole analysis finds, edit after edit', async () => {
  const parser = await createPythonParser();
  // Short chunks: most sources are parsed in several, as a long document is.
  const store = new DocumentStore(parser, 40);
  const sources: Array<[string, string, number]> = [['generated 5,000-line module', generateEditModule('incremental test module', 5000), 120]];
  for (const folder of ['test/fixtures', 'test/runtime/programs', 'sample']) {
    for (const file of pythonFiles(path.join(root, folder))) sources.push([path.relative(root, file), fs.readFileSync(file, 'utf8'), 12]);
  }
  let edits = 0;
  let checked = 0;
  let total = 0;
  const mismatches: string[] = [];
  for (const [name, initial, count] of sources) {
    const rng = new Rng(`incremental ${name}`);
    const uri = `file:///incremental/${path.basename(name)}`;
    let entry = store.open(uri, 'python', 1, initial);
    let snapshot: AnalysisSnapshot = analyzeIncrementally(initial, entry.tree, {}, 'test').snapshot;
    for (let version = 2; version < count + 2; version++) {
      const text = entry.document.getText();
      if (text.length === 0) break;
      const change = randomEdit(rng, text, (offset) => entry.document.positionAt(offset));
      entry = store.change(uri, version, [change])!;
      const next = entry.document.getText();
      const result = analyzeIncrementally(next, entry.tree, {}, 'test', snapshot);
      const expected = analyze(next, entry.tree).findings;
      edits++;
      if (name.startsWith('generated')) {
        checked += result.checkedUnits;
        total += result.totalUnits;
      }
      if (JSON.stringify(result.findings) !== JSON.stringify(expected)) {
        mismatches.push(`${name} version ${version}, edit ${JSON.stringify(change)}`);
        snapshot = analyzeIncrementally(next, entry.tree, {}, 'test').snapshot;
      } else snapshot = result.snapshot;
    }
    store.close(uri);
  }
  console.log(`incremental: edits ${edits}, mismatches ${mismatches.length}, statements re-checked in the 5,000-line module ${((100 * checked) / total).toFixed(1)}%`);
  assert.deepEqual(mismatches, []);
  assert.ok(edits > 1000, `only ${edits} edits ran`);
  // The point of it: most edits re-check a small part of a large module.
  assert.ok(checked / total < 0.5, `re-checked ${checked} of ${total} statements`);
});

test('a changed option or outside fact analyzes the whole module again', async () => {
  const parser = await createPythonParser();
  const store = new DocumentStore(parser);
  const text = generateEditModule('incremental key module', 800);
  const entry = store.open('file:///key.py', 'python', 1, text);
  const first = analyzeIncrementally(text, entry.tree, {}, 'a');
  const same = analyzeIncrementally(text, entry.tree, {}, 'a', first.snapshot);
  assert.equal(same.checkedUnits, 0, 'nothing changed: nothing re-checked');
  const other = analyzeIncrementally(text, entry.tree, {}, 'b', first.snapshot);
  assert.equal(other.checkedUnits, other.totalUnits);
  store.close('file:///key.py');
});

test('an attribute assignment re-checks the users of its root only when the module can bind that root', async () => {
  const parser = await createPythonParser();
  const store = new DocumentStore(parser);
  const text = [
    'from sqlalchemy import MetaData, create_engine',
    'engine = create_engine("sqlite://")',
    'metadata = MetaData()',
    'class Cache:',
    '    def __init__(self, size):',
    '        self.size = size',
    'class Counter:',
    '    def __init__(self):',
    '        self.count = 0',
    'def configure():',
    '    pass',
    'def build():',
    '    metadata.create_all()',
    '',
  ].join('\n');
  const uri = 'file:///attribute-roots.py';
  const document = editedDocument(store, uri, text);
  // `self` → `sxelf`: `self.size = ...` now assigns to a name no statement binds; `Counter` is not looked at again.
  const renamed = document.edit({ range: { start: { line: 4, character: 18 }, end: { line: 4, character: 18 } }, text: 'x' });
  assert.equal(renamed.checkedUnits, 1);
  // `metadata.bind = engine` changes what `metadata` is in `build`.
  const bound = document.edit({ range: { start: { line: 10, character: 4 }, end: { line: 10, character: 8 } }, text: 'metadata.bind = engine' });
  assert.ok(bound.checkedUnits >= 3, `re-checked ${bound.checkedUnits} statements`);
  store.close(uri);
});

test('a fix that two kept findings share moves once with them', async () => {
  const parser = await createPythonParser();
  const store = new DocumentStore(parser);
  const text = [
    'def helper():',
    '    return 1',
    '',
    'from sqlalchemy.ext.declarative import declarative_base, declared_attr',
    '',
    'Base = declarative_base()',
    ...unrelatedFunctions(10),
  ].join('\n');
  const uri = 'file:///shared-fix.py';
  const document = editedDocument(store, uri, text);
  const importFindings = document.result.findings.filter((f) => f.code === 'SQA301' && f.fix);
  assert.ok(importFindings.some((f, i) => importFindings.some((g, j) => i !== j && f.fix === g.fix)), 'two findings hold the one fix of the import statement');
  // `return 1` → `return 12`: only the function is checked again; the import's findings move by one.
  const result = document.edit({ range: { start: { line: 1, character: 12 }, end: { line: 1, character: 12 } }, text: '2' });
  assert.equal(result.checkedUnits, 1);
  store.close(uri);
});

test("a kept class keeps its index entry when another class is renamed, and one that spells a changed name is indexed again", async () => {
  const parser = await createPythonParser();
  const store = new DocumentStore(parser);
  const file = '/project/models.py';
  const uri = 'file:///project/models.py';
  const text = [
    'from flask_sqlalchemy import SQLAlchemy',
    '',
    'dbx = SQLAlchemy()',
    '',
    'class Tag(dbx.Model):',
    '    id = dbx.Column(dbx.Integer, primary_key=True)',
    '',
    'class Note:',
    '    pass',
    '',
    'class User(dbx.Model):',
    '    id = db.Column(db.Integer, primary_key=True)',
    ...unrelatedFunctions(12),
  ].join('\n');
  const document = editedDocument(store, uri, text);
  const edit = (line: number, character: number, end: number, newText: string) => {
    const result = document.edit({ range: { start: { line, character }, end: { line, character: end } }, text: newText });
    assert.ok(result.checkedUnits < result.totalUnits, 'the edit is analyzed incrementally');
    const index = moduleIndexOf(result.model, file);
    assert.deepEqual(index.classes, moduleIndexOf(analyze(document.text, document.tree).model, file).classes, `after "${newText}" at ${line}:${character}: the same index as a whole analysis`);
    return index;
  };
  // `return 0` → `return 10`: the names are known from here on.
  const before = edit(14, 11, 11, '1');
  assert.deepEqual(before.classes.get('User')?.columns, [], '`db` is no Flask-SQLAlchemy object yet');
  // `class Note` → `class Notes`: Tag spells no name that changed; its entry is the one it had.
  const renamed = edit(7, 10, 10, 's');
  assert.ok(renamed.classes.has('Notes') && !renamed.classes.has('Note'));
  assert.equal(renamed.classes.get('Tag'), before.classes.get('Tag'));
  // `dbx = SQLAlchemy()` → `db = SQLAlchemy()`: User's columns are Flask-SQLAlchemy columns now.
  const flask = edit(2, 2, 3, '');
  assert.deepEqual(flask.classes.get('User')?.columns.map((c) => c.attribute), ['id']);
  store.close(uri);
});
