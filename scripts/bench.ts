/**
 * Performance benchmark.
 *
 *   node dist/bench.js                 generated corpus (written to .cache/bench-corpus)
 *   node dist/bench.js <folder>        every *.py under <folder> instead
 *   node dist/bench.js --rules         also split the analysis time by phase and rule, for the
 *                                      whole tree and, in process, for the edited document
 *   node dist/bench.js --no-lsp        skip the language-server latency measurement
 *   node dist/bench.js --stdio         speak to the server over stdio (most editors) instead of
 *                                      Node's IPC channel (VS Code's client, as the extension starts it)
 *
 * Measures parse-only time, cold scan time (each file read, parsed and analyzed as the workspace
 * scan does, with the project's models) in process and through the scan worker pool (one
 * worker, then one per core), in interleaved rounds, and, through the real language server over
 * JSON-RPC, the time from didChange to the diagnostics of that version on a 5,000-line document
 * with nothing else running (edits back to back), then on a 5,000-line and a 20,000-line document
 * while the server scans the tree in the background (edits TYPING_GAP_MS apart, so that the scan
 * goes on between them), and the server's peak
 * memory over a whole workspace scan. The last line printed is one JSON object with the figures.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { performance } from 'perf_hooks';
import { createPythonParser, parseText } from '../server/src/parse/parser';
import { AnalysisEngine } from '../server/src/engine/engine';
import { collectPythonFiles, readSource } from '../server/src/cli/files';
import { analyze } from '../server/src/engine/analyze';
import { analyzeIncrementally, type AnalysisSnapshot } from '../server/src/engine/incremental';
import { RULES } from '../server/src/rules/index';
import type { Rule } from '../server/src/rules/types';
import { DocumentStore } from '../server/src/lsp/documents';
import { countSyntaxErrors } from '../server/src/fix/fixAll';
import type { SyntaxTree } from '../server/src/parse/chunkedTree';
import { ScanPool, availableCores, type ScanGroup, type ScanSettings } from '../server/src/engine/scanPool';
import { scanFile } from '../server/src/engine/scanFile';
import { projectModuleRoots } from '../server/src/engine/standalone';
import { ProjectModels } from '../server/src/semantics/projectModels';
import type { ProgressReport } from '../server/src/protocol';
import { LspTestClient, type PublishedDiagnostics, type ServerTransport } from '../test/lsp/lspClient';
import { Rng, generateCorpus, generateEditModule, isPythonKeyword } from './benchCorpus';

const CORPUS_SEED = 'sqla-upgrade bench corpus v1';
const EDIT_SEED = 'sqla-upgrade bench edit module v1';
const EDIT_COUNT = 200;
const EDIT_WARMUP = 20;
/**
 * While the server scans, edits come this far apart: faster than anyone types (ten characters a
 * second are 100 ms apart), and slow enough that the scan, which waits while an edit is served,
 * goes on between them as it does while a user types.
 */
const TYPING_GAP_MS = 30;
const EDIT_LINES = 5000;
const EDIT_LINES_LARGE = 20000;
const TARGET_RATIO = 2;
const TARGET_ONE_WORKER_RATIO = 1.5;
const TARGET_ALL_WORKERS_RATIO = 0.65;
/** Edit latency floors: on an idle server (5,000 lines), and while it scans the workspace. */
const TARGET_EDIT_P95_MS_IDLE = 15;
const TARGET_EDIT_P95_MS = 10;
const TARGET_EDIT_P95_MS_LARGE = 25;
const TARGET_PEAK_RSS_MB = 250;
/** Edits of the long typing session whose memory is measured. */
const TYPING_SESSION_EDITS = 3000;

interface Source {
  file: string;
  text: string;
}

const projectRoot = path.resolve(__dirname, '..');

/** A mistake in how the benchmark was called: reported without a stack trace. */
class UsageError extends Error {}

