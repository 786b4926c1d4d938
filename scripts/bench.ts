/**
 * Performance benchmark.
 *
 *   node dist/bench.js                 generated corpus (written to .cache/bench-corpus)
 *   node dist/bench.js <folder>        every *.py under <folder> instead
 *   node dist/bench.js --rules         also split the analysis time by phase and rule
 *   node dist/bench.js --no-lsp        skip the language-server latency measurement
 *
 * Measures parse-only time, cold scan time (parse + analyze) and, through the real language
 * server over JSON-RPC, the time from didChange to the diagnostics of that version on a
 * 5,000-line document. The last line printed is one JSON object with the figures.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { createPythonParser, parseText } from '../server/src/parse/parser';
import { AnalysisEngine } from '../server/src/engine/engine';
import { collectPythonFiles, readSource } from '../server/src/cli/files';
import { ModuleModel } from '../server/src/semantics/model';
import { LineIndex } from '../server/src/engine/lines';
import { collectSuppressions } from '../server/src/engine/suppression';
import { RULES } from '../server/src/rules/index';
import { LspTestClient } from '../test/lsp/lspClient';
import { Rng, generateCorpus, generateEditModule, isPythonKeyword } from './benchCorpus';

const CORPUS_SEED = 'sqla-upgrade bench corpus v1';
const EDIT_SEED = 'sqla-upgrade bench edit module v1';
const EDIT_COUNT = 200;
const EDIT_WARMUP = 20;
const EDIT_LINES = 5000;
const TARGET_RATIO = 2;
const TARGET_EDIT_P95_MS = 15;

interface Source {
  file: string;
  text: string;
}

const projectRoot = path.resolve(__dirname, '..');

function parseArgs(argv: string[]): { folder?: string; rules: boolean; lsp: boolean } {
  const options = { folder: undefined as string | undefined, rules: false, lsp: true };
  for (const arg of argv) {
    if (arg === '--rules') options.rules = true;
    else if (arg === '--no-lsp') options.lsp = false;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else if (options.folder) throw new Error('give at most one folder');
    else options.folder = arg;
  }
  return options;
}

/** Writes the generated corpus afresh, so that the files on disk always match the generator. */
function writeCorpus(): string {
  const dir = path.join(projectRoot, '.cache', 'bench-corpus');
  fs.rmSync(dir, { recursive: true, force: true });
  for (const file of generateCorpus(CORPUS_SEED)) {
    const target = path.join(dir, file.relativePath);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.text);
  }
  return dir;
}

