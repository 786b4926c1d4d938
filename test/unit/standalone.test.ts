// Modules the workspace scan leaves unparsed: the text test is conservative, and a module stored
// without its index is indexed from disk when a question first needs it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { createPythonParser, parseText } from '../../server/src/parse/parser';
import { analyze } from '../../server/src/engine/analyze';
import { cannotUseSqlAlchemy, projectModuleRoots } from '../../server/src/engine/standalone';
import { ProjectModels, textDigest } from '../../server/src/semantics/projectModels';
import { pythonFiles } from './pythonFiles';
import { generateCorpus } from '../../scripts/benchCorpus';
import { writeTempTree } from './tempTree';

const root = path.resolve(__dirname, '../../..');
const ROOTS = new Set(['app', 'models', 'db']);
const STDLIB = 'import json\nimport os.path as osp\nfrom collections import OrderedDict\n\n\ndef load(p):\n    return json.load(open(p))\n';

test('project module roots are every folder and module name a file can be imported by', () => {
  const roots = projectModuleRoots(['/src/app/models.py', '/src/app/db/__init__.py', '/src/my-tool/run.py']);
  for (const name of ['src', 'app', 'models', 'db', 'run']) assert.ok(roots.has(name), name);
  assert.ok(!roots.has('__init__') && !roots.has('my-tool'));
});

test('a module importing the standard library only cannot use SQLAlchemy', () => {
  assert.equal(cannotUseSqlAlchemy(STDLIB, ROOTS), true);
  assert.equal(cannotUseSqlAlchemy('import sqlite3\nconn = sqlite3.connect(":memory:")\nconn.execute("select 1")\n', ROOTS), true);
  // Dynamic imports are not followed by the analysis either.
  assert.equal(cannotUseSqlAlchemy('import importlib\nm = importlib.import_module("json")\n', ROOTS), true);
});

test('anything that may reach SQLAlchemy or a rule keeps the module parsed', () => {
  const cases: Record<string, string> = {
    'SQLAlchemy spelled': 'import json\n# sqlalchemy is imported elsewhere\n',
    'SQLModel': 'from sqlmodel import Session\n',
    'a suppression comment': 'x = 1  # sqla-upgrade: ignore[SQA999]\n',
    'a Pydantic orm_mode': 'class Config:\n    orm_mode = True\n',
    'from_orm': 'dto = UserDTO.from_orm(user)\n',
    'a relative import': 'from .helpers import x\n',
    'a relative package import': 'from . import helpers\n',
    'a parent-relative import': 'from ..core import thing\n',
    'an absolute project import': 'import app.db\n',
    'a project package': 'from app import session\n',
    'a project root after others': 'import json, os, db\n',
    'a backslash continuation': 'import json, \\\n    models\n',
    'a continued from': 'from \\\n    .db import Session\n',
    'a parenthesized import list': 'from os import (\n    path,\n    db,\n)\n',
    'an import inside a function': 'def f():\n    from app.db import Session\n    return Session()\n',
    'CRLF continuation': 'import json, \\\r\n    models\r\n',
    'import in a string': 'HELP = "import models first"\n',
  };
  for (const [what, text] of Object.entries(cases)) assert.equal(cannotUseSqlAlchemy(text, ROOTS), false, what);
});

test('a module the text test passes makes no findings, over every fixture, sample and generated file', async () => {
  const parser = await createPythonParser();
  const files = ['test/fixtures', 'test/runtime/programs', 'test/runtime/pitfalls', 'sample'].flatMap((dir) => pythonFiles(path.join(root, dir)));
  const sources = [
    ...files.map((file) => ({ file, text: fs.readFileSync(file, 'utf8') })),
    ...generateCorpus('standalone test', 30000, 100, 400).map((g) => ({ file: g.relativePath, text: g.text })),
  ];
  let passed = 0;
  for (const { file, text } of sources) {
    // No project roots: only the text's own evidence counts.
    if (!cannotUseSqlAlchemy(text, new Set())) continue;
    passed++;
    const tree = parseText(parser, text);
    const analysis = analyze(text, tree, { filePath: file });
    assert.deepEqual(analysis.findings.map((f) => f.code), [], file);
    assert.equal(analysis.model.usesSqlAlchemy, false, file);
    tree.delete();
  }
  parser.delete();
  assert.ok(passed >= 20, `${passed} files pass the text test`);
});

test('a module stored without its index is indexed from disk when first asked about', async () => {
  const parser = await createPythonParser();
  const folder = writeTempTree('sqla-deferred-', {
    'app/helpers.py': 'import json\n\n\nclass Payload:\n    pass\n',
  });
  try {
    const file = path.join(folder, 'app/helpers.py');
    const models = new ProjectModels(parser);
    models.storeIndexes([{ file, digest: textDigest(fs.readFileSync(file, 'utf8')) }]);
    // Its module names are known at once; its classes only once indexed.
    assert.deepEqual(models.filesOfModule('app.helpers', file), [file]);
    assert.deepEqual(models.filesWithClass('Payload'), []);
    const index = models.indexOf(file);
    assert.ok(index?.classes.has('Payload'));
    assert.equal(index?.names.get('json')?.kind, 'import');
    assert.deepEqual(models.filesWithClass('Payload'), [file]);
    assert.equal(models.indexOf(file), index, 'indexed once');
    // A fresh worker's seed carries the index made meanwhile.
    assert.equal(models.entries().find((e) => e.file === file)?.index, index);
    models.remove(file);
    assert.deepEqual(models.filesWithClass('Payload'), []);
    assert.deepEqual(models.filesOfModule('app.helpers', file), []);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
    parser.delete();
  }
});
