// Positions and layout through the engine and the LSP conversion: UTF-16 columns after astral and
// CJK characters, CRLF line endings and tab or space indentation kept by fixes that add lines.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisEngine } from '../../server/src/engine/engine';
import { diffEdits } from '../../server/src/fix/apply';
import { isPositionOf, rangeOf, toDiagnostic, toLspEdit } from '../../server/src/lsp/convert';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';

let engine: AnalysisEngine;

before(async () => {
  engine = await AnalysisEngine.create();
});

const crlf = (text: string) => text.replace(/\n/g, '\r\n');
const hasBareLineFeed = (text: string) => /(^|[^\r])\n/.test(text);

/** The LSP range of the first occurrence of `needle` on the 0-based `line`, counted in UTF-16 code units. */
function rangeOfText(source: string, line: number, needle: string) {
  const lines = source.split(/\r?\n/);
  const character = lines[line].indexOf(needle);
  assert.ok(character >= 0, `${needle} is not on line ${line}`);
  return { start: { line, character }, end: { line, character: character + needle.length } };
}

// Astral characters (two UTF-16 units, four UTF-8 bytes) and CJK (one unit, three bytes) on earlier
// lines and before the findings on their own lines.
const UNICODE = [
  'from sqlalchemy.orm import Session', //                                  0
  'from app.models import User', //                                         1
  '# \u{1F600} earlier line: \u4E2D\u6587 and \u{1F40D}\u{1F40D}', //       2
  'GREETING = "\u{1F44B}\u{1F3FD} \u3053\u3093\u306B\u3061\u306F"', //      3
  '', //                                                                    4
  '', //                                                                    5
  'def find(session: Session):', //                                         6
  '    tag = "\u{1F600}\u4E2D"; return session.query(User).get(1)', //     7
  '', //                                                                    8
  '', //                                                                    9
  'def named(session: Session):', //                                        10
  '    return session.query(User).get("\u{1F40D}\u6F22")  # \u{1F600}', // 11
  '',
].join('\n');

const UNICODE_FIXED = UNICODE.replace('session.query(User).get(1)', 'session.get(User, 1)').replace('session.query(User).get("\u{1F40D}\u6F22")', 'session.get(User, "\u{1F40D}\u6F22")');

describe('UTF-16 positions after astral and CJK characters', () => {
  test('findings span exactly the call, on the same line as an emoji and below lines of emoji and CJK', () => {
    const analysis = engine.analyzeText(UNICODE);
    const spans = analysis.findings.map((f) => `${f.code} ${UNICODE.slice(f.start, f.end)}`);
    assert.deepEqual(spans, ['SQA401 session.query(User).get(1)', 'SQA401 session.query(User).get("\u{1F40D}\u6F22")']);
  });

  test('diagnostic ranges count UTF-16 code units, as LSP positions do', () => {
    const document = TextDocument.create('file:///unicode.py', 'python', 1, UNICODE);
    const ranges = engine.analyzeText(UNICODE).findings.map((f) => toDiagnostic(document, f, DEFAULT_SETTINGS)!.range);
    assert.deepEqual(ranges, [rangeOfText(UNICODE, 7, 'session.query(User).get(1)'), rangeOfText(UNICODE, 11, 'session.query(User).get("\u{1F40D}\u6F22")')]);
    // `    tag = "` is 11 units, the emoji 2 (a surrogate pair), the CJK character 1, `"; return ` 10;
    // in code points the call starts at 23.
    const line = UNICODE.split('\n')[7];
    assert.equal(ranges[0].start.character, 24);
    assert.equal([...line.slice(0, 24)].length, 23);
  });

  test('fixes replace exactly the flagged text, through the engine and as LSP edits', () => {
    const result = engine.fixText(UNICODE);
    assert.equal(result.text, UNICODE_FIXED);
    const document = TextDocument.create('file:///unicode.py', 'python', 1, UNICODE);
    // Each finding's own fix, as the quick fix sends it.
    const eachFixed = engine.analyzeText(UNICODE).findings.map((finding) => TextDocument.applyEdits(document, finding.fix!.edits.map((e) => toLspEdit(document, e))));
    assert.deepEqual(eachFixed, [
      UNICODE.replace('session.query(User).get(1)', 'session.get(User, 1)'),
      UNICODE.replace('session.query(User).get("\u{1F40D}\u6F22")', 'session.get(User, "\u{1F40D}\u6F22")'),
    ]);
    // The whole-file edit, as Migrate File and Migrate Workspace send it.
    assert.equal(TextDocument.applyEdits(document, diffEdits(UNICODE, result.text).map((e) => toLspEdit(document, e))), UNICODE_FIXED);
  });

  test('a CRLF file with emoji: positions and fixes agree', () => {
    const source = crlf(UNICODE);
    const document = TextDocument.create('file:///unicode.py', 'python', 1, source);
    const ranges = engine.analyzeText(source).findings.map((f) => toDiagnostic(document, f, DEFAULT_SETTINGS)!.range);
    assert.deepEqual(ranges[0], rangeOfText(source, 7, 'session.query(User).get(1)'));
    assert.equal(engine.fixText(source).text, crlf(UNICODE_FIXED));
  });
});

