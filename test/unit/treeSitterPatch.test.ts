// The bundles ship web-tree-sitter with the speed patches of scripts/treeSitterPatch.mjs; these
// tests load the patched runtime beside the unpatched one and compare what their nodes answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as upstream from 'web-tree-sitter';
import { descendantsOfTypes, resetTreeWalk, walksMemory } from '../../server/src/parse/treeWalk';
import { pythonFiles } from './pythonFiles';

type Runtime = typeof upstream;
type AnyNode = upstream.Node;

const projectRoot = path.resolve(__dirname, '..', '..', '..');
const runtimeDir = path.dirname(require.resolve('web-tree-sitter'));
const grammar = require.resolve('tree-sitter-python/tree-sitter-python.wasm');

const SAMPLE = [
  'import sqlalchemy as sa',
  'from sqlalchemy import select, text  # comment',
  '',
  'engine = sa.create_engine("sqlite://", future=False)',
  '',
  '',
  'class User(Base):',
  '    __tablename__ = "users"',
  '    id = sa.Column(sa.Integer, primary_key=True)',
  '    name: str = "é😀"',
  '',
  '    def rows(self, conn, *args, **kwargs):',
  '        for row in conn.execute(select([users]).where(users.c.id > 1)):',
  '            yield row["name"], [x for x in row if x], lambda y=1: y',
  '        with engine.begin() as conn:',
  '            conn.execute(text("SELECT 1"), {"a": 1})',
  '',
  'if __name__ == "__main__":',
  '    print(User.rows(None, engine.connect()))',
  '',
].join('\n');

let tempDir: string;
let patched: Runtime;

before(async () => {
  const { patchTreeSitter } = (await import(path.join(projectRoot, 'scripts', 'treeSitterPatch.mjs'))) as { patchTreeSitter: (source: string) => string };
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tree-sitter-patch-'));
  const file = path.join(tempDir, 'tree-sitter.cjs');
  fs.writeFileSync(file, patchTreeSitter(fs.readFileSync(path.join(runtimeDir, 'tree-sitter.cjs'), 'utf8')));
  patched = require(file) as Runtime;
});

after(() => fs.rmSync(tempDir, { recursive: true, force: true }));

async function parserOf(runtime: Runtime): Promise<{ parser: upstream.Parser; language: upstream.Language }> {
  await runtime.Parser.init({ locateFile: (name: string) => path.join(runtimeDir, name) });
  const language = await runtime.Language.load(grammar);
  const parser = new runtime.Parser();
  parser.setLanguage(language);
  return { parser, language };
}

