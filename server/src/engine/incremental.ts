import { Parser } from 'web-tree-sitter';
import type { SyntaxTree } from '../parse/chunkedTree';
import { interfaceText } from '../semantics/unitInterface';
import { ModuleModel, spanIndexAt, type UnitSummary } from '../semantics/model';
import { WordIndex } from '../semantics/wordIndex';
import { LineIndex } from './lines';
import { ownCopy } from '../parse/ownCopy';
import type { Finding, Rule, TextEdit } from '../rules/types';
import { RULES } from '../rules/index';
import { analyzeModel, type Analysis, type AnalyzeOptions } from './analyze';

/** One top-level statement as the previous analysis saw it. */
interface UnitRecord {
  start: number;
  end: number;
  type: string;
  summary: UnitSummary;
}

/** What one analysis of a document leaves for the next: plain data, independent of any tree. */
export interface AnalysisSnapshot {
  text: string;
  /** Options and outside facts the findings depend on; a change means a whole analysis. */
  key: string;
  units: UnitRecord[];
  findings: Finding[];
  /** Line starts of `text`. */
  lines: LineIndex;
  /** Which statements spell each word; built on the first edit, then handed from snapshot to snapshot. */
  wordIndex?: WordIndex;
}

export interface IncrementalAnalysis extends Analysis {
  snapshot: AnalysisSnapshot;
  /** Top-level statements the rules ran on, and how many the module has. */
  checkedUnits: number;
  totalUnits: number;
  /** Whether an edited statement may define ORM classes or module names (not only a function body or a comment). */
  definitionsChanged: boolean;
}

const CLASS_STATEMENTS = new Set(['class_definition', 'decorated_definition']);

// Snapshots and statement records are made in one place each, so that every one has the same
// shape: the code that reads them on each edit then stays optimized.
function snapshotOf(text: string, key: string, units: UnitRecord[], findings: Finding[], lines: LineIndex, wordIndex: WordIndex | undefined): AnalysisSnapshot {
  return { text, key, units, findings, lines, wordIndex };
}

function unitRecord(start: number, end: number, type: string, summary: UnitSummary): UnitRecord {
  return { start, end, type, summary };
}

/** The key of a snapshot an analysis started from: equal to no options' key. */
const USED_UP = '\u0000used up';

/** Above this share of re-checked statements, one pass over the whole module is cheaper. */
const WHOLE_MODULE_SHARE = 0.3;

/**
 * Analyzes a new version of a document, re-running the rules only on the top-level statements an
 * edit can have changed: the edited ones, those on the same lines, those that name something the
 * edited ones define (transitively through module-level definitions), and those whose fixes reach
 * into edited text. The other statements keep their findings, moved by the edit's length. Edits
 * to imports or file-level suppressions, and large edits, analyze the whole module.
 */