// Multi-line rewrites: SQA402 keeps the chain's own lines, SQA101 wraps the statement in a
// `with` block and SQA202 lays a long chain out one step per line.
const QUERY_CHAIN = [
  'from sqlalchemy.orm import Session',
  'from app.models import User',
  '',
  '',
  'def find(session: Session):',
  '\tif session:',
  '\t\treturn (',
  '\t\t\tsession.query(User)',
  '\t\t\t.filter(User.id > 1)',
  '\t\t\t.order_by(User.id)',
  '\t\t\t.all()',
  '\t\t)',
  '',
].join('\n');

const QUERY_CHAIN_FIXED = [
  'from sqlalchemy.orm import Session',
  'from app.models import User',
  'from sqlalchemy import select',
  '',
  '',
  'def find(session: Session):',
  '\tif session:',
  '\t\treturn (',
  '\t\t\tsession.scalars(select(User)',
  '\t\t\t.filter(User.id > 1)',
  '\t\t\t.order_by(User.id)).all()',
  '\t\t)',
  '',
].join('\n');

const ENGINE_EXECUTE = [
  'from sqlalchemy import create_engine, text',
  '',
  'engine = create_engine("sqlite://")',
  '',
  '',
  'def purge():',
  '\tif engine:',
  '\t\tengine.execute(',
  '\t\t\ttext("DELETE FROM users"),',
  '\t\t)',
  '',
].join('\n');

const ENGINE_EXECUTE_FIXED = [
  'from sqlalchemy import create_engine, text',
  '',
  'engine = create_engine("sqlite://")',
  '',
  '',
  'def purge():',
  '\tif engine:',
  '\t\twith engine.begin() as conn:',
  '\t\t\tconn.execute(',
  '\t\t\t\ttext("DELETE FROM users"),',
  '\t\t\t)',
  '',
].join('\n');

// No def or class shows the indentation: the tab of the block itself must.
const MODULE_LEVEL_EXECUTE = [
  'from sqlalchemy import create_engine, text',
  '',
  'engine = create_engine("sqlite://")',
  'if engine:',
  '\tfor row in engine.execute(',
  '\t\ttext("SELECT 1"),',
  '\t):',
  '\t\tprint(row)',
  '',
].join('\n');

const MODULE_LEVEL_EXECUTE_FIXED = [
  'from sqlalchemy import create_engine, text',
  '',
  'engine = create_engine("sqlite://")',
  'if engine:',
  '\twith engine.begin() as conn:',
  '\t\tfor row in conn.execute(',
  '\t\t\ttext("SELECT 1"),',
  '\t\t):',
  '\t\t\tprint(row)',
  '',
].join('\n');

const SELECT_KEYWORDS = [
  'from sqlalchemy import column, select, table',
  '',
  'users = table("users", column("id"))',
  'if users is not None:',
  '\tstmt = select(',
  '\t\t[users.c.id],',
  '\t\tusers.c.id == 5,',
  '\t\torder_by=users.c.id,',
  '\t)',
  '',
].join('\n');

const SELECT_KEYWORDS_FIXED = [
  'from sqlalchemy import column, select, table',
  '',
  'users = table("users", column("id"))',
  'if users is not None:',
  '\tstmt = (',
  '\t\tselect(users.c.id)',
  '\t\t.where(users.c.id == 5)',
  '\t\t.order_by(users.c.id)',
  '\t)',
  '',
].join('\n');

const twoSpaces = (text: string) => text.replace(/\t/g, '  ');

const MULTI_LINE_CASES: Array<[string, string, string]> = [
  ['SQA402 query chain over several lines', QUERY_CHAIN, QUERY_CHAIN_FIXED],
  ['SQA101 connection block in a function', ENGINE_EXECUTE, ENGINE_EXECUTE_FIXED],
  ['SQA101 connection block in a module-level block', MODULE_LEVEL_EXECUTE, MODULE_LEVEL_EXECUTE_FIXED],
  ['SQA202 chain laid out one step per line', SELECT_KEYWORDS, SELECT_KEYWORDS_FIXED],
];