/** Every node of the tree, named or not, in document order. */
function allNodes(root: AnyNode): AnyNode[] {
  const result: AnyNode[] = [];
  const visit = (node: AnyNode) => {
    result.push(node);
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return result;
}

/** What a node answers; its type asked twice (the patched node reads it from WASM once). */
function describeNode(node: AnyNode, fields: readonly string[]): unknown {
  const byField: Record<string, unknown> = {};
  for (const field of fields) {
    const child = node.childForFieldName(field);
    byField[field] = child && [child.type, child.startIndex, child.endIndex, child.startPosition, child.endPosition, child.text];
    byField[`${field}[]`] = node.childrenForFieldName(field).map((c) => c && [c.type, c.startIndex, c.text]);
  }
  return {
    type: node.type,
    typeAgain: node.type,
    typeId: node.typeId,
    startIndex: node.startIndex,
    endIndex: node.endIndex,
    startPosition: node.startPosition,
    endPosition: node.endPosition,
    text: node.text,
    parent: node.parent && [node.parent.type, node.parent.startIndex],
    named: node.namedChildren.map((c) => c && [c.type, c.startIndex]),
    byField,
  };
}

test('patched nodes answer as web-tree-sitter does: types, positions, texts, parents, children by field', async () => {
  const original = await parserOf(upstream);
  const withPatches = await parserOf(patched);
  const fields = original.language.fields.filter((f): f is string => !!f);
  assert.ok(fields.length > 10);
  const expectedTree = original.parser.parse(SAMPLE)!;
  const actualTree = withPatches.parser.parse(SAMPLE)!;
  const expected = allNodes(expectedTree.rootNode);
  const actual = allNodes(actualTree.rootNode);
  assert.equal(actual.length, expected.length);
  assert.ok(actual.length > 200, `${actual.length} nodes`);
  for (let i = 0; i < expected.length; i++) assert.deepEqual(describeNode(actual[i], fields), describeNode(expected[i], fields), `node ${i}`);
  // Nodes found by type, by position and through a cursor carry the same points.
  const calls = (root: AnyNode) => root.descendantsOfType('call').map((n) => n && [n.startIndex, n.startPosition, n.text]);
  assert.deepEqual(calls(actualTree.rootNode), calls(expectedTree.rootNode));
  const at = (root: AnyNode) => root.descendantForIndex(SAMPLE.indexOf('primary_key'));
  assert.deepEqual(describeNode(at(actualTree.rootNode)!, fields), describeNode(at(expectedTree.rootNode)!, fields));
  const cursorNode = (tree: upstream.Tree) => {
    const cursor = tree.walk();
    cursor.gotoFirstChildForIndex(SAMPLE.indexOf('class User'));
    const node = cursor.currentNode;
    cursor.delete();
    return node;
  };
  assert.deepEqual(describeNode(cursorNode(actualTree), fields), describeNode(cursorNode(expectedTree), fields));
  expectedTree.delete();
  actualTree.delete();
});

test('a patched node kept across an edit moves as web-tree-sitter moves it, and so do its children', async () => {
  const runs = await Promise.all([upstream, patched].map(async (runtime) => {
    const { parser } = await parserOf(runtime);
    const tree = parser.parse(SAMPLE)!;
    const node = tree.rootNode.descendantsOfType('call')[0]!;
    const calleeBefore = node.childForFieldName('function')!;
    // Two characters typed at the start of the call's line.
    const at = SAMPLE.indexOf('engine = ');
    const edit = {
      startIndex: at, oldEndIndex: at, newEndIndex: at + 2,
      startPosition: { row: 3, column: 0 }, oldEndPosition: { row: 3, column: 0 }, newEndPosition: { row: 3, column: 2 },
    };
    tree.edit(edit);
    node.edit(edit);
    const calleeAfter = node.childForFieldName('function')!;
    const result = {
      start: [node.startIndex, node.startPosition],
      calleeBefore: [calleeBefore.startIndex, calleeBefore.startPosition],
      calleeAfter: [calleeAfter.startIndex, calleeAfter.startPosition, calleeAfter.type],
    };
    tree.delete();
    return result;
  }));
  assert.deepEqual(runs[1], runs[0]);
  assert.equal(runs[0].start[0], SAMPLE.indexOf('sa.create_engine') + 2);
  assert.notDeepEqual(runs[0].calleeAfter, runs[0].calleeBefore);
});

test('a patched node reads a field child, its end and its parent once, and a child knows its parent', async () => {
  const { parser } = await parserOf(patched);
  const tree = parser.parse(SAMPLE)!;
  const call = tree.rootNode.descendantsOfType('call')[0]!;
  const callee = call.childForFieldName('function')!;
  assert.equal(call.childForFieldName('function'), callee);
  assert.equal(callee.parent, call);
  assert.equal(call.namedChildren[1]!.parent, call);
  assert.equal(call.childForFieldName('arguments'), call.childForFieldName('arguments'));
  // A node found by type asks WASM for its parent, once.
  const argumentList = tree.rootNode.descendantsOfType('argument_list')[0]!;
  assert.equal(argumentList.parent, argumentList.parent);
  assert.equal(argumentList.parent!.startIndex, call.startIndex);
  assert.equal(call.endIndex, SAMPLE.indexOf('future=False)') + 'future=False)'.length);
  tree.delete();
});

test('a text callback that takes a point still gets the node start point', async () => {
  const { parser } = await parserOf(patched);
  const points: Array<{ row: number; column: number } | undefined> = [];
  const tree = parser.parse((index: number, point?: { row: number; column: number }) => {
    points.push(point && { ...point });
    return SAMPLE.slice(index);
  })!;
  points.length = 0;
  const name = tree.rootNode.descendantsOfType('class_definition')[0]!.childForFieldName('name')!;
  assert.equal(name.text, 'User');
  assert.deepEqual(points[0], { row: 6, column: 6 });
  tree.delete();
});

/** What the walks are compared on: ids and positions as the runtime keeps them, and each node's type. */
function foundNodes(nodes: Array<AnyNode | null>): unknown[] {
  return nodes.map((n) => n && [n.id, n.typeId, n.type, n.startIndex, n.endIndex, n.startPosition, n.text]);
}

const WALKED_TYPES: string[][] = [
  ['call', 'import_statement', 'import_from_statement', 'assignment', 'with_item', 'for_statement', 'for_in_clause', 'function_definition', 'lambda', 'class_definition', 'comment', 'named_expression', 'augmented_assignment', 'global_statement', 'subscript', 'comparison_operator'],
  ['identifier'],
  ['string', 'string_content', 'interpolation', 'escape_sequence'],
  ['block', 'expression_statement'],
  ['(', ':', 'def', 'as'],
];

/** Python with every construct the walk must step through: aliases, extras, hidden nodes, multi-line tokens, errors. */
const WALK_SAMPLES = [
  SAMPLE,
  'import a.b as c\nfrom . import (x as y,\n    z)\nprint(f"{a!r:>{w}} {session.query(U).all()}")\n',
  'x = """\nline\n  """ + \'\'\'\nmore\'\'\'\nmatch p:\n    case [1, *rest] if rest:\n        pass\n    case {"k": v, **kw}:\n        pass\n',
  'def f(:\n    return session.query(User).filter(User.id == 1\nclass C(\n    x = select([t])\n',
  'async def g():\n    async with engine.connect() as conn:\n        await conn.execute(text("SELECT 1"))\n    return [y async for y in z if (w := y)]\n',
  '# only a comment\n',
  '',
];

test('descendantsOfType reads the tree from WASM memory and finds what the runtime walk finds', async () => {
  const { parser, language } = await parserOf(patched);
  const runtimeWalk = (node: AnyNode, types: string[]) => node.descendantsOfType(types) as AnyNode[];
  const fixtures = pythonFiles(path.join(projectRoot, 'test', 'fixtures')).map((file) => fs.readFileSync(file, 'utf8'));
  assert.ok(fixtures.length > 50, `${fixtures.length} fixtures`);
  resetTreeWalk();
  let found = 0;
  for (const text of [...WALK_SAMPLES, ...fixtures]) {
    const tree = parser.parse(text)!;
    // From the root, and from an inner node (its first class or function, when it has one).
    const inner = tree.rootNode.descendantsOfType(['class_definition', 'function_definition'])[0];
    for (const start of inner ? [tree.rootNode, inner] : [tree.rootNode]) {
      for (const types of WALKED_TYPES) {
        const fromMemory = descendantsOfTypes(start, types, runtimeWalk);
        found += fromMemory.length;
        assert.deepEqual(foundNodes(fromMemory), foundNodes(start.descendantsOfType(types)), `${types.join(',')} in ${JSON.stringify(text.slice(0, 60))}`);
      }
    }
    tree.delete();
  }
  assert.ok(found > 10000, `${found} nodes found`);
  // The first walks were checked against the runtime's; the layout is now trusted.
  assert.equal(walksMemory(language), true);
});

test('a tree walk that disagrees with the runtime leaves every later walk to the runtime', async () => {
  const { parser, language } = await parserOf(patched);
  const tree = parser.parse(SAMPLE)!;
  const runtimeWalk = (node: AnyNode, types: string[]) => node.descendantsOfType(types) as AnyNode[];
  const expected = foundNodes(tree.rootNode.descendantsOfType('call'));
  // As if a new runtime laid its nodes out differently: the walk would give the wrong types.
  const treeWithNodes = tree as unknown as { _nodeAt: (...args: number[]) => AnyNode };
  const nodeAt = treeWithNodes._nodeAt;
  treeWithNodes._nodeAt = (id, index, row, column, alias, typeId) => nodeAt.call(tree, id, index, row, column, alias, typeId + 1);
  try {
    resetTreeWalk();
    assert.deepEqual(foundNodes(descendantsOfTypes(tree.rootNode, ['call'], runtimeWalk)), expected);
    assert.equal(walksMemory(language), false);
    treeWithNodes._nodeAt = nodeAt;
    assert.deepEqual(foundNodes(descendantsOfTypes(tree.rootNode, ['call'], runtimeWalk)), expected);
    assert.equal(walksMemory(language), false);
  } finally {
    treeWithNodes._nodeAt = nodeAt;
    resetTreeWalk();
    tree.delete();
  }
});
