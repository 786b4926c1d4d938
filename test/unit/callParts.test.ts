// A call taken apart (callParts), a qualified name resolved through imports, and the word
// questions a whole-module model answers from one search of its text.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Parser } from 'web-tree-sitter';
import { createPythonParser, parseText, type Node } from '../../server/src/parse/parser';
import { ModuleModel } from '../../server/src/semantics/model';
import { callParts } from '../../server/src/rules/helpers';

let parser: Parser;

before(async () => {
  parser = await createPythonParser();
});

function modelOf(source: string, focused = false): ModuleModel {
  return new ModuleModel(source, parseText(parser, source), focused);
}

/** The arguments of the module's first call, by kind, as source text. */
function sorted(call: string): { positional: string[]; keywords: string[]; splats: string[] } {
  const model = modelOf(`${call}\n`);
  const parts = callParts(model.nodes('call')[0]);
  assert.ok(parts);
  const texts = (nodes: readonly Node[]) => nodes.map((node) => node.text);
  return { positional: texts(parts.positional), keywords: texts(parts.keywords), splats: texts(parts.splats) };
}

describe('callParts sorts a call\'s arguments', () => {
  test('no arguments', () => {
    assert.deepEqual(sorted('f()'), { positional: [], keywords: [], splats: [] });
  });

  test('positional only, keywords only, splats only', () => {
    assert.deepEqual(sorted('f(a, b)'), { positional: ['a', 'b'], keywords: [], splats: [] });
    assert.deepEqual(sorted('f(x=1, y=2)'), { positional: [], keywords: ['x=1', 'y=2'], splats: [] });
    assert.deepEqual(sorted('f(*args, **kwargs)'), { positional: [], keywords: [], splats: ['*args', '**kwargs'] });
  });

  test('every kind, in source order within each', () => {
    assert.deepEqual(sorted('f(a, *rest, b, key=1, **more)'), { positional: ['a', 'b'], keywords: ['key=1'], splats: ['*rest', '**more'] });
  });

  test('comments between arguments are no arguments', () => {
    const call = ['f(', '    a,  # first', '    # a whole line', '    key=1,', ')'].join('\n');
    assert.deepEqual(sorted(call), { positional: ['a'], keywords: ['key=1'], splats: [] });
    assert.deepEqual(sorted('f(  # only a comment\n)'), { positional: [], keywords: [], splats: [] });
  });

  test('a parenthesized generator is a positional argument', () => {
    assert.deepEqual(sorted('f(a, (x for x in y))').positional, ['a', '(x for x in y)']);
  });
});

describe('qualifiedName', () => {
  const source = ['import sqlalchemy as sa', 'from sqlalchemy import orm', 'session = orm.Session()', 'sa.orm.Session', 'session.query', 'orm', 'sa'].join('\n');

  test('follows an attribute chain to the import it starts at', () => {
    const model = modelOf(source);
    const expressions = model.unitNode(3).namedChildren[0]!;
    assert.equal(model.qualifiedName(expressions), 'sqlalchemy.orm.Session');
    assert.equal(model.qualifiedName(model.unitNode(5).namedChildren[0]!), 'sqlalchemy.orm');
    assert.equal(model.qualifiedName(model.unitNode(6).namedChildren[0]!), 'sqlalchemy');
  });

  test('is undefined for a chain that starts at anything but an import', () => {
    const model = modelOf(source);
    assert.equal(model.qualifiedName(model.unitNode(4).namedChildren[0]!), undefined);
  });
});

describe('word questions on a whole module', () => {
  const source = ['import os', 'engine = create_engine(url)', 'def f():', '    return engine.execute("x")', '# execute later', 'executed = 1'].join('\n');

  test('the statements that spell a word as a whole word, in source order', () => {
    const model = modelOf(source);
    assert.deepEqual(model.candidateUnits(['execute']), [2, 3]);
    assert.deepEqual(model.candidateUnits(['engine', 'os']), [0, 1, 2]);
    assert.deepEqual(model.candidateUnits(['nothing']), []);
  });

  test('unitSpells answers like a search of the statement alone', () => {
    const whole = modelOf(source);
    const focused = modelOf(source, true);
    for (const words of [['execute'], ['executed'], ['engine', 'url'], ['import'], ['exec']]) {
      for (let i = 0; i < whole.unitCount; i++) {
        assert.equal(whole.unitSpells(i, words), focused.unitSpells(i, words), `statement ${i}, ${words.join(' ')}`);
      }
    }
  });
});
