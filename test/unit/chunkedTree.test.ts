// Documents parsed in chunks: the chunks of a module without syntax errors parse as the module
// does whole, edit after edit, and an error typed into one chunk stays near it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { Parser } from 'web-tree-sitter';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { createPythonParser, parseText, type Node } from '../../server/src/parse/parser';
import { rootsOf, type ChunkedTree } from '../../server/src/parse/chunkedTree';
import { DocumentStore, type OpenDocument } from '../../server/src/lsp/documents';
import { countSyntaxErrors, keepsSyntax } from '../../server/src/fix/fixAll';
import { analyze } from '../../server/src/engine/analyze';
import { Rng, generateEditModule, isPythonKeyword } from '../../scripts/benchCorpus';
import { pythonFiles } from './pythonFiles';

const root = path.resolve(__dirname, '../../..');
let parser: Parser;

before(async () => {
  parser = await createPythonParser();
});

/** Each top-level statement: its type, span, rows and syntax tree as an S-expression. */
function statements(roots: Node[]): string[] {
  const result: string[] = [];
  for (const rootNode of roots) {
    for (const node of rootNode.namedChildren) {
      if (node) result.push(`${node.type} ${node.startIndex}-${node.endIndex} ${node.startPosition.row}:${node.startPosition.column} ${node.toString()}`);
    }
  }
  return result;
}

/** The whole text parsed as one tree, when it has no syntax error. */
function wholeParse(text: string): string[] | undefined {
  const tree = parseText(parser, text);
  try {
    return tree.rootNode.hasError ? undefined : statements([tree.rootNode]);
  } finally {
    tree.delete();
  }
}

/** Every statement's node text is the document's text at its offsets (chunks moved by edits read the new text). */
function assertTextsMatch(entry: OpenDocument, label: string): void {
  const text = entry.document.getText();
  for (const rootNode of rootsOf(entry.tree)) {
    for (const node of rootNode.namedChildren) {
      if (node) assert.equal(node.text, text.slice(node.startIndex, node.endIndex), `${label}: text of ${node.type} at ${node.startIndex}`);
    }
  }
}

function assertChunkStartsAtLines(tree: ChunkedTree, text: string, label: string): void {
  for (const start of tree.chunkStarts) assert.ok(start === 0 || text[start - 1] === '\n', `${label}: a chunk starts mid-line at ${start}`);
}

test('a module parsed in chunks has the statements of the module parsed whole', () => {
  const sources: Array<[string, string]> = [['generated module', generateEditModule('chunked parse', 3000)]];
  for (const folder of ['test/fixtures', 'test/runtime/programs', 'sample']) {
    for (const file of pythonFiles(path.join(root, folder))) sources.push([path.relative(root, file), fs.readFileSync(file, 'utf8')]);
  }
  // Astral characters, CJK and CRLF line ends move UTF-16 offsets and columns apart from bytes.
  const unicode = Array.from({ length: 60 }, (_, i) => `NAME_${i} = "\u{1F600}\u4E2D ${i}"\r\ndef f_${i}(x):\r\n    return x + "\u00E9"\r\n`).join('');
  sources.push(['astral and CRLF', unicode]);
  let chunked = 0;
  for (const [name, text] of sources) {
    const store = new DocumentStore(parser, 8);
    const entry = store.open(`file:///chunks/${name}`, 'python', 1, text);
    const expected = wholeParse(text);
    if (expected) {
      assert.deepEqual(statements(rootsOf(entry.tree)), expected, name);
      if (entry.tree.chunkCount > 1) chunked++;
    }
    assertChunkStartsAtLines(entry.tree, text, name);
    assertTextsMatch(entry, name);
    store.close(`file:///chunks/${name}`);
  }
  assert.ok(chunked > 20, `only ${chunked} sources were parsed in more than one chunk`);
});

test('the rules find the same in a module parsed in chunks as in the module parsed whole', () => {
  const sources: Array<[string, string]> = [['generated module', generateEditModule('chunked findings', 2000)]];
  for (const folder of ['test/fixtures', 'test/runtime/programs', 'sample']) {
    for (const file of pythonFiles(path.join(root, folder))) sources.push([path.relative(root, file), fs.readFileSync(file, 'utf8')]);
  }
  let chunked = 0;
  let findings = 0;
  for (const [name, text] of sources) {
    // Chunks of a few lines: module-wide questions (every use of a name, the module's end) cross them.
    const store = new DocumentStore(parser, 3);
    const entry = store.open(`file:///findings/${name}`, 'python', 1, text);
    const whole = parseText(parser, text);
    try {
      const expected = analyze(text, whole).findings;
      assert.deepEqual(analyze(text, entry.tree).findings, expected, name);
      findings += expected.length;
      if (entry.tree.chunkCount > 1) chunked++;
    } finally {
      whole.delete();
      store.close(`file:///findings/${name}`);
    }
  }
  assert.ok(chunked > 100 && findings > 500, `${chunked} sources in chunks, ${findings} findings`);
});