export function analyzeIncrementally(text: string, tree: SyntaxTree, options: AnalyzeOptions, key: string, previous?: AnalysisSnapshot): IncrementalAnalysis {
  if (!previous || previous.key !== key) return wholeModule(text, tree, options, key);
  // A snapshot serves one analysis (its findings move in place, its word index moves on): should
  // this one fail, the next starts afresh.
  previous.key = USED_UP;
  const span = editSpan(previous.text, text);
  // Imports change what every name means; a file-level suppression changes every finding.
  if (/\bimport\b|ignore-file/.test(span.changedText)) return wholeModule(text, tree, options, key);

  const model = new ModuleModel(text, tree, true);
  const unitCount = model.unitCount;
  const { matched, summaries, removed } = matchUnits(model, previous.units, span);
  model.useSummaries(summaries);
  // The index moves on to the new snapshot (the used-up one is never a base again).
  const wordIndex = previous.wordIndex ?? WordIndex.of(previous.units.map((unit) => unit.summary));
  model.useWordIndex(wordIndex);

  // Edited statements, and the names whose meaning they can change.
  const affected = new Set<number>();
  for (let i = 0; i < unitCount; i++) if (matched[i] === -1) affected.add(i);
  const edited = [...affected];
  const names = editedNames(model, summaries, edited, removed, previous.text, tree);
  addClassesNamingEdited(model, summaries, edited, removed, previous.text, tree, affected);
  if (!spreadThroughNames(model, summaries, names, affected)) return wholeModule(text, tree, options, key);
  const kept = keptFindings(previous, matched, span, affected);
  if (affected.size > WHOLE_MODULE_SHARE * unitCount) return wholeModule(text, tree, options, key);

  // Rules whose findings depend on the whole module run again (reporting everywhere) when a
  // statement checked again, or removed, spells one of their words; else they keep theirs.
  const keepAll = wholeModuleRulesToKeep(model, summaries, affected, removed);
  model.addFocus(affected);
  const analysis = analyzeModel(model, options, LineIndex.afterEdit(previous.lines, text, span.lineStart, span.oldBound, span.newBound), keepAll);
  ownStrings(analysis.findings);
  const findings = mergeFindings(previous.findings, kept, keepAll, analysis.findings, span);
  const units = unitRecords(model, previous.units, matched, wordIndex);
  for (const unit of removed) wordIndex.remove(unit.summary);
  const bodiesOnly = (type: string) => type === 'function_definition' || type === 'comment';
  const definitionsChanged = !(edited.every((i) => bodiesOnly(model.unitType(i))) && removed.every((unit) => bodiesOnly(unit.type)));
  return { ...analysis, findings, snapshot: snapshotOf(text, key, units, findings, analysis.lines, wordIndex), checkedUnits: affected.size, totalUnits: unitCount, definitionsChanged };
}

// The steps of an incremental analysis are small functions: each is optimized on its own, and
// one that meets new shapes of data is re-optimized without the others.

/** The changed span, widened to whole lines. */
interface EditSpan {
  /** The texts are the same up to here. */
  lineStart: number;
  /** From here on, the old text is the new one ... */
  oldBound: number;
  /** ... from here on, moved by `delta`. */
  newBound: number;
  delta: number;
  /** The changed lines of both texts. */
  changedText: string;
}

function editSpan(old: string, text: string): EditSpan {
  const { prefix, suffix } = commonEnds(old, text);
  const delta = text.length - old.length;
  const lineStart = lineStartBefore(text, prefix);
  const newBound = lineEndFrom(text, text.length - suffix);
  const oldBound = newBound - delta;
  const changedText = old.slice(lineStart, oldBound) + '\n' + text.slice(lineStart, newBound);
  return { lineStart, oldBound, newBound, delta, changedText };
}

/**
 * Each new statement's old index (-1 for an edited one) and carried summary, and the old statements
 * that have no new one. Statements before the edit keep their index; those after it keep their
 * distance from the end; same text at the same place (moved by the edit) parses the same.
 */
function matchUnits(model: ModuleModel, oldUnits: UnitRecord[], span: EditSpan): { matched: Int32Array; summaries: Array<UnitSummary | undefined>; removed: UnitRecord[] } {
  const unitCount = model.unitCount;
  const oldCount = oldUnits.length;
  const matched = new Int32Array(unitCount).fill(-1);
  const summaries = new Array<UnitSummary | undefined>(unitCount).fill(undefined);
  const oldIsMatched = new Uint8Array(oldCount);
  for (let i = 0; i < unitCount; i++) {
    const unit = model.unitSpan(i);
    if (unit.start === unit.end) continue;
    let oldIndex: number;
    let shift = 0;
    if (unit.end <= span.lineStart) oldIndex = i;
    else if (unit.start >= span.newBound) {
      oldIndex = i + oldCount - unitCount;
      shift = span.delta;
    } else continue;
    const record = oldUnits[oldIndex];
    if (!record || record.start + shift !== unit.start || record.end + shift !== unit.end) continue;
    matched[i] = oldIndex;
    oldIsMatched[oldIndex] = 1;
    summaries[i] = record.summary;
    // The type need not be read again.
    model.knowUnitType(i, record.type);
  }
  const removed: UnitRecord[] = [];
  for (let i = 0; i < oldCount; i++) if (oldIsMatched[i] === 0) removed.push(oldUnits[i]);
  return { matched, summaries, removed };
}

