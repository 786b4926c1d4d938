// Rule fixtures and near-misses, checked against snapshots.
//
// test/fixtures/rules/SQA###.py (and SQA###_<case>.py) hold legacy code that the rule must flag,
// then a `# OK` line, then near-misses that it must leave alone. test/fixtures/near-miss/*.py must
// yield no finding of any rule. Each fixture has a `.snap` beside it: every finding with a code
// frame, then the rule's fixes applied to the whole file, as a diff. Run with UPDATE_SNAPSHOTS=1
// to write the snapshots instead of comparing, then read the changes before committing them.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { AnalysisEngine } from '../../server/src/engine/engine';
import type { LineIndex } from '../../server/src/engine/lines';
import { RULES } from '../../server/src/rules/index';
import type { Finding } from '../../server/src/rules/types';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const RULE_DIR = path.join(FIXTURES, 'rules');
const NEAR_MISS_DIR = path.join(FIXTURES, 'near-miss');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
const OK_MARKER = /^# OK[ \t]*$/m;
const RULE_FIXTURE_NAME = /^(SQA\d{3})(?:_[a-z0-9_]+)?\.py$/;
// A fixture whose first line is `# sqla-upgrade-test: target-version=2.0` is analyzed and fixed for that target.
const TARGET_DIRECTIVE = /^# sqla-upgrade-test: target-version=(1\.4-compatible|2\.0)[ \t]*\r?$/;

const pythonFiles = (dir: string) => fs.readdirSync(dir).filter((name) => name.endsWith('.py')).sort();
const ruleFixtures = pythonFiles(RULE_DIR);
const nearMisses = pythonFiles(NEAR_MISS_DIR);

function relative(file: string): string {
  return path.relative(ROOT, file).split(path.sep).join('/');
}

function safetyOf(finding: Finding): string {
  return finding.fix ? finding.fix.safety : '-';
}

/** `LINE:COL`, both 1-based as editors show them; columns count UTF-16 code units. */
function location(lines: LineIndex, offset: number): string {
  const { line, character } = lines.position(offset);
  return `${line + 1}:${character + 1}`;
}

/** The source lines a finding covers, each followed by carets under the covered part. */
function codeFrame(text: string, lines: LineIndex, finding: Finding): string {
  const first = lines.lineOf(finding.start);
  const last = lines.lineOf(Math.max(finding.start, finding.end - 1));
  const width = String(last + 1).length;
  const gutter = (label: string) => `${label.padStart(width)} | `;
  const out: string[] = [];
  for (let line = first; line <= last; line++) {
    const lineStart = lines.lineStart(line);
    const source = text.slice(lineStart, lines.lineEnd(line));
    const indent = source.length - source.trimStart().length;
    const from = line === first ? finding.start - lineStart : indent;
    const to = line === last ? finding.end - lineStart : source.length;
    // Tabs stay tabs under the source, so the carets line up however wide a tab is shown.
    const pad = source.slice(0, from).replace(/[^\t]/g, ' ');
    out.push(`${gutter(String(line + 1))}${source}`.trimEnd());
    out.push(`${gutter('')}${pad}${'^'.repeat(Math.max(1, to - from))}`);
  }
  return out.join('\n');
}

function renderFinding(text: string, lines: LineIndex, finding: Finding): string {
  const head = `${location(lines, finding.start)} ${finding.code} [${safetyOf(finding)}] ${finding.message}`;
  const fixTitle = finding.fix ? `\n  fix: ${finding.fix.title}` : '';
  return `${head}${fixTitle}\n${codeFrame(text, lines, finding)}`;
}

function diffOf(name: string, before: string, after: string): string {
  if (before === after) return '(no changes)';
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context: 2 }).trimEnd();
}

interface Rendered {
  snapshot: string;
  own: Finding[];
  okLine: number | undefined;
  lines: LineIndex;
  fixed: string;
}

function targetOf(text: string): { targetVersion?: '1.4-compatible' | '2.0' } {
  const match = TARGET_DIRECTIVE.exec(text.split('\n')[0]);
  return match ? { targetVersion: match[1] as '1.4-compatible' | '2.0' } : {};
}

function renderRuleFixture(engine: AnalysisEngine, file: string, code: string): Rendered {
  const text = fs.readFileSync(file, 'utf8');
  const { findings, lines } = engine.analyzeText(text, targetOf(text));
  const own = findings.filter((f) => f.code === code);
  const others = findings.filter((f) => f.code !== code);
  const marker = OK_MARKER.exec(text);
  const okLine = marker ? lines.lineOf(marker.index) : undefined;
  const fix = engine.fixText(text, { ...targetOf(text), codes: new Set([code]), includeReview: true });
  const name = path.basename(file);
  const parts = [
    `# ${relative(file)}: ${code}, positions are LINE:COL from 1`,
    '',
    `## ${code} findings (${own.length})`,
    '',
    ...own.map((f) => `${renderFinding(text, lines, f)}\n`),
    `## Other rules' findings (${others.length})`,
    '',
    ...others.map((f) => `${location(lines, f.start)} ${f.code} [${safetyOf(f)}] ${f.message}`),
    ...(others.length > 0 ? [''] : []),
    `## With every ${code} fix applied, needs-review included: ${fix.applied.length} applied in ${fix.passes} pass(es), ${fix.rejected.length} rejected`,
    '',
    ...fix.rejected.map((r) => `rejected: ${r.code} ${r.title}: ${r.reason}`),
    diffOf(name, text, fix.text),
    '',
  ];
  return { snapshot: parts.join('\n'), own, okLine, lines, fixed: fix.text };
}

