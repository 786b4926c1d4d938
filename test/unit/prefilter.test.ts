import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { createPythonParser, parseText } from '../../server/src/parse/parser';
import { analyze, analyzeModel } from '../../server/src/engine/analyze';
import { ModuleModel } from '../../server/src/semantics/model';
import { SQLALCHEMY_ROOTS, SQLALCHEMY_ROOT_TEXT, mentionsSqlAlchemy } from '../../server/src/semantics/names';
import { RULES } from '../../server/src/rules/index';
import type { Finding, Rule } from '../../server/src/rules/types';
import { pythonFiles } from './pythonFiles';

const root = path.resolve(__dirname, '../../..');


const sources = ['test/fixtures', 'test/runtime/programs', 'test/runtime/pitfalls', 'sample'].flatMap((dir) => pythonFiles(path.join(root, dir)));

function plain(findings: Finding[]): unknown[] {
  return findings.map((f) => ({ code: f.code, start: f.start, end: f.end, message: f.message, fix: f.fix ?? null }));
}

test('every SQLAlchemy root module is caught by the text test that picks eager models', () => {
  for (const name of SQLALCHEMY_ROOTS) {
    assert.ok(SQLALCHEMY_ROOT_TEXT.test(`import ${name}\n`), name);
    assert.ok(mentionsSqlAlchemy(`from ${name}.orm import Session\n`), name);
  }
  assert.equal(mentionsSqlAlchemy('import pandas as pd\ndf.query("x > 1")\n'), false);
});

test('text prefilters never change what the rules find', async () => {
  const parser = await createPythonParser();
  const gated = RULES.filter((rule) => rule.textWords);
  assert.ok(gated.length >= 5, 'rules with text prefilters');
  const saved = gated.map((rule) => rule.textWords);
  let files = 0;
  let findings = 0;
  for (const file of sources) {
    const text = fs.readFileSync(file, 'utf8');
    const tree = parseText(parser, text);
    try {
      const withFilters = plain(analyze(text, tree).findings);
      gated.forEach((rule) => ((rule as { textWords?: Rule['textWords'] }).textWords = undefined));
      let without: unknown[];
      try {
        // The eager model of the whole module, as for a module that mentions SQLAlchemy.
        without = plain(analyzeModel(new ModuleModel(text, tree)).findings);
      } finally {
        gated.forEach((rule, i) => ((rule as { textWords?: Rule['textWords'] }).textWords = saved[i]));
      }
      assert.deepEqual(withFilters, without, path.relative(root, file));
      files++;
      findings += withFilters.length;
    } finally {
      tree.delete();
    }
  }
  // The fixtures exercise every gated rule, so a wrong prefilter shows up above.
  assert.ok(files > 100 && findings > 300, `${files} files, ${findings} findings`);
});

test('a module without SQLAlchemy gets a lazy model that still serves the rules that need no import', async () => {
  const parser = await createPythonParser();
  const text = [
    'from pydantic import BaseModel',
    '',
    '',
    'class UserDTO(BaseModel):',
    '    id: int',
    '',
    '    class Config:',
    '        orm_mode = True',
    '',
    '',
    'x = compute()  # sqla-upgrade: ignore[SQA999]',
    '',
  ].join('\n');
  const tree = parseText(parser, text);
  try {
    const analysis = analyze(text, tree);
    assert.equal(analysis.model.hasFocus, true, 'lazy model');
    assert.deepEqual(analysis.findings.map((f) => f.code).sort(), ['SQA001', 'SQA604']);
    assert.deepEqual(plain(analysis.findings), plain(analyzeModel(new ModuleModel(text, tree)).findings));
  } finally {
    tree.delete();
  }
});