/** Module names the edited statements define (or defined), unless one definition was edited inside without changing what others see of it. */
function editedNames(model: ModuleModel, summaries: Array<UnitSummary | undefined>, edited: number[], removed: UnitRecord[], oldText: string, tree: SyntaxTree): Set<string> {
  const names = new Set<string>();
  const sameInterface =
    edited.length === 1 && removed.length === 1 &&
    sameExports(removed[0].summary, model.summaryOf(edited[0])) &&
    sameInterfaceText(interfaceOfRecord(removed[0], oldText, tree), interfaceOfUnit(model, edited[0]));
  if (sameInterface) return names;
  for (const i of edited) for (const name of model.summaryOf(i).exports) names.add(name);
  for (const unit of removed) for (const name of unit.summary.exports) names.add(name);
  for (const name of names) if (!mayBeModuleName(model, summaries, removed, name)) names.delete(name);
  return names;
}

/**
 * Classes an edited statement names where others can see it (as a base, say) are checked again:
 * what a class is (a mixin of mapped classes, a base) depends on the classes built on it.
 */
function addClassesNamingEdited(model: ModuleModel, summaries: Array<UnitSummary | undefined>, edited: number[], removed: UnitRecord[], oldText: string, tree: SyntaxTree, affected: Set<number>): void {
  const visibleWords = new Set<string>();
  const addWords = (textOf: string) => { for (const word of textOf.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) visibleWords.add(word); };
  for (const i of edited) {
    const visible = interfaceOfUnit(model, i);
    if (visible !== undefined) addWords(visible);
    else for (const word of model.summaryOf(i).words) visibleWords.add(word);
  }
  for (const unit of removed) {
    const visible = interfaceOfRecord(unit, oldText, tree);
    if (visible !== undefined) addWords(visible);
    else for (const word of unit.summary.words) visibleWords.add(word);
  }
  for (let i = 0; i < model.unitCount; i++) {
    if (affected.has(i) || !CLASS_STATEMENTS.has(model.unitType(i))) continue;
    if (summaries[i]!.exports.some((name) => visibleWords.has(name))) affected.add(i);
  }
}

/**
 * Statements that name one of the names are checked again; what they define changes in turn,
 * unless they are definitions whose interface does not name it. Each round looks for the names the
 * last one added: the statements it passes over spell none of the earlier ones, or were checked
 * again already without their interface naming them ("quiet"). False when so many statements are
 * to be checked again that one pass over the whole module is cheaper.
 */
function spreadThroughNames(model: ModuleModel, summaries: Array<UnitSummary | undefined>, names: Set<string>, affected: Set<number>): boolean {
  const quiet = new Set<number>();
  for (let pending = [...names]; pending.length > 0; ) {
    const added: string[] = [];
    for (const i of model.unitsSpellingAny(pending)!) {
      if (affected.has(i) && !quiet.has(i)) continue;
      const summary = summaries[i];
      if (!summary) continue;
      let used: string[] | undefined;
      for (const name of pending) if (summary.words.has(name)) (used ??= []).push(name);
      if (!used) continue;
      affected.add(i);
      const ownInterface = interfaceOfUnit(model, i, summary);
      if (ownInterface !== undefined && !used.some((name) => new RegExp(`\\b${name}\\b`).test(ownInterface))) {
        quiet.add(i);
        continue;
      }
      quiet.delete(i);
      for (const name of summary.exports) if (!names.has(name)) { names.add(name); added.push(name); }
    }
    pending = added;
    if (affected.size > WHOLE_MODULE_SHARE * model.unitCount) return false;
  }
  return true;
}

