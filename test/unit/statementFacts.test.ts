import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createPythonParser } from '../../server/src/parse/parser';
import { DocumentStore } from '../../server/src/lsp/documents';
import { analyze } from '../../server/src/engine/analyze';
import { analyzeIncrementally } from '../../server/src/engine/incremental';

/**
 * Applies each edit (the first occurrence of `find` becomes `replace`) and compares the incremental
 * analysis, which reuses facts kept for statements it does not check, with a whole analysis.
 */
async function checkEdits(initial: string, edits: Array<[find: string, replace: string]>, codes: string[]): Promise<void> {
  const parser = await createPythonParser();
  const store = new DocumentStore(parser);
  const uri = 'file:///statement-facts.py';
  let entry = store.open(uri, 'python', 1, initial);
  let snapshot = analyzeIncrementally(initial, entry.tree, {}, 'facts').snapshot;
  const seen = new Set<string>();
  for (const [i, [find, replace]] of edits.entries()) {
    const text = entry.document.getText();
    const at = text.indexOf(find);
    assert.ok(at >= 0, `edit ${i}: ${JSON.stringify(find)} not found`);
    const range = { start: entry.document.positionAt(at), end: entry.document.positionAt(at + find.length) };
    entry = store.change(uri, i + 2, [{ range, text: replace }])!;
    const next = entry.document.getText();
    const result = analyzeIncrementally(next, entry.tree, {}, 'facts', snapshot);
    assert.ok(result.checkedUnits < result.totalUnits, `edit ${i} analyzed the whole module`);
    const expected = analyze(next, entry.tree).findings;
    assert.deepEqual(result.findings, expected, `edit ${i}: ${JSON.stringify(find)} -> ${JSON.stringify(replace)}`);
    for (const finding of expected) seen.add(finding.code);
    snapshot = result.snapshot;
  }
  for (const code of codes) assert.ok(seen.has(code), `no ${code} finding to compare`);
  store.close(uri);
}

/** Statements no edit touches, so that an edit re-checks a small share of the module. */
const FILLER = Array.from({ length: 20 }, (_, i) => `\n\ndef filler_${i}(value):\n    return value + ${i}\n`).join('');

const BOUND_METADATA = `from sqlalchemy import MetaData, create_engine

engine = create_engine("sqlite://")


def helper():
    return 1


metadata = MetaData(bind=engine)


def other():
    return 2


metadata.bind = engine  # keep bound
x = 1


def build():
    metadata.create_all()
${FILLER}`;

test('bind sites kept for statements not checked move with edits and follow the sites they depend on', async () => {
  await checkEdits(BOUND_METADATA, [
    // Before both sites: their kept positions shift.
    ['return 1', 'return 123'],
    ['return 123', 'return 1\n    # more\n'],
    // Between them: the attribute site shifts, the call site does not.
    ['return 2', 'return 22'],
    // The comment after the attribute site is another statement: the removal reads the line as it is now.
    ['# keep bound', '# keep bound to the engine'],
    // The call site changes: whether `metadata.bind = engine` binds a MetaData is decided again.
    ['MetaData(bind=engine)', 'MetaData()'],
    ['MetaData()', 'MetaData(engine)'],
    // A use checked again takes the engine from kept sites.
    ['metadata.create_all()', 'metadata.create_all()  # schema'],
    // A module-level \`MetaData\` of its own: the unchanged call site is checked again and is no site any more.
    ['def other():', 'def MetaData():'],
    ['metadata.create_all()  # schema', 'metadata.create_all()'],
    ['def MetaData():', 'def other():'],
  ], ['SQA103', 'SQA104']);
});

const DECLARATIVE_IMPORT = `def make_base():
    return declarative_base()


from sqlalchemy.ext.declarative import declarative_base, DeferredReflection


def later():
    return declarative_base()
${FILLER}`;

test('moved-name imports kept for statements not checked give checked uses their shifted fix', async () => {
  await checkEdits(DECLARATIVE_IMPORT, [
    ['return declarative_base()', 'return  declarative_base()'],
    ['return  declarative_base()', 'base = declarative_base()\n    return base'],
    ['def later():\n    return declarative_base()', 'def later():\n    return (declarative_base())'],
  ], ['SQA301']);
});