function renderNearMiss(engine: AnalysisEngine, file: string): { snapshot: string; findings: Finding[] } {
  const text = fs.readFileSync(file, 'utf8');
  const { findings, lines } = engine.analyzeText(text);
  const parts = [
    `# ${relative(file)}: near-miss, no rule may report here`,
    '',
    `## Findings (${findings.length})`,
    '',
    ...findings.map((f) => `${renderFinding(text, lines, f)}\n`),
  ];
  return { snapshot: parts.join('\n').trimEnd() + '\n', findings };
}

/** Compares with `<file>.snap`, or writes it when UPDATE_SNAPSHOTS=1. */
function matchSnapshot(file: string, actual: string): void {
  const snapFile = `${file}.snap`;
  if (UPDATE) {
    fs.writeFileSync(snapFile, actual);
    return;
  }
  if (!fs.existsSync(snapFile)) {
    assert.fail(`No snapshot ${relative(snapFile)}; run the tests with UPDATE_SNAPSHOTS=1 to create it, then read it.`);
  }
  const expected = fs.readFileSync(snapFile, 'utf8');
  if (expected === actual) return;
  const changes = createTwoFilesPatch(`${relative(snapFile)} (stored)`, `${relative(snapFile)} (now)`, expected, actual, undefined, undefined, { context: 3 });
  assert.fail(`Snapshot ${relative(snapFile)} does not match. Differences:\n${changes}\nIf the change is intended, run with UPDATE_SNAPSHOTS=1 and review the new snapshot.`);
}

describe('rule fixtures', () => {
  let engine: AnalysisEngine;
  before(async () => {
    engine = await AnalysisEngine.create();
  });

  test('every registered rule has a fixture, and every fixture names a registered rule', () => {
    const codes = new Set(RULES.map((r) => r.code));
    for (const rule of RULES) assert.ok(ruleFixtures.includes(`${rule.code}.py`), `${rule.code} has no test/fixtures/rules/${rule.code}.py`);
    for (const name of ruleFixtures) {
      const code = RULE_FIXTURE_NAME.exec(name)?.[1];
      assert.ok(code && codes.has(code), `${name} does not name a registered rule (SQA###.py or SQA###_case.py)`);
    }
  });

  for (const name of ruleFixtures) {
    const code = RULE_FIXTURE_NAME.exec(name)?.[1];
    if (!code) continue;
    const file = path.join(RULE_DIR, name);

    describe(name, () => {
      let rendered: Rendered;
      before(() => {
        rendered = renderRuleFixture(engine, file, code);
      });

      test('matches its snapshot', () => {
        matchSnapshot(file, rendered.snapshot);
      });

      test(`flags ${code} above "# OK" and nowhere below it`, () => {
        const { own, okLine, lines } = rendered;
        assert.ok(okLine !== undefined, `${name} has no "# OK" line separating violations from near-misses`);
        assert.ok(own.some((f) => lines.lineOf(f.start) < okLine), `${name} has no ${code} finding above "# OK"`);
        const below = own.filter((f) => lines.lineOf(f.start) > okLine).map((f) => location(lines, f.start));
        assert.deepEqual(below, [], `${code} reports near-misses below "# OK" at ${below.join(', ')}`);
      });

      test('fixes add no syntax errors and are idempotent', () => {
        const original = fs.readFileSync(file, 'utf8');
        assert.ok(
          engine.countSyntaxErrors(rendered.fixed) <= engine.countSyntaxErrors(original),
          `the ${code} fixes of ${name} add syntax errors`,
        );
        const again = engine.fixText(rendered.fixed, { ...targetOf(original), codes: new Set([code]), includeReview: true });
        assert.equal(again.text, rendered.fixed, `a second ${code} fix run over ${name} changes the text again`);
      });
    });
  }
});

describe('near-miss fixtures', () => {
  let engine: AnalysisEngine;
  before(async () => {
    engine = await AnalysisEngine.create();
  });

  test('the near-miss folder is not empty', () => {
    assert.ok(nearMisses.length > 0);
  });

  for (const name of nearMisses) {
    const file = path.join(NEAR_MISS_DIR, name);
    test(`${name} yields no findings and matches its snapshot`, () => {
      const { snapshot, findings } = renderNearMiss(engine, file);
      matchSnapshot(file, snapshot);
      assert.deepEqual(findings.map((f) => f.code), [], `${name} should yield no findings`);
    });
  }
});