/** A kept finding whose fix edits text: kept only while the statements its edits touch are not checked again. */
interface FixingFinding {
  finding: Finding;
  unit: number;
  /** The statements its fix edits, by their new index; -1 for text that changed (or a statement that did), -2 for none. */
  touched: number[];
}

/**
 * Findings of statements that were not checked again. A finding whose fix edits a statement that
 * changed, or one checked again, is checked again too (one fix may list every use of a binding).
 */
function keptFindings(previous: AnalysisSnapshot, matched: Int32Array, span: EditSpan, affected: Set<number>): Finding[] {
  const oldUnits = previous.units;
  // Old statements without a new one changed: -1.
  const newIndexOfOldUnit = new Int32Array(oldUnits.length).fill(-1);
  for (let i = 0; i < matched.length; i++) if (matched[i] >= 0) newIndexOfOldUnit[matched[i]] = i;
  const newIndexAt = (offset: number) => {
    const at = spanIndexAt(oldUnits, offset);
    return at === undefined ? -2 : newIndexOfOldUnit[at];
  };
  const wholeModuleCodes = wholeModuleRules().codes;
  const findings = previous.findings;
  // Each finding's new statement (-1 when it goes), then those with fixes until no more statements join.
  const unitOf = new Int32Array(findings.length).fill(-1);
  let fixing: FixingFinding[] = [];
  for (let f = 0; f < findings.length; f++) {
    const finding = findings[f];
    if (wholeModuleCodes.has(finding.code)) continue;
    const unit = newIndexAt(finding.start);
    if (unit < 0 || affected.has(unit)) continue;
    unitOf[f] = unit;
    const edits = finding.fix?.edits;
    if (!edits || edits.length === 0) continue;
    const touched = edits.map((edit) => (edit.start <= span.oldBound && edit.end >= span.lineStart ? -1 : newIndexAt(edit.start)));
    fixing.push({ finding, unit, touched });
  }
  for (let grew = true; grew; ) {
    grew = false;
    fixing = fixing.filter((c) => {
      if (affected.has(c.unit)) return false;
      if (!c.touched.some((t) => t === -1 || affected.has(t))) return true;
      affected.add(c.unit);
      grew = true;
      return false;
    });
  }
  const kept: Finding[] = [];
  for (let f = 0; f < findings.length; f++) if (unitOf[f] >= 0 && !affected.has(unitOf[f])) kept.push(findings[f]);
  return kept;
}

let wholeModuleRuleSet: { rules: Rule[]; codes: Set<string> } | undefined;

/** Rules whose findings depend on the whole module, found once. */
function wholeModuleRules(): { rules: Rule[]; codes: Set<string> } {
  if (!wholeModuleRuleSet) {
    const rules = RULES.filter((rule) => rule.wholeModule);
    wholeModuleRuleSet = { rules, codes: new Set(rules.map((rule) => rule.code)) };
  }
  return wholeModuleRuleSet;
}

/** Codes of the whole-module rules whose findings stay: no statement checked again, or removed, spells their words. */
function wholeModuleRulesToKeep(model: ModuleModel, summaries: Array<UnitSummary | undefined>, affected: Set<number>, removed: UnitRecord[]): Set<string> {
  const checkedSummaries: UnitSummary[] = [];
  for (const i of affected) checkedSummaries.push(summaries[i] ?? model.summaryOf(i));
  for (const unit of removed) checkedSummaries.push(unit.summary);
  const spelled = (word: string) => checkedSummaries.some((summary) => summary.words.has(word));
  const keep = new Set<string>();
  for (const rule of wholeModuleRules().rules) if (!rule.wholeModule!(model).some(spelled)) keep.add(rule.code);
  return keep;
}