test('a line inside a string or brackets that looks like a statement does not split the module', () => {
  const text = [
    'QUERY = """',
    'select id',
    'from users',
    '"""',
    'values = [',
    'first, second,',
    ']',
    'x = 1',
    'y = call(',
    'z)',
    'def f():',
    '    return 1',
    '',
  ].join('\n');
  // Boundaries are tried at 'from users' (in the string) and at 'z)' (in the call's brackets).
  const store = new DocumentStore(parser, 2);
  const entry = store.open('file:///strings.py', 'python', 1, text);
  assert.deepEqual(statements(rootsOf(entry.tree)), wholeParse(text));
  assert.ok(entry.tree.chunkCount > 1, 'the statements after the string still get chunks');
});

test('a module opened with a syntax error is parsed whole', () => {
  const text = Array.from({ length: 40 }, (_, i) => (i === 3 ? 'broken = (\n' : `value_${i} = ${i}\n`)).join('');
  const store = new DocumentStore(parser, 4);
  const entry = store.open('file:///broken.py', 'python', 1, text);
  assert.equal(entry.tree.chunkCount, 1);
  assert.ok(entry.tree.hasError);
});

/** Typing-like edits, and rough ones: brackets, quotes, line breaks, indentation, deleted lines. */
function randomEdit(rng: Rng, entry: OpenDocument): TextDocumentContentChangeEvent {
  const text = entry.document.getText();
  const at = (offset: number) => entry.document.positionAt(offset);
  const chunkStarts = entry.tree.chunkStarts;
  // Half the edits land at or next to a chunk boundary, where the chunks must be joined.
  const offset = rng.chance(0.5) && chunkStarts.length > 1
    ? Math.max(0, Math.min(text.length, rng.pick(chunkStarts.slice(1)) + rng.int(-2, 2)))
    : rng.int(0, Math.max(0, text.length - 1));
  const pos = at(offset);
  // Most edits keep the text parseable: a letter in a name, a new statement at a line start.
  if (rng.chance(0.75)) {
    const word = [...text.slice(offset, offset + 200).matchAll(/[A-Za-z_][A-Za-z_0-9]{2,}/g)].find((m) => !isPythonKeyword(m[0]));
    if (word) {
      const inside = at(offset + word.index! + 1);
      return { range: { start: inside, end: inside }, text: rng.pick([...'abcxyz']) };
    }
    return { range: { start: { line: pos.line, character: 0 }, end: { line: pos.line, character: 0 } }, text: '\n' };
  }
  const kind = rng.int(0, 9);
  if (kind < 4) return { range: { start: pos, end: pos }, text: rng.pick(['a', '_', '(', ')', '"', '"""', '\n', ':', '#', '    ', 'else:\n', '@dec\n', '\\\n']) };
  if (kind < 7) return { range: { start: pos, end: at(offset + rng.int(1, 3)) }, text: '' };
  if (kind < 8) return { range: { start: { line: pos.line, character: 0 }, end: { line: pos.line + 1, character: 0 } }, text: '' };
  if (kind < 9) return { range: { start: pos, end: pos }, text: rng.pick(['x = 1\n', 'def g():\n    pass\n', 'if x:\n    pass\n']) };
  return { range: { start: pos, end: at(offset + 1) }, text: rng.pick(['b', ' ', '\n']) };
}

test('edit after edit, a module without syntax errors parses in chunks as it does whole', () => {
  const store = new DocumentStore(parser, 12);
  const uri = 'file:///edited.py';
  const rng = new Rng('chunked edits');
  let entry = store.open(uri, 'python', 1, generateEditModule('chunked edits module', 500));
  let compared = 0;
  let withErrors = 0;
  for (let version = 2; version < 400; version++) {
    const change = randomEdit(rng, entry);
    entry = store.change(uri, version, [change])!;
    const text = entry.document.getText();
    const label = `version ${version}, edit ${JSON.stringify(change)}`;
    assertChunkStartsAtLines(entry.tree, text, label);
    assertTextsMatch(entry, label);
    const expected = wholeParse(text);
    if (expected) {
      assert.deepEqual(statements(rootsOf(entry.tree)), expected, label);
      compared++;
    } else withErrors++;
    // Errors pile up under random edits: start again from a clean text now and then.
    if (version % 8 === 0) entry = store.change(uri, version, [{ text: generateEditModule(`chunked edits ${version}`, 500) }])!;
  }
  console.log(`chunked edits: ${compared} clean versions compared, ${withErrors} with errors`);
  assert.ok(compared > 150, `only ${compared} clean versions compared`);
  assert.ok(withErrors > 40, `only ${withErrors} versions with errors`);
  assert.ok(entry.tree.chunkCount > 4, 'the document is still parsed in chunks');
  store.close(uri);
});