describe('multi-line fixes keep the file\'s indentation and line endings', () => {
  for (const [name, source, expected] of MULTI_LINE_CASES) {
    test(`${name}: tab indentation`, () => {
      assert.equal(engine.fixText(source, { includeReview: true }).text, expected);
    });

    test(`${name}: two-space indentation`, () => {
      assert.equal(engine.fixText(twoSpaces(source), { includeReview: true }).text, twoSpaces(expected));
    });

    test(`${name}: CRLF line endings, also on the lines the fix adds`, () => {
      const fixed = engine.fixText(crlf(source), { includeReview: true }).text;
      assert.equal(fixed, crlf(expected));
      assert.ok(!hasBareLineFeed(fixed));
    });

    test(`${name}: CRLF with an emoji on the line before`, () => {
      const withEmoji = (text: string) => text.replace('\n\n', '\n# \u{1F600}\u4E2D\n');
      const fixed = engine.fixText(crlf(withEmoji(source)), { includeReview: true }).text;
      assert.equal(fixed, crlf(withEmoji(expected)));
    });
  }
});

describe('a finding kept from the previous version keeps its diagnostic only where it still fits', () => {
  const source = ['from sqlalchemy.orm import Session', '', 'def find(session: Session):', '    return session.query(User).get(1)', '# end', ''].join('\n');

  test('an edit after the finding: the same diagnostic object', () => {
    const document = TextDocument.create('file:///kept.py', 'python', 1, source);
    const [finding] = engine.analyzeText(source).findings;
    const first = toDiagnostic(document, finding, DEFAULT_SETTINGS)!;
    TextDocument.update(document, [{ range: { start: { line: 4, character: 5 }, end: { line: 4, character: 5 } }, text: 'ing' }], 2);
    assert.equal(toDiagnostic(document, finding, DEFAULT_SETTINGS), first);
  });

  test('a letter before it replaced by a line break: same offsets, a new range one line down', () => {
    const document = TextDocument.create('file:///kept.py', 'python', 1, source);
    const [finding] = engine.analyzeText(source).findings;
    const first = toDiagnostic(document, finding, DEFAULT_SETTINGS)!;
    // `from` becomes `fr\nm`: no offset moves, every later line does.
    TextDocument.update(document, [{ range: { start: { line: 0, character: 2 }, end: { line: 0, character: 3 } }, text: '\n' }], 2);
    const after = toDiagnostic(document, finding, DEFAULT_SETTINGS)!;
    assert.notEqual(after, first);
    assert.deepEqual(after.range, rangeOf(document, finding.start, finding.end));
    assert.equal(after.range.start.line, first.range.start.line + 1);
  });

  test('a severity changed in the settings makes a new diagnostic', () => {
    const document = TextDocument.create('file:///kept.py', 'python', 1, source);
    const [finding] = engine.analyzeText(source).findings;
    const first = toDiagnostic(document, finding, DEFAULT_SETTINGS)!;
    const asError = toDiagnostic(document, finding, { ...DEFAULT_SETTINGS, rules: { [finding.code]: 'error' } })!;
    assert.notEqual(asError, first);
    assert.equal(asError.severity, 1);
  });

  test('isPositionOf never accepts a position positionAt would not give, across LF and CRLF line breaks', () => {
    const text = 'ab\r\ncd\n\r\nef\r\n\ng';
    const document = TextDocument.create('file:///breaks.py', 'python', 1, text);
    for (let offset = 0; offset <= text.length; offset++) {
      const exact = document.positionAt(offset);
      const lineStart = document.offsetAt({ line: exact.line, character: 0 });
      // Between `\r` and `\n` positionAt answers the position before the break: the check declines it (a new range is made).
      const insideBreak = offset - lineStart !== exact.character;
      assert.equal(isPositionOf(document, exact, offset), !insideBreak, `offset ${offset}`);
      const candidates = [
        { line: exact.line, character: exact.character + 1 },
        { line: exact.line, character: offset - lineStart },
        { line: exact.line + 1, character: 0 },
        ...(exact.line > 0 ? [{ line: exact.line - 1, character: offset - document.offsetAt({ line: exact.line - 1, character: 0 }) }] : []),
      ];
      for (const position of candidates) {
        const same = position.line === exact.line && position.character === exact.character;
        if (isPositionOf(document, position, offset)) assert.ok(same, `offset ${offset}, position ${JSON.stringify(position)}`);
      }
    }
  });
});