/** Kept findings (moved by the edit) and new ones, in order. */
function mergeFindings(previousFindings: Finding[], kept: Finding[], keepAll: Set<string>, found: Finding[], span: EditSpan): Finding[] {
  const move = new FindingMover(span.newBound - span.delta, span.delta);
  const findings: Finding[] = [];
  for (const finding of kept) findings.push(move.finding(finding));
  for (const finding of previousFindings) if (keepAll.has(finding.code)) findings.push(move.finding(finding));
  for (const finding of found) findings.push(finding);
  findings.sort(compareFindings);
  return findings;
}

/** The statement records of the new text: old ones (moved in place: the previous snapshot is used up), new ones for edited statements. */
function unitRecords(model: ModuleModel, oldUnits: UnitRecord[], matched: Int32Array, wordIndex: WordIndex): UnitRecord[] {
  const units = new Array<UnitRecord>(model.unitCount);
  for (let i = 0; i < units.length; i++) {
    const record = matched[i] >= 0 ? oldUnits[matched[i]] : undefined;
    if (record) {
      const span = model.unitSpan(i);
      record.start = span.start;
      record.end = span.end;
      units[i] = record;
    } else {
      const range = model.unitRange(i);
      units[i] = unitRecord(range.start, range.end, range.type, model.summaryOf(i));
      wordIndex.add(units[i].summary);
    }
  }
  return units;
}

/**
 * The snapshot carries findings to later versions: their texts become strings of their own, or a
 * fix's text sliced from this version would keep all of it alive (see ownCopy).
 */
function ownStrings(findings: Finding[]): void {
  const ownEdits = (edits: TextEdit[]) => {
    for (const edit of edits) edit.newText = ownCopy(edit.newText);
  };
  for (const finding of findings) {
    finding.message = ownCopy(finding.message);
    if (!finding.fix) continue;
    finding.fix.title = ownCopy(finding.fix.title);
    ownEdits(finding.fix.edits);
    for (const external of finding.fix.externalEdits ?? []) ownEdits(external.edits);
  }
}

function wholeModule(text: string, tree: SyntaxTree, options: AnalyzeOptions, key: string): IncrementalAnalysis {
  const model = new ModuleModel(text, tree);
  model.keepsSummaries = true;
  const analysis = analyzeModel(model, options);
  ownStrings(analysis.findings);
  const units: UnitRecord[] = [];
  for (let i = 0; i < model.unitCount; i++) {
    const range = model.unitRange(i);
    units.push(unitRecord(range.start, range.end, range.type, model.summaryOf(i)));
  }
  return { ...analysis, snapshot: snapshotOf(text, key, units, analysis.findings, analysis.lines, undefined), checkedUnits: model.unitCount, totalUnits: model.unitCount, definitionsChanged: true };
}

/**
 * Whether `x` of an edited `x.attr = ...` can mean the same thing in other statements: when the
 * module binds `x` (or may, through a star import or `global x`). A method whose first parameter
 * is being typed (`self` → `sexlf`) makes `self.attr = ...` such an assignment, and every method
 * of the module spells `self`; no statement sees that `self`.
 */
function mayBeModuleName(model: ModuleModel, summaries: Array<UnitSummary | undefined>, removed: UnitRecord[], name: string): boolean {
  const binds = (summary: UnitSummary) => summary.moduleNames.includes(name) || summary.words.has('global');
  const spelling = model.unitsSpellingAny([name]);
  if (!spelling) return true;
  for (const i of spelling) if (binds(summaries[i] ?? model.summaryOf(i))) return true;
  return removed.some((unit) => binds(unit.summary)) || STAR_IMPORT.test(model.text);
}

const STAR_IMPORT = /\bimport\s*\*/;

/** The start of the line holding `offset - 1`: after the last `\n` or `\r` before `offset`, found without scanning the text before that line. */
function lineStartBefore(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i + 1;
  }
  return 0;
}