test('an error typed into one chunk stays there, and closing it restores the chunks', () => {
  const text = Array.from({ length: 60 }, (_, i) => `def f_${i}(x):\n    return x + ${i}\n\n`).join('');
  const store = new DocumentStore(parser, 12);
  const uri = 'file:///typed-error.py';
  let entry = store.open(uri, 'python', 1, text);
  const chunks = entry.tree.chunkCount;
  assert.ok(chunks >= 10);
  // An unclosed bracket in the middle of the module.
  const line = 90;
  const at = { line, character: entry.document.getText().split('\n')[line].length };
  entry = store.change(uri, 2, [{ range: { start: at, end: at }, text: ' + (' }])!;
  assert.ok(entry.tree.hasError);
  const errorChunks = rootsOf(entry.tree).filter((r) => r.hasError).length;
  assert.equal(errorChunks, 1);
  // The statements after the error chunk are still there, clean.
  const last = rootsOf(entry.tree).at(-1)!;
  assert.ok(!last.hasError && last.namedChildCount > 0);
  assert.equal(countSyntaxErrors(entry.tree) > 0, true);
  // More typing inside the error does not join more chunks.
  const count = entry.tree.chunkCount;
  const next = { line, character: at.character + 4 };
  entry = store.change(uri, 3, [{ range: { start: next, end: next }, text: 'y' }])!;
  assert.equal(entry.tree.chunkCount, count);
  entry = store.change(uri, 4, [{ range: { start: { line, character: at.character + 5 }, end: { line, character: at.character + 5 } }, text: ')' }])!;
  assert.ok(!entry.tree.hasError);
  assert.deepEqual(statements(rootsOf(entry.tree)), wholeParse(entry.document.getText()));
  store.close(uri);
});

test('indenting the first line of a chunk joins it to the block before, as a whole parse does', () => {
  const text = Array.from({ length: 40 }, (_, i) => `def f_${i}(x):\n    y = x\n    return y\n`).join('');
  const store = new DocumentStore(parser, 9);
  const uri = 'file:///indent.py';
  let entry = store.open(uri, 'python', 1, text);
  const boundary = entry.tree.chunkStarts[2];
  const position = entry.document.positionAt(boundary);
  // `def f_k(x):` becomes `    def f_k(x):`, a nested function of the one before.
  entry = store.change(uri, 2, [{ range: { start: position, end: position }, text: '    ' }])!;
  assert.deepEqual(statements(rootsOf(entry.tree)), wholeParse(entry.document.getText()));
  // And removing the line break before a chunk joins two lines.
  const before = entry.document.positionAt(entry.tree.chunkStarts[3] - 1);
  entry = store.change(uri, 3, [{ range: { start: before, end: { line: before.line + 1, character: 0 } }, text: '; ' }])!;
  const text3 = entry.document.getText();
  const expected = wholeParse(text3);
  if (expected) assert.deepEqual(statements(rootsOf(entry.tree)), expected);
  assertChunkStartsAtLines(entry.tree, text3, 'after joining lines');
  store.close(uri);
});

test('a fix is measured against the syntax errors of the whole text, whatever chunk holds an error', () => {
  const text = Array.from({ length: 30 }, (_, i) => `def f_${i}(x):\n    return g(x, ${i})\n\n`).join('');
  const store = new DocumentStore(parser, 6);
  const uri = 'file:///fix-guard.py';
  let entry = store.open(uri, 'python', 1, text);
  // An unclosed call in the middle: one tree would spread the error over what follows.
  const line = 31;
  const end = { line, character: entry.document.getText().split('\n')[line].length };
  entry = store.change(uri, 2, [{ range: { start: end, end }, text: ' + h(' }])!;
  assert.ok(entry.tree.hasError);
  const current = entry.document.getText();
  const offsetOf = (needle: string) => current.indexOf(needle);
  // Renaming a call far from the error keeps the syntax as it is.
  const rename = offsetOf('g(x, 28)');
  assert.ok(keepsSyntax(parser, current, entry.tree, { title: 'rename', safety: 'safe', edits: [{ start: rename, end: rename + 1, newText: 'k' }] }));
  // A fix that breaks another statement adds an error.
  const other = offsetOf('def f_2(');
  assert.ok(!keepsSyntax(parser, current, entry.tree, { title: 'break', safety: 'safe', edits: [{ start: other, end: other + 3, newText: 'class class' }] }));
  store.close(uri);
});
