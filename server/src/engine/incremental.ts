import { Parser } from 'web-tree-sitter';
import type { SyntaxTree } from '../parse/chunkedTree';
import { interfaceText } from '../semantics/unitInterface';
import { ModuleModel, spanIndexAt, type UnitSummary } from '../semantics/model';
import { WordIndex } from '../semantics/wordIndex';
import { LineIndex } from './lines';
import type { Finding, Fix, TextEdit } from '../rules/types';
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

  // The changed span, widened to whole lines: the same in both texts up to `lineStart`, and from
  // `oldBound` / `newBound` on (where the new text is the old one moved by `delta`).
  const old = previous.text;
  const { prefix, suffix } = commonEnds(old, text);
  const delta = text.length - old.length;
  const lineStart = lineStartBefore(text, prefix);
  const newBound = lineEndFrom(text, text.length - suffix);
  const oldBound = newBound - delta;
  const changedText = old.slice(lineStart, oldBound) + '\n' + text.slice(lineStart, newBound);
  // Imports change what every name means; a file-level suppression changes every finding.
  if (/\bimport\b|ignore-file/.test(changedText)) return wholeModule(text, tree, options, key);

  const model = new ModuleModel(text, tree, true);
  const unitCount = model.unitCount;
  const oldCount = previous.units.length;
  /** New statement -> the old one it is (same text, same place or moved by the edit). */
  const matched = new Array<number | undefined>(unitCount);
  const summaries = new Array<UnitSummary | undefined>(unitCount);
  // Statements before the edit keep their index; those after it keep their distance from the end.
  const oldIsMatched = new Uint8Array(oldCount);
  for (let i = 0; i < unitCount; i++) {
    const unit = model.unitSpan(i);
    if (unit.start === unit.end) continue;
    let oldIndex: number;
    let shift = 0;
    if (unit.end <= lineStart) oldIndex = i;
    else if (unit.start >= newBound) {
      oldIndex = i + oldCount - unitCount;
      shift = delta;
    } else continue;
    const record = previous.units[oldIndex];
    // Same text at the same place (moved by the edit) parses the same: the type need not be read.
    if (!record || record.start + shift !== unit.start || record.end + shift !== unit.end) continue;
    matched[i] = oldIndex;
    oldIsMatched[oldIndex] = 1;
    summaries[i] = record.summary;
    model.knowUnitType(i, record.type);
  }
  model.useSummaries(summaries);
  // The index moves to the new snapshot: an analysis that fails leaves the old one without it.
  const wordIndex = previous.wordIndex ?? WordIndex.of(previous.units.map((unit) => unit.summary));
  previous.wordIndex = undefined;
  model.useWordIndex(wordIndex);

  // Edited statements, and the names whose meaning they can change.
  const affected = new Set<number>();
  for (let i = 0; i < unitCount; i++) if (matched[i] === undefined) affected.add(i);
  const removed: UnitRecord[] = previous.units.filter((_, i) => oldIsMatched[i] === 0);
  const names = new Set<string>();
  const edited = [...affected];
  // One definition edited inside: if what others can learn of it is the same, no name changed.
  const sameInterface =
    edited.length === 1 && removed.length === 1 &&
    sameExports(removed[0].summary, model.summaryOf(edited[0])) &&
    sameInterfaceText(interfaceOfRecord(removed[0], old, tree), interfaceOfUnit(model, edited[0]));
  if (!sameInterface) {
    for (const i of edited) for (const name of model.summaryOf(i).exports) names.add(name);
    for (const unit of removed) for (const name of unit.summary.exports) names.add(name);
    for (const name of names) if (!mayBeModuleName(model, summaries, removed, name)) names.delete(name);
  }
  // Classes an edited statement names where others can see it (as a base, say) are checked again:
  // what a class is (a mixin of mapped classes, a base) depends on the classes built on it.
  const visibleWords = new Set<string>();
  const addWords = (textOf: string) => { for (const word of textOf.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) visibleWords.add(word); };
  for (const i of edited) {
    const visible = interfaceOfUnit(model, i);
    if (visible !== undefined) addWords(visible);
    else for (const word of model.summaryOf(i).words) visibleWords.add(word);
  }
  for (const unit of removed) {
    const visible = interfaceOfRecord(unit, old, tree);
    if (visible !== undefined) addWords(visible);
    else for (const word of unit.summary.words) visibleWords.add(word);
  }
  for (let i = 0; i < unitCount; i++) {
    if (affected.has(i) || !CLASS_STATEMENTS.has(model.unitRange(i).type)) continue;
    if (summaries[i]!.exports.some((name) => visibleWords.has(name))) affected.add(i);
  }

  // Statements that name one of them are checked again; what they define changes in turn, unless
  // they are definitions whose interface does not name it.
  // Each round looks for the names the last one added: the statements it passes over spell none of
  // the earlier ones, or were checked again already without their interface naming them ("quiet").
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
    if (affected.size > WHOLE_MODULE_SHARE * unitCount) return wholeModule(text, tree, options, key);
  }

  // Kept findings, moved. A finding whose fix edits a statement that changed, or one checked
  // again, is checked again too (one fix may list every use of a binding).
  const newIndexOfOldUnit = new Int32Array(oldCount).fill(-1);
  matched.forEach((oldIndex, i) => { if (oldIndex !== undefined) newIndexOfOldUnit[oldIndex] = i; });
  const newIndexOf = (oldIndex: number) => (newIndexOfOldUnit[oldIndex] === -1 ? undefined : newIndexOfOldUnit[oldIndex]);
  let candidates: Array<{ finding: Finding; unit: number; touched: Array<number | undefined> }> = [];
  const wholeModuleRules = RULES.filter((rule) => rule.wholeModule);
  const wholeModuleCodes = new Set(wholeModuleRules.map((rule) => rule.code));
  for (const finding of previous.findings) {
    if (wholeModuleCodes.has(finding.code)) continue;
    const oldUnit = spanIndexAt(previous.units, finding.start);
    const unit = oldUnit === undefined ? undefined : newIndexOf(oldUnit);
    if (unit === undefined) continue;
    // The statements its fix edits, by their new index; undefined for text that changed.
    const touched = (finding.fix?.edits ?? []).map((edit) => {
      if (edit.start <= oldBound && edit.end >= lineStart) return undefined;
      const at = spanIndexAt(previous.units, edit.start);
      return at === undefined ? -1 : newIndexOf(at);
    });
    candidates.push({ finding, unit, touched });
  }
  for (let grew = true; grew; ) {
    grew = false;
    candidates = candidates.filter((c) => {
      if (affected.has(c.unit)) return false;
      if (!c.touched.some((t) => t === undefined || affected.has(t))) return true;
      affected.add(c.unit);
      grew = true;
      return false;
    });
  }
  const kept = candidates;
  if (affected.size > WHOLE_MODULE_SHARE * unitCount) return wholeModule(text, tree, options, key);

  // Rules whose findings depend on the whole module run again (reporting everywhere) when a
  // statement checked again, or removed, spells one of their words; else they keep theirs.
  const checkedSummaries = [...[...affected].map((i) => summaries[i] ?? model.summaryOf(i)), ...removed.map((unit) => unit.summary)];
  const spelled = (word: string) => checkedSummaries.some((summary) => summary.words.has(word));
  const keepAll = new Set(wholeModuleRules.filter((rule) => !rule.wholeModule!(model).some(spelled)).map((rule) => rule.code));
  const keptWhole = previous.findings.filter((f) => keepAll.has(f.code)).map((f) => moveFinding(f, newBound - delta, delta));

  model.addFocus(affected);
  const analysis = analyzeModel(model, options, LineIndex.afterEdit(previous.lines, text, lineStart, oldBound, newBound), keepAll);
  const findings = kept.filter((k) => !affected.has(k.unit)).map((k) => moveFinding(k.finding, newBound - delta, delta));
  findings.push(...keptWhole, ...analysis.findings);
  findings.sort(compareFindings);
  const units = new Array<UnitRecord>(unitCount);
  for (let i = 0; i < unitCount; i++) {
    const oldIndex = matched[i];
    const record = oldIndex === undefined ? undefined : previous.units[oldIndex];
    const span = model.unitSpan(i);
    if (record && record.start === span.start) units[i] = record;
    else if (record) units[i] = { start: span.start, end: span.end, type: record.type, summary: record.summary };
    else {
      units[i] = { ...model.unitRange(i), summary: model.summaryOf(i) };
      wordIndex.add(units[i].summary);
    }
  }
  for (const unit of removed) wordIndex.remove(unit.summary);
  const bodiesOnly = (type: string) => type === 'function_definition' || type === 'comment';
  const definitionsChanged = !(edited.every((i) => bodiesOnly(model.unitRange(i).type)) && removed.every((unit) => bodiesOnly(unit.type)));
  return { ...analysis, findings, snapshot: { text, key, units, findings, wordIndex, lines: analysis.lines }, checkedUnits: affected.size, totalUnits: unitCount, definitionsChanged };
}