function loadSources(folder: string): Source[] {
  const { files, problems } = collectPythonFiles([folder]);
  for (const problem of problems) console.error(`skipped ${problem.path}: ${problem.message}`);
  const sources: Source[] = [];
  for (const file of files) {
    const { text, error } = readSource(file);
    if (text === undefined) console.error(`skipped ${file}: ${error}`);
    else sources.push({ file, text });
  }
  return sources;
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.length > 0 && !text.endsWith('\n') ? lines + 1 : lines;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

// ---------------------------------------------------------------------------------------------
// Whole-tree scans

async function measureScans(sources: Source[]) {
  const parser = await createPythonParser();
  const engine = await AnalysisEngine.create();
  const parseAll = (subset: Source[]) => {
    const start = performance.now();
    for (const { text } of subset) parseText(parser, text).delete();
    return performance.now() - start;
  };
  let findings = 0;
  let syntaxErrors = 0;
  const byCode = new Map<string, number>();
  const scanAll = (subset: Source[], tally: boolean) => {
    const start = performance.now();
    for (const { text } of subset) {
      const result = engine.analyzeText(text);
      if (!tally) continue;
      findings += result.findings.length;
      syntaxErrors += result.syntaxErrors;
      for (const finding of result.findings) byCode.set(finding.code, (byCode.get(finding.code) ?? 0) + 1);
    }
    return performance.now() - start;
  };

  // Warm-up: enough files for the JIT and the WASM heap to settle, the same for both measurements.
  const warmup = sources.slice(0, Math.max(1, Math.min(sources.length, Math.ceil(sources.length / 5))));
  parseAll(warmup);
  scanAll(warmup, false);

  const parseRuns: number[] = [];
  const scanRuns: number[] = [];
  for (let run = 0; run < 2; run++) {
    parseRuns.push(parseAll(sources));
    scanRuns.push(scanAll(sources, run === 0));
  }
  parser.delete();
  return { parseRuns, scanRuns, findings, syntaxErrors, byCode };
}

/**
 * Where analysis time goes: the phases of `analyze()` (model, line index, suppressions) and then
 * each rule in the order analyze() runs them. Receiver inference is memoized per module and shared
 * by the rules, so a rule that asks first pays for what later rules reuse.
 */
async function measureRuleSplit(sources: Source[]) {
  const parser = await createPythonParser();
  const phases = new Map<string, number>();
  const add = (key: string, ms: number) => phases.set(key, (phases.get(key) ?? 0) + ms);
  for (let run = 0; run < 2; run++) {
    const record = run === 1;
    for (const { text } of sources) {
      let t = performance.now();
      const tree = parseText(parser, text);
      let now = performance.now();
      if (record) add('parse', now - t);
      t = now;
      const model = new ModuleModel(text, tree);
      now = performance.now();
      if (record) add('model (ModuleModel)', now - t);
      t = now;
      const lines = new LineIndex(text);
      now = performance.now();
      if (record) add('line index', now - t);
      t = now;
      collectSuppressions(model, lines);
      now = performance.now();
      if (record) add('suppressions', now - t);
      for (const rule of RULES) {
        t = performance.now();
        rule.check({ model, report: () => undefined });
        if (record) add(`${rule.code} ${rule.id}`, performance.now() - t);
      }
      tree.delete();
    }
  }
  parser.delete();
  return phases;
}

// ---------------------------------------------------------------------------------------------
// Language-server edit latency

interface Position {
  line: number;
  character: number;
}

/** One-character edits at seeded places: a letter inside an identifier or a character in a comment, often undone on the next edit. */
class EditScript {
  private readonly lines: string[];
  private readonly pending: Position[] = [];
  private readonly rng: Rng;

  constructor(text: string, seed: string) {
    this.lines = text.split('\n');
    this.rng = new Rng(seed);
  }

  text(): string {
    return this.lines.join('\n');
  }

  next(): { range: { start: Position; end: Position }; text: string } {
    if (this.pending.length > 0 && this.rng.chance(0.5)) {
      const at = this.pending.pop()!;
      this.apply(at, 1, '');
      return { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' };
    }
    for (;;) {
      const line = this.rng.int(0, this.lines.length - 1);
      const spots = this.spots(this.lines[line]);
      if (spots.length === 0) continue;
      const spot = this.rng.pick(spots);
      const inserted = spot.comment ? this.rng.pick([' ', 'x', 'e', 'q', '-']) : this.rng.pick([...'abcdefghijklmnopqrstuvwxyz']);
      const at = { line, character: spot.character };
      this.apply(at, 0, inserted);
      this.pending.push(at);
      return { range: { start: at, end: at }, text: inserted };
    }
  }

  /** Offsets in a line where one more character keeps the code parseable. */
  private spots(line: string): Array<{ character: number; comment: boolean }> {
    const spots: Array<{ character: number; comment: boolean }> = [];
    const hash = line.indexOf('#');
    if (hash !== -1 && /^\s*#/.test(line)) {
      for (let i = hash + 1; i <= line.length; i++) spots.push({ character: i, comment: true });
      return spots;
    }
    for (const match of line.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
      const word = match[0];
      const start = match.index!;
      if (word.length < 3 || isPythonKeyword(word)) continue;
      // Not a number's tail (`0x1F`) nor a string prefix (`rb"..."`).
      if (start > 0 && /[0-9]/.test(line[start - 1])) continue;
      if (/["']/.test(line[start + word.length] ?? '')) continue;
      for (let i = start + 1; i < start + word.length; i++) spots.push({ character: i, comment: false });
    }
    return spots;
  }

  private apply(at: Position, removed: number, inserted: string): void {
    const line = this.lines[at.line];
    this.lines[at.line] = line.slice(0, at.character) + inserted + line.slice(at.character + removed);
    const shift = inserted.length - removed;
    for (const other of this.pending) {
      if (other.line === at.line && other.character >= at.character) other.character += shift;
    }
  }
}

async function measureEdits() {
  const text = generateEditModule(EDIT_SEED, EDIT_LINES);
  const client = new LspTestClient(path.join(__dirname, 'server.js'));
  const uri = 'file:///bench/edited_module.py';
  try {
    await client.initialize();
    const openStart = performance.now();
    await client.open(uri, text, 1);
    const opened = await client.diagnosticsFor(uri, 1, 60000);
    const openMs = performance.now() - openStart;
    const script = new EditScript(text, EDIT_SEED);
    const latencies: number[] = [];
    let diagnostics = opened.diagnostics.length;
    for (let i = 0; i < EDIT_WARMUP + EDIT_COUNT; i++) {
      const version = i + 2;
      const change = script.next();
      const start = performance.now();
      const sent = client.change(uri, version, [change]);
      const published = client.diagnosticsFor(uri, version, 30000);
      await sent;
      const result = await published;
      const elapsed = performance.now() - start;
      diagnostics = result.diagnostics.length;
      if (i >= EDIT_WARMUP) latencies.push(elapsed);
    }
    return { lines: countLines(text), openMs, openDiagnostics: opened.diagnostics.length, diagnostics, latencies };
  } finally {
    await client.shutdown();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  let folder: string;
  if (options.folder) {
    folder = path.resolve(options.folder);
  } else {
    const start = performance.now();
    folder = writeCorpus();
    console.log(`corpus: generated into ${path.relative(process.cwd(), folder) || folder} in ${seconds(performance.now() - start)}`);
  }
  const sources = loadSources(folder);
  if (sources.length === 0) throw new Error(`no Python files under ${folder}`);
  const lines = sources.reduce((sum, s) => sum + countLines(s.text), 0);
  const bytes = sources.reduce((sum, s) => sum + Buffer.byteLength(s.text, 'utf8'), 0);
  const mb = bytes / 1e6;
  console.log(`tree:   ${folder}`);
  console.log(`files:  ${sources.length}`);
  console.log(`lines:  ${lines.toLocaleString('en-US')}`);
  console.log(`size:   ${mb.toFixed(2)} MB (${bytes.toLocaleString('en-US')} bytes)`);

  const scans = await measureScans(sources);
  const parseBest = Math.min(...scans.parseRuns);
  const scanBest = Math.min(...scans.scanRuns);
  const ratio = scanBest / parseBest;
  const codes = [...scans.byCode].sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${code} ${n}`).join(', ');
  console.log(`findings: ${scans.findings.toLocaleString('en-US')} (${codes || 'none'}); syntax errors: ${scans.syntaxErrors}`);
  console.log(`parse only:  ${scans.parseRuns.map(seconds).join(', ')}  -> best ${seconds(parseBest)} (${Math.round(lines / (parseBest / 1000)).toLocaleString('en-US')} lines/s)`);
  console.log(`cold scan:   ${scans.scanRuns.map(seconds).join(', ')}  -> best ${seconds(scanBest)} (${Math.round(lines / (scanBest / 1000)).toLocaleString('en-US')} lines/s)`);
  console.log(`cold/parse:  ${ratio.toFixed(2)}x  (target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`);

  if (options.rules) {
    const split = await measureRuleSplit(sources);
    const total = [...split.values()].reduce((a, b) => a + b, 0);
    console.log('time by phase and rule (second pass, summed over all files):');
    for (const [key, ms] of split) console.log(`  ${key.padEnd(34)} ${ms.toFixed(1).padStart(9)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%`);
  }

  let editP50 = NaN;
  let editP95 = NaN;
  if (options.lsp) {
    const edits = await measureEdits();
    const sorted = [...edits.latencies].sort((a, b) => a - b);
    editP50 = percentile(sorted, 50);
    editP95 = percentile(sorted, 95);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    console.log(`edit file:   ${edits.lines} lines, ${edits.openDiagnostics} diagnostics on open (${edits.openMs.toFixed(0)} ms to first diagnostics)`);
    console.log(`edit->diagnostics over ${sorted.length} edits (after ${EDIT_WARMUP} warm-up edits): p50 ${editP50.toFixed(2)} ms, p95 ${editP95.toFixed(2)} ms, mean ${mean.toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms  (target p95 <= ${TARGET_EDIT_P95_MS} ms: ${editP95 <= TARGET_EDIT_P95_MS ? 'met' : 'NOT met'})`);
  }

  console.log(JSON.stringify({
    files: sources.length,
    lines,
    bytes,
    mb: round(mb, 3),
    parseOnlySeconds: round(parseBest / 1000, 4),
    coldScanSeconds: round(scanBest / 1000, 4),
    coldToParseRatio: round(ratio, 3),
    editP50Ms: Number.isNaN(editP50) ? null : round(editP50, 3),
    editP95Ms: Number.isNaN(editP95) ? null : round(editP95, 3),
  }));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
