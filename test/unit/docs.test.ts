import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../../server/src/rules/index';
import { ruleMarkdown, withRulesTable } from '../../server/src/rules/docs';

const root = path.resolve(__dirname, '../../..');

test('every rule documents each section and links the migration guide', () => {
  for (const rule of RULES) {
    for (const [section, text] of Object.entries(rule.docs)) assert.ok(text.trim().length > 0, `${rule.code} has an empty ${section}`);
    assert.match(rule.code, /^SQA\d{3}$/);
    assert.match(rule.id, /^[a-z]+(-[a-z0-9]+)*$/);
    assert.match(rule.guide.anchor, /^[a-z0-9-]+$/);
  }
  assert.equal(new Set(RULES.map((r) => r.code)).size, RULES.length, 'codes are unique');
});

test('docs/rules pages and the README table are generated from the rules (run `npm run docs`)', () => {
  for (const rule of RULES) {
    const page = fs.readFileSync(path.join(root, 'docs/rules', `${rule.code}.md`), 'utf8');
    assert.equal(page, ruleMarkdown(rule, 1), `docs/rules/${rule.code}.md is stale`);
  }
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.equal(readme, withRulesTable(readme, RULES), 'the README rule table is stale');
});

/** What a reader of a rule's example takes for granted: the usual imports and objects. */
const PREAMBLE = [
  'from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, select, text',
  'from sqlalchemy.orm import Session, joinedload',
  'engine = create_engine("sqlite://")',
  'session = Session(engine)',
  'conn = engine.connect()',
  '',
].join('\n');

test("each rule's Example triggers it and its Use instead does not", async () => {
  const { AnalysisEngine } = await import('../../server/src/engine/engine');
  const engine = await AnalysisEngine.create();
  for (const rule of RULES) {
    // Rules of the typed 2.0 style report only for that target.
    const options = { targetVersion: rule.onlyForTarget };
    const example = engine.analyzeText(PREAMBLE + rule.docs.example + '\n', options);
    assert.ok(example.findings.some((f) => f.code === rule.code), `${rule.code}: its Example is not flagged`);
    const better = engine.analyzeText(PREAMBLE + rule.docs.useInstead + '\n', options);
    assert.ok(!better.findings.some((f) => f.code === rule.code), `${rule.code}: its Use instead is flagged`);
  }
});