function wholeModule(text: string, tree: SyntaxTree, options: AnalyzeOptions, key: string): IncrementalAnalysis {
  const model = new ModuleModel(text, tree);
  model.keepsSummaries = true;
  const analysis = analyzeModel(model, options);
  const units: UnitRecord[] = [];
  for (let i = 0; i < model.unitCount; i++) units.push({ ...model.unitRange(i), summary: model.summaryOf(i) });
  return { ...analysis, snapshot: { text, key, units, findings: analysis.findings, lines: analysis.lines }, checkedUnits: model.unitCount, totalUnits: model.unitCount, definitionsChanged: true };
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


/** Offsets at or after `from` move by `delta`; those before stay. */
function moveFinding(finding: Finding, from: number, delta: number): Finding {
  if (delta === 0 || (finding.end < from && !finding.fix?.edits.some((edit) => edit.end >= from))) return finding;
  const move = (offset: number) => (offset >= from ? offset + delta : offset);
  const moveEdit = (edit: TextEdit): TextEdit => (edit.end < from ? edit : { ...edit, start: move(edit.start), end: move(edit.end) });
  const fix: Fix | undefined = finding.fix && { ...finding.fix, edits: finding.fix.edits.map(moveEdit) };
  return { ...finding, start: move(finding.start), end: move(finding.end), fix };
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

const CHUNK = 512;

/** Lengths of the common start and end of two texts (not overlapping), compared a chunk at a time first. */
function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const shortest = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix + CHUNK <= shortest && a.slice(prefix, prefix + CHUNK) === b.slice(prefix, prefix + CHUNK)) prefix += CHUNK;
  while (prefix < shortest && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  const room = shortest - prefix;
  while (suffix + CHUNK <= room && a.slice(a.length - suffix - CHUNK, a.length - suffix) === b.slice(b.length - suffix - CHUNK, b.length - suffix)) suffix += CHUNK;
  while (suffix < room && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  return { prefix, suffix };
}