function parseArgs(argv: string[]): { folder?: string; rules: boolean; lsp: boolean; transport: ServerTransport } {
  const options = { folder: undefined as string | undefined, rules: false, lsp: true, transport: 'ipc' as ServerTransport };
  for (const arg of argv) {
    if (arg === '--rules') options.rules = true;
    else if (arg === '--no-lsp') options.lsp = false;
    else if (arg === '--stdio') options.transport = 'stdio';
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg} (options: --rules, --no-lsp, --stdio)`);
    else if (options.folder) throw new UsageError('give at most one folder');
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

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
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

/** One timed pass: wall-clock and process CPU time, in ms. CPU time shows how much of a slow run was a busy machine. */
interface Run {
  wall: number;
  cpu: number;
}

function finish(start: number, cpu: NodeJS.CpuUsage): Run {
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
}

function describeRuns(runs: Run[]): string {
  return `${runs.map((r) => seconds(r.wall)).join(', ')} (cpu ${runs.map((r) => seconds(r.cpu)).join(', ')})`;
}

/**
 * Cold scans are measured in rounds: each round runs every kind of pass once (parse only, scan in
 * process, scan through one worker, scan through one worker per core) and each figure is the best
 * of its rounds. A busy spell of the machine then slows one pass of a kind, not every pass of it,
 * and the ratios compare passes of the same moments. Seven rounds: on a shared two-core machine
 * the same pass took from 3.2 to 5.6 s within one run; three rounds left a kind of pass without a
 * quiet moment too often, and five still did in some runs (a best one worker pass 20% above the
 * in-process one of the same run, where quiet rounds put them level).
 */
const SCAN_ROUNDS = 7;

/**
 * Parse-only passes and cold scans in process: each file as a scan worker treats it (scanFile,
 * with the project's models filling up as files finish), on this thread alone.
 */
async function inProcessPasses(sources: Source[]) {
  const parser = await createPythonParser();
  const engine = await AnalysisEngine.create();
  const settings = scanSettings(sources);
  const tally = { findings: 0, byCode: new Map<string, number>() };
  const parseAll = (subset: Source[]): Run => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (const { text } of subset) parseText(parser, text).delete();
    return finish(start, cpu);
  };
  const scanAll = (subset: Source[], count: boolean): Run => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const models = new ProjectModels(engine.parser);
    for (const { file } of subset) {
      const result = scanFile(engine.parser, file, settings, models);
      if (result.status !== 'analyzed') continue;
      models.storeIndexes([{ file, index: result.index, digest: result.digest }]);
      if (!count) continue;
      tally.findings += result.findings.length;
      for (const finding of result.findings) tally.byCode.set(finding.code, (tally.byCode.get(finding.code) ?? 0) + 1);
    }
    return finish(start, cpu);
  };
  // Warm-up: enough files for the JIT and the WASM heap to settle, the same for both kinds of pass.
  const warmup = sources.slice(0, Math.max(1, Math.min(sources.length, Math.ceil(sources.length / 5))));
  parseAll(warmup);
  scanAll(warmup, false);
  return {
    tally,
    parse: () => parseAll(sources),
    scan: (count: boolean) => scanAll(sources, count),
    /** Untimed: whether the tree parses cleanly. Frees the parsers. */
    finish(): number {
      let syntaxErrors = 0;
      for (const { text } of sources) syntaxErrors += engine.countSyntaxErrors(text);
      parser.delete();
      return syntaxErrors;
    },
  };
}

/** A workspace folder's scan settings, by default, for these files. */
function scanSettings(sources: Source[]): ScanSettings {
  return { rules: {}, targetVersion: '1.4-compatible', maxFileSizeMB: 2, projectRoots: projectModuleRoots(sources.map((s) => s.file)) };
}

/**
 * Cold scans through the real worker pool: wall time from the first batch sent to the last
 * result, after a warm-up scan that starts the workers. CPU time is the whole process's, all
 * threads included.
 */
async function poolPasses(sources: Source[], workers: number) {
  const pool = new ScanPool({ workers });
  const settings = scanSettings(sources);
  const groups = (subset: Source[]): ScanGroup[] => [{ files: subset.map((s) => s.file), settings }];
  // The workers are unref()ed: something must keep this process alive while it waits for them.
  const keepAlive = setInterval(() => undefined, 1000);
  const state = { findings: 0, workers: 0 };
  const scan = async (subset: Source[]): Promise<Run> => {
    state.findings = 0;
    const start = performance.now();
    const cpu = process.cpuUsage();
    const outcome = await pool.scan(groups(subset), (result) => {
      if (result.status === 'analyzed') state.findings += result.findings.length;
    }).done;
    const run = finish(start, cpu);
    if (outcome.results !== subset.length) throw new Error(`the pool returned ${outcome.results} of ${subset.length} files`);
    return run;
  };
  try {
    await scan(sources.slice(0, Math.max(workers * 8, Math.ceil(sources.length / 5))));
  } catch (error) {
    clearInterval(keepAlive);
    pool.dispose();
    throw error;
  }
  state.workers = pool.workers;
  return {
    state,
    scan: () => scan(sources),
    dispose(): void {
      clearInterval(keepAlive);
      pool.dispose();
    },
  };
}

/** Every kind of cold pass, SCAN_ROUNDS times, interleaved. */
async function measureColdPasses(sources: Source[], cores: number) {
  const inProcess = await inProcessPasses(sources);
  const one = await poolPasses(sources, 1);
  const all = await poolPasses(sources, cores).catch((error) => {
    one.dispose();
    throw error;
  });
  const runs = { parse: [] as Run[], scan: [] as Run[], one: [] as Run[], all: [] as Run[] };
  try {
    for (let round = 0; round < SCAN_ROUNDS; round++) {
      runs.parse.push(inProcess.parse());
      runs.scan.push(inProcess.scan(round === 0));
      runs.one.push(await one.scan());
      runs.all.push(await all.scan());
    }
  } finally {
    one.dispose();
    all.dispose();
  }
  const syntaxErrors = inProcess.finish();
  return { runs, syntaxErrors, ...inProcess.tally, oneWorker: one.state, allWorkers: all.state };
}

type Timings = Map<string, number>;

function addTiming(timings: Timings, key: string, ms: number): void {
  timings.set(key, (timings.get(key) ?? 0) + ms);
}

/** Wraps every rule's `check` so that the real `analyze()` reports how long each rule took. */
class RuleTimer {
  target: Timings | undefined;
  spent = 0;
  private readonly originals = RULES.map((rule) => rule.check);

  install(): void {
    RULES.forEach((rule, i) => {
      const original = this.originals[i];
      (rule as { check: Rule['check'] }).check = (context) => {
        const start = performance.now();
        try {
          original.call(rule, context);
        } finally {
          const ms = performance.now() - start;
          this.spent += ms;
          if (this.target) addTiming(this.target, `${rule.code} ${rule.id}`, ms);
        }
      };
    });
  }

  uninstall(): void {
    RULES.forEach((rule, i) => ((rule as { check: Rule['check'] }).check = this.originals[i]));
  }
}

const OUTSIDE_RULES = 'model, line index, suppressions, reuse';

/**
 * One `analyze()` call, split into the rules (in the order analyze() runs them) and the rest:
 * the module model, the line index and the suppression comments. Receiver inference and
 * bound-metadata facts are memoized per module and shared by the rules, so the first rule that
 * asks pays for what later rules reuse.
 */
function timeAnalysis(timer: RuleTimer, text: string, tree: SyntaxTree, timings: Timings | undefined, previous?: AnalysisSnapshot): AnalysisSnapshot | undefined {
  timer.target = timings;
  timer.spent = 0;
  if (timings && !timings.has(OUTSIDE_RULES)) timings.set(OUTSIDE_RULES, 0);
  const start = performance.now();
  // The edited document goes the server's way: re-checking what the edit can have changed.
  let snapshot: AnalysisSnapshot | undefined;
  if (previous) snapshot = analyzeIncrementally(text, tree, {}, 'bench', previous).snapshot;
  else analyze(text, tree);
  if (timings) addTiming(timings, OUTSIDE_RULES, performance.now() - start - timer.spent);
  return snapshot;
}

/** Where cold-scan time goes over the whole tree (the second of two passes is kept). */
async function measureRuleSplit(sources: Source[]): Promise<Timings> {
  const parser = await createPythonParser();
  const timer = new RuleTimer();
  const timings: Timings = new Map();
  timer.install();
  try {
    for (let run = 0; run < 2; run++) {
      const record = run === 1 ? timings : undefined;
      for (const { text } of sources) {
        const start = performance.now();
        const tree = parseText(parser, text);
        if (record) addTiming(record, 'parse', performance.now() - start);
        timeAnalysis(timer, text, tree, record);
        tree.delete();
      }
    }
  } finally {
    timer.uninstall();
    parser.delete();
  }
  return timings;
}

/**
 * The server's work per edit, in process: the document store's incremental re-parse, then the
 * analysis phase by phase, for the same edits as the language-server measurement.
 */
async function measureEditSplit(): Promise<{ timings: Timings; edits: number; cpuPerEditMs: number; syntaxErrors: number }> {
  const parser = await createPythonParser();
  const store = new DocumentStore(parser);
  const uri = 'file:///bench/edited_module.py';
  const text = generateEditModule(EDIT_SEED, EDIT_LINES);
  store.open(uri, 'python', 1, text);
  const script = new EditScript(text, EDIT_SEED);
  const timer = new RuleTimer();
  const timings: Timings = new Map();
  timer.install();
  try {
    let cpu = process.cpuUsage();
    let snapshot = analyzeIncrementally(text, store.get(uri)!.tree, {}, 'bench').snapshot;
    for (let i = 0; i < EDIT_WARMUP + EDIT_COUNT; i++) {
      if (i === EDIT_WARMUP) cpu = process.cpuUsage();
      const record = i >= EDIT_WARMUP ? timings : undefined;
      const start = performance.now();
      const entry = store.change(uri, i + 2, [script.next()])!;
      if (record) addTiming(record, 'incremental parse (DocumentStore.change)', performance.now() - start);
      snapshot = timeAnalysis(timer, entry.document.getText(), entry.tree, record, snapshot)!;
    }
    const used = process.cpuUsage(cpu);
    const cpuPerEditMs = (used.user + used.system) / 1000 / EDIT_COUNT;
    return { timings, edits: EDIT_COUNT, cpuPerEditMs, syntaxErrors: countSyntaxErrors(store.get(uri)!.tree) };
  } finally {
    timer.uninstall();
    store.close(uri);
    parser.delete();
  }
}

function printTimings(title: string, timings: Timings, divisor: number, unit: string): void {
  const total = [...timings.values()].reduce((a, b) => a + b, 0);
  console.log(`${title} (total ${(total / divisor).toFixed(divisor === 1 ? 1 : 2)} ${unit}):`);
  for (const [key, ms] of timings) {
    console.log(`  ${key.padEnd(44)} ${(ms / divisor).toFixed(divisor === 1 ? 1 : 2).padStart(9)} ${unit}  ${((100 * ms) / total).toFixed(1).padStart(5)}%`);
  }
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

  next(): { range: { start: Position; end: Position }; text: string } {
    if (this.pending.length > 0 && this.rng.chance(0.5)) {
      const at = this.pending.pop()!;
      this.apply(at, 1, '');
      return { range: { start: { ...at }, end: { line: at.line, character: at.character + 1 } }, text: '' };
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
      return { range: { start: { ...at }, end: { ...at } }, text: inserted };
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

/** How the benchmark's client speaks to each server it starts (`--stdio` changes it). */
let transport: ServerTransport = 'ipc';

function newServer(): LspTestClient {
  // SQLA_BENCH_SERVER_ARGS: node options for the server process (say, `--cpu-prof`), to see where its time goes.
  const serverArgs = process.env.SQLA_BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? [];
  return new LspTestClient(path.join(__dirname, 'server.js'), { execArgv: serverArgs, transport });
}

function workspaceFolders(folder: string) {
  return [{ uri: pathToFileURL(folder).toString(), name: 'bench' }];
}

async function scanState(client: LspTestClient): Promise<ProgressReport['scan']> {
  return (await client.request<ProgressReport>('sqlaUpgrade/progress', null)).scan;
}

/**
 * How the client learns an edit's diagnostics: `push` waits for `publishDiagnostics` of the new
 * version; `pull` sends `textDocument/diagnostic` with the result id it holds right after the
 * change, as VS Code's client does, and waits for the report (full, or `unchanged`).
 */
type DiagnosticsMode = 'push' | 'pull';

/**
 * Edit latency on a document of `lineCount` lines, through a fresh server whose workspace is
 * `folder`: its cold scan runs in the background while the edits are timed, `gapMs` apart.
 */
async function measureEdits(lineCount: number, folder: string | undefined, mode: DiagnosticsMode, gapMs: number) {
  const text = generateEditModule(EDIT_SEED, lineCount);
  const client = newServer();
  const uri = 'file:///bench/edited_module.py';
  // The server logs a failed analysis instead of publishing: stop at the first such error.
  let failed: ((error: Error) => void) | undefined;
  client.connection.onNotification('window/logMessage', (params: { type: number; message: string }) => {
    if (params.type === 1) failed?.(new Error(`language server: ${params.message}`));
  });
  const diagnosticsFor = (version: number, timeoutMs: number) =>
    new Promise<PublishedDiagnostics>((resolve, reject) => {
      failed = reject;
      client.diagnosticsFor(uri, version, timeoutMs).then(resolve, reject);
    });
  try {
    await client.initialize({}, folder === undefined ? null : workspaceFolders(folder), { pullDiagnostics: mode === 'pull' });
    const openStart = performance.now();
    await client.open(uri, text, 1);
    let resultId: string | undefined;
    let unchangedReports = 0;
    /** The diagnostics of `version`; in pull mode, how many items the client holds after the report. */
    const freshDiagnostics = async (version: number, timeoutMs: number, held: number): Promise<number> => {
      if (mode === 'push') return (await diagnosticsFor(version, timeoutMs)).diagnostics.length;
      const report = await client.pull(uri, resultId);
      resultId = report.resultId;
      if (report.kind === 'unchanged') {
        unchangedReports++;
        return held;
      }
      return report.items.length;
    };
    const openDiagnostics = await freshDiagnostics(1, 60000, 0);
    const openMs = performance.now() - openStart;
    // The edits start once the scan has found the files and is analyzing them.
    let atStart = folder === undefined ? undefined : await scanState(client);
    for (const deadline = performance.now() + 60000; atStart && (atStart.total === 0 || atStart.done === 0) && performance.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      atStart = await scanState(client);
    }
    const script = new EditScript(text, EDIT_SEED);
    const latencies: number[] = [];
    let diagnostics = openDiagnostics;
    for (let i = 0; i < EDIT_WARMUP + EDIT_COUNT; i++) {
      const version = i + 2;
      const change = script.next();
      const start = performance.now();
      const sent = client.change(uri, version, [change]);
      const fresh = freshDiagnostics(version, 30000, diagnostics);
      await sent;
      diagnostics = await fresh;
      const elapsed = performance.now() - start;
      // An editor keeps the newest diagnostics only; the test client would keep every message.
      client.published.length = 0;
      if (i >= EDIT_WARMUP) latencies.push(elapsed);
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    const atEnd = folder === undefined ? undefined : await scanState(client);
    return { lines: countLines(text), openMs, openDiagnostics, diagnostics, latencies, atStart, atEnd, unchangedReports };
  } finally {
    await client.shutdown();
  }
}

/** A memory figure of a process's /proc status (`VmHWM`: peak resident set, `VmRSS`: now), in MB. */
function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1]) / 1024;
}

/** The server's peak memory over a whole workspace scan of `folder` (no document open). */
async function measureScanMemory(folder: string): Promise<{ peakMb: number; seconds: number; files: number; rechecked: number } | undefined> {
  const client = newServer();
  try {
    if (!client.pid || !fs.existsSync(`/proc/${client.pid}/status`)) return undefined;
    await client.initialize({}, folder === undefined ? null : workspaceFolders(folder));
    const start = performance.now();
    let state = await scanState(client);
    while (state.total === 0 || state.running) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = await scanState(client);
    }
    // The files analyzed again because they asked about files the scan reached after them, as the progress says.
    const rechecked = client.progress.map((p) => /rechecking (\d+)/.exec(p.message ?? '')?.[1]).find((n) => n !== undefined);
    return { peakMb: statusMb(client.pid, 'VmHWM'), seconds: (performance.now() - start) / 1000, files: state.done, rechecked: Number(rechecked ?? 0) };
  } finally {
    await client.shutdown();
  }
}

/**
 * The server's memory through a long typing session: TYPING_SESSION_EDITS edits of the 5,000-line
 * document, pulled back to back, no workspace. What it holds should not grow with the edits.
 */
async function measureTypingMemory(): Promise<{ afterWarmupMb: number; endMb: number; peakMb: number } | undefined> {
  const text = generateEditModule(EDIT_SEED, EDIT_LINES);
  const client = newServer();
  const uri = 'file:///bench/edited_module.py';
  try {
    if (!client.pid || !fs.existsSync(`/proc/${client.pid}/status`)) return undefined;
    await client.initialize({}, null, { pullDiagnostics: true });
    await client.open(uri, text, 1);
    let resultId = (await client.pull(uri)).resultId;
    const script = new EditScript(text, EDIT_SEED);
    let afterWarmupMb = NaN;
    for (let i = 0; i < TYPING_SESSION_EDITS; i++) {
      const sent = client.change(uri, i + 2, [script.next()]);
      resultId = (await client.pull(uri, resultId)).resultId;
      await sent;
      client.published.length = 0;
      if (i + 1 === EDIT_WARMUP + EDIT_COUNT) afterWarmupMb = statusMb(client.pid, 'VmRSS');
    }
    return { afterWarmupMb, endMb: statusMb(client.pid, 'VmRSS'), peakMb: statusMb(client.pid, 'VmHWM') };
  } finally {
    await client.shutdown();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  transport = options.transport;
  let folder: string;
  if (options.folder) {
    folder = path.resolve(options.folder);
  } else {
    const start = performance.now();
    folder = writeCorpus();
    console.log(`corpus: generated into ${path.relative(process.cwd(), folder) || folder} in ${seconds(performance.now() - start)}`);
  }
  console.log(`machine: ${os.cpus().length} CPUs, load average ${loadAverage()} (figures are wall-clock; a busy machine inflates them, see the cpu times)`);
  const sources = loadSources(folder);
  if (sources.length === 0) throw new UsageError(`no Python files under ${folder}`);
  const lines = sources.reduce((sum, s) => sum + countLines(s.text), 0);
  const bytes = sources.reduce((sum, s) => sum + Buffer.byteLength(s.text, 'utf8'), 0);
  const mb = bytes / 1e6;
  console.log(`tree:   ${folder}`);
  console.log(`files:  ${sources.length}`);
  console.log(`lines:  ${lines.toLocaleString('en-US')}`);
  console.log(`size:   ${mb.toFixed(2)} MB (${bytes.toLocaleString('en-US')} bytes)`);

  // Through the worker pool: one worker, then one per core (the language server leaves one core to its main thread).
  const cores = availableCores();
  console.log(`cold passes: ${SCAN_ROUNDS} rounds of parse only, scan in process, scan with 1 worker, scan with ${cores} workers (best of the rounds counts)`);
  const cold = await measureColdPasses(sources, cores);
  const best = (runs: Run[]) => Math.min(...runs.map((r) => r.wall));
  const parseBest = best(cold.runs.parse);
  const scanBest = best(cold.runs.scan);
  const ratio = scanBest / parseBest;
  const codes = [...cold.byCode].sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${code} ${n}`).join(', ');
  console.log(`findings: ${cold.findings.toLocaleString('en-US')} (${codes || 'none'}); syntax errors: ${cold.syntaxErrors}`);
  console.log(`parse only:  ${describeRuns(cold.runs.parse)}  -> best ${seconds(parseBest)} (${Math.round(lines / (parseBest / 1000)).toLocaleString('en-US')} lines/s)`);
  console.log(`cold scan:   ${describeRuns(cold.runs.scan)}  -> best ${seconds(scanBest)} (${Math.round(lines / (scanBest / 1000)).toLocaleString('en-US')} lines/s)`);
  const cpuRatio = Math.min(...cold.runs.scan.map((r) => r.cpu)) / Math.min(...cold.runs.parse.map((r) => r.cpu));
  console.log(`cold/parse:  ${ratio.toFixed(2)}x wall, ${cpuRatio.toFixed(2)}x cpu  (target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`);

  const oneBest = best(cold.runs.one);
  const allBest = best(cold.runs.all);
  const oneRatio = oneBest / parseBest;
  const allRatio = allBest / oneBest;
  console.log(`pool, 1 worker:   ${describeRuns(cold.runs.one)}  -> best ${seconds(oneBest)} (${Math.round(lines / (oneBest / 1000)).toLocaleString('en-US')} lines/s, ${cold.oneWorker.findings.toLocaleString('en-US')} findings)`);
  console.log(`pool, ${cold.allWorkers.workers} workers:  ${describeRuns(cold.runs.all)}  -> best ${seconds(allBest)} (${Math.round(lines / (allBest / 1000)).toLocaleString('en-US')} lines/s, ${cold.allWorkers.findings.toLocaleString('en-US')} findings)`);
  console.log(`1 worker/parse: ${oneRatio.toFixed(2)}x  (target <= ${TARGET_ONE_WORKER_RATIO}x: ${oneRatio <= TARGET_ONE_WORKER_RATIO ? 'met' : 'NOT met'})`);
  console.log(`all/1 worker:   ${allRatio.toFixed(2)}x  (target <= ${TARGET_ALL_WORKERS_RATIO}x: ${allRatio <= TARGET_ALL_WORKERS_RATIO ? 'met' : 'NOT met'})`);

  if (options.rules) {
    printTimings('cold scan by phase and rule, summed over all files', await measureRuleSplit(sources), 1, 'ms');
    const edits = await measureEditSplit();
    printTimings(`edit file, in process, mean per edit over ${edits.edits} edits`, edits.timings, edits.edits, 'ms');
    console.log(`  process CPU time per edit: ${edits.cpuPerEditMs.toFixed(2)} ms; syntax errors in the edit file after the last edit: ${edits.syntaxErrors}`);
  }

  const editFigures = new Map<string, { p50: number; p95: number }>();
  let peakRssMb = NaN;
  let typingPeakRssMb = NaN;
  if (options.lsp) {
    // The 5,000-line document on a server with nothing else to do, then both sizes while it scans the tree.
    // Each in both modes: push (publishDiagnostics), then pull as VS Code asks.
    console.log(`language server over ${transport === 'ipc' ? "Node's IPC channel (as the VS Code extension starts it)" : 'stdio'}`);
    const runs = [
      { editLines: EDIT_LINES, target: TARGET_EDIT_P95_MS_IDLE, scanned: undefined, key: 'idle', gapMs: 0 },
      { editLines: EDIT_LINES, target: TARGET_EDIT_P95_MS, scanned: folder, key: '5k', gapMs: TYPING_GAP_MS },
      { editLines: EDIT_LINES_LARGE, target: TARGET_EDIT_P95_MS_LARGE, scanned: folder, key: '20k', gapMs: TYPING_GAP_MS },
    ].flatMap((run) => (['push', 'pull'] as const).map((mode) => ({ ...run, mode })));
    for (const { editLines, target, scanned, key, mode, gapMs } of runs) {
      const edits = await measureEdits(editLines, scanned, mode, gapMs);
      const sorted = [...edits.latencies].sort((a, b) => a - b);
      const p50 = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      editFigures.set(mode === 'push' ? key : `${key} pull`, { p50, p95 });
      const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
      const scan = (s: ProgressReport['scan']) => `${s.done}/${s.total} files${s.running ? '' : ' (finished)'}`;
      console.log(`edit file:   ${edits.lines} lines, ${mode} diagnostics, ${edits.openDiagnostics} on open (${edits.openMs.toFixed(0)} ms to first diagnostics), ${edits.diagnostics} after the last edit`);
      if (mode === 'pull') console.log(`  ${edits.unchangedReports} of ${EDIT_WARMUP + EDIT_COUNT} edits answered "unchanged" (every diagnostic where it was)`);
      if (edits.atStart && edits.atEnd) {
        console.log(`  workspace scan in the background: ${scan(edits.atStart)} when the edits started, ${scan(edits.atEnd)} when they finished (${edits.atEnd.done - edits.atStart.done} files analyzed during the edits, sent ${gapMs} ms apart)`);
      } else console.log('  no workspace folder: nothing runs in the background; edits sent back to back');
      console.log(`  edit->diagnostics over ${sorted.length} edits (after ${EDIT_WARMUP} warm-up edits): p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, mean ${mean.toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms  (target p95 <= ${target} ms: ${p95 <= target ? 'met' : 'NOT met'})`);
    }
    const memory = await measureScanMemory(folder);
    if (memory) {
      peakRssMb = memory.peakMb;
      console.log(`server peak RSS over a workspace scan of ${memory.files} files (${memory.seconds.toFixed(1)} s, ${memory.rechecked} of them analyzed again at the end): ${peakRssMb.toFixed(0)} MB  (target <= ${TARGET_PEAK_RSS_MB} MB: ${peakRssMb <= TARGET_PEAK_RSS_MB ? 'met' : 'NOT met'})`);
    } else console.log('server peak RSS: not measured (no /proc)');
    const typing = await measureTypingMemory();
    if (typing) {
      typingPeakRssMb = typing.peakMb;
      console.log(`server RSS through ${TYPING_SESSION_EDITS.toLocaleString('en-US')} edits of the ${EDIT_LINES.toLocaleString('en-US')}-line document (pulled back to back): ${typing.afterWarmupMb.toFixed(0)} MB after ${EDIT_WARMUP + EDIT_COUNT}, ${typing.endMb.toFixed(0)} MB at the end, peak ${typing.peakMb.toFixed(0)} MB`);
    }
  }

  const figure = (value: number | undefined, digits = 3) => (value === undefined || Number.isNaN(value) ? null : round(value, digits));
  console.log(`load average at the end: ${loadAverage()}`);
  console.log(JSON.stringify({
    files: sources.length,
    lines,
    bytes,
    mb: round(mb, 3),
    parseOnlySeconds: round(parseBest / 1000, 4),
    coldScanSeconds: round(scanBest / 1000, 4),
    coldToParseRatio: round(ratio, 3),
    editP50Ms: figure(editFigures.get('5k')?.p50),
    editP95Ms: figure(editFigures.get('5k')?.p95),
    editP50MsIdle: figure(editFigures.get('idle')?.p50),
    editP95MsIdle: figure(editFigures.get('idle')?.p95),
    coldScanSecondsOneWorker: round(oneBest / 1000, 4),
    coldScanSecondsAllWorkers: round(allBest / 1000, 4),
    workers: cold.allWorkers.workers,
    editP50Ms5k: figure(editFigures.get('5k')?.p50),
    editP95Ms5k: figure(editFigures.get('5k')?.p95),
    editP50Ms20k: figure(editFigures.get('20k')?.p50),
    editP95Ms20k: figure(editFigures.get('20k')?.p95),
    editP50MsPullIdle: figure(editFigures.get('idle pull')?.p50),
    editP95MsPullIdle: figure(editFigures.get('idle pull')?.p95),
    editP50MsPull5k: figure(editFigures.get('5k pull')?.p50),
    editP95MsPull5k: figure(editFigures.get('5k pull')?.p95),
    editP50MsPull20k: figure(editFigures.get('20k pull')?.p50),
    editP95MsPull20k: figure(editFigures.get('20k pull')?.p95),
    transport,
    peakRssMb: figure(peakRssMb, 1),
    typingPeakRssMb: figure(typingPeakRssMb, 1),
  }));
}

main().catch((error) => {
  if (error instanceof UsageError) console.error(`bench: ${error.message}`);
  else console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