/** The end of the line holding `offset` (the offset of its line break, or the end of the text). */
function lineEndFrom(text: string, offset: number): number {
  for (let i = offset; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) return i;
  }
  return text.length;
}


/**
 * Moves kept findings by an edit, in place: offsets at or after `from` move by `delta`, those
 * before stay. The previous snapshot is used up by the analysis that moves its findings, and a
 * finding that stays the same object keeps its diagnostic (see toDiagnostic) instead of making
 * a new one per edit. Findings of one analysis can share a fix: each edit moves once.
 */
class FindingMover {
  private readonly movedEdits = new Set<TextEdit>();

  constructor(private readonly from: number, private readonly delta: number) {}

  finding(finding: Finding): Finding {
    if (this.delta === 0) return finding;
    finding.start = this.offset(finding.start);
    finding.end = this.offset(finding.end);
    for (const edit of finding.fix?.edits ?? []) this.edit(edit);
    return finding;
  }

  private edit(edit: TextEdit): void {
    if (edit.end < this.from || this.movedEdits.has(edit)) return;
    this.movedEdits.add(edit);
    edit.start = this.offset(edit.start);
    edit.end = this.offset(edit.end);
  }

  private offset(offset: number): number {
    return offset >= this.from ? offset + this.delta : offset;
  }
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.start - b.start || a.end - b.end || a.code.localeCompare(b.code);
}

function sameInterfaceText(before: string | undefined, after: string | undefined): boolean {
  return before !== undefined && before === after;
}

function sameExports(a: UnitSummary, b: UnitSummary): boolean {
  return [...a.exports].sort().join(' ') === [...b.exports].sort().join(' ');
}

/** The interface of a statement of the current tree, kept in its summary. */
function interfaceOfUnit(model: ModuleModel, i: number, known?: UnitSummary): string | undefined {
  const summary = known ?? model.summaryOf(i);
  if (!('interface' in summary)) summary.interface = interfaceText(model.unitNode(i));
  return summary.interface;
}

/** The interface of a statement of the previous text: kept from before, or from parsing its text alone. */
function interfaceOfRecord(record: UnitRecord, oldText: string, tree: SyntaxTree): string | undefined {
  if ('interface' in record.summary) return record.summary.interface;
  const alone = parseAlone(oldText.slice(record.start, record.end), tree);
  record.summary.interface = alone;
  return alone;
}

let standaloneParser: Parser | undefined;

/** A top-level statement parses the same on its own as in its module. */
function parseAlone(statement: string, tree: SyntaxTree): string | undefined {
  if (!standaloneParser) {
    standaloneParser = new Parser();
    standaloneParser.setLanguage(tree.language);
  }
  const alone = standaloneParser.parse(statement);
  try {
    const node = alone?.rootNode.namedChildren[0];
    return node ? interfaceText(node) : undefined;
  } finally {
    alone?.delete();
  }
}

/** Lengths of the common start and end of two texts (not overlapping). */
function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const shortest = Math.min(a.length, b.length);
  const prefix = commonLength(shortest, (at, length) => a.slice(at, at + length) === b.slice(at, at + length));
  const room = shortest - prefix;
  const suffix = commonLength(room, (at, length) => a.slice(a.length - at - length, a.length - at) === b.slice(b.length - at - length, b.length - at));
  return { prefix, suffix };
}

/**
 * How far two texts agree from one end, up to `limit`, given whether `length` characters from
 * `at` (counted from that end) agree: runs of doubling length first, then halving ones near the
 * first difference. A text compares in a few dozen slices, whatever its length.
 */
function commonLength(limit: number, agree: (at: number, length: number) => boolean): number {
  let length = 0;
  let run = 256;
  for (;;) {
    if (length + run <= limit && agree(length, run)) {
      length += run;
      run *= 2;
    } else if (run > 1) run >>= 1;
    else return length;
  }
}
