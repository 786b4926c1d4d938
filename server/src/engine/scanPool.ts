/**
 * Worker threads for cold workspace scans. Each worker keeps one parser and one model index;
 * batches of file paths go out, one plain-data result per file streams back as the file is done.
 *
 * - One scan at a time: starting a scan (or cancelling one) drops the old scan's queued batches;
 *   results of its batches already in a worker are ignored.
 * - A worker that dies has the files it had not finished analyzed again on a fresh worker; the
 *   file it died on runs alone, and on the main thread if it kills a second worker: no file is lost.
 * - Workers are unref()ed: they never keep a process alive, so a script that awaits a scan and has
 *   nothing else pending keeps itself alive (say, with a timer). Idle workers end after `idleMs`.
 * - The editor comes first: while the main thread serves an edit (`pauseForEditor` until
 *   `resumeAfterEditor`), workers wait at their next yield point (between files, every hundred or
 *   so steps of a parse, between rules). On two cores that share their caches, a worker running
 *   beside the main thread slows it by a third. A pause a worker has waited out for `maxPauseMs`
 *   is not waited for again.
 */
import * as os from 'os';
import * as path from 'path';
import { Worker, type ResourceLimits } from 'worker_threads';
import type { Parser } from 'web-tree-sitter';
import { createPythonParser } from '../parse/parser';
import { ProjectModels, type IndexEntry } from '../semantics/projectModels';
import { scanFile, type FileResult, type ScanSettings } from './scanFile';

export type { FileResult, ScanSettings } from './scanFile';

/** Files that share their folder's settings. */
export interface ScanGroup {
  files: string[];
  settings: ScanSettings;
}

export interface ScanPoolOptions {
  /** How many workers; by default one per core the process may use, less the one the main thread (the editor's requests) needs. */
  workers?: number;
  /** The worker script; by default scanWorker.js beside this module (the bundle's dist/scanWorker.js). */
  script?: string;
  /** Files per batch: small enough that a cancelled scan stops soon and the last batches spread over the workers. */
  batchSize?: number;
  /** Idle workers end after this many milliseconds (their parser and heap go with them). */
  idleMs?: number;
  /** The indexes a fresh worker starts from (the project's models known so far). */
  seed?: () => IndexEntry[];
  /** The models the main thread's fallback analysis consults; its own, empty, by default. */
  models?: ProjectModels;
  /** How much lower than the main thread the workers run (Linux thread niceness; 0 leaves it). */
  niceness?: number;
  /** Heap limits of each worker (see DEFAULT_LIMITS). */
  resourceLimits?: ResourceLimits;
  /** The longest a worker waits for one pause of the editor's (a main thread that never resumes must not stop the scan). */
  maxPauseMs?: number;
  /** Tests only: a worker that reads a file containing this text dies, as if it had crashed. */
  crashMarker?: string;
}

export interface ScanOutcome {
  cancelled: boolean;
  /** Results delivered to the scan's callback. */
  results: number;
  /** Files the main thread analyzed because a worker died (or none could start). */
  fallbackFiles: number;
}

export interface ScanHandle {
  readonly done: Promise<ScanOutcome>;
  cancel(): void;
}

/** The data a worker starts with. */
export interface WorkerData {
  seed: IndexEntry[];
  niceness: number;
  /** Shared with the main thread: 0, or the number of the editor's pause in progress. */
  pause: Int32Array;
  maxPauseMs: number;
  crashMarker?: string;
}

/** A batch, as the worker receives it, with the indexes of files the other threads analyzed meanwhile. */
export interface ToWorker {
  scan: number;
  batch: number;
  files: string[];
  settings: ScanSettings;
  share: IndexEntry[];
  forget: string[];
}

type FromWorker = { type: 'ready' } | { type: 'result'; batch: number; result: FileResult };

interface Run {
  id: number;
  onResult: (result: FileResult) => void;
  cancelled: boolean;
  /** Batches queued, in a worker, or waiting for the main thread. */
  open: number;
  outcome: ScanOutcome;
  resolve: (outcome: ScanOutcome) => void;
}

interface Batch {
  id: number;
  run: Run;
  files: string[];
  settings: ScanSettings;
  remaining: Set<string>;
  /** 0: first try; 1: the file a worker died on, run again alone. */
  attempt: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Ended by the pool (idle, dispose): its exit is no crash. */
  retiring: boolean;
  inFlight: Map<number, Batch>;
  share: IndexEntry[];
  forget: string[];
}

/**
 * Heap limits of a worker: a bounded young and old generation keep a worker near what it uses (a
 * file's tree and model, the project's indexes). 16 MB of young generation: at 8 MB the scan
 * spends a sixth more time collecting garbage; at 32 MB a benchmark pass spends 115 ms in
 * scavenges instead of 215, but each takes longer, and edits made during a scan waited longer
 * (median 5.8 ms instead of 5.1 on a 5,000-line file). A file too large for them ends its
 * worker, and is analyzed again like any file of a worker that died.
 */
const DEFAULT_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 };

/** An edit's diagnostics take milliseconds; a whole analysis of a large document, a few hundred. */
const DEFAULT_MAX_PAUSE_MS = 1000;

/** Batches kept in each worker at once: the next one is there when the current one ends. */
const IN_FLIGHT = 2;

/** The cores this process may use. */
export function availableCores(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

export class ScanPool {
  readonly size: number;
  private readonly script: string;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Batch[] = [];
  private run: Run | undefined;
  private nextRun = 0;
  private nextBatch = 0;
  private crashes = 0;
  /** Set when workers cannot be started (or keep dying): the main thread does the rest. */
  private broken = false;
  private disposed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly fallbackQueue: Array<{ batch: Batch; file: string }> = [];
  private fallbackRunning = false;
  private fallback: Promise<{ parser: Parser; models: ProjectModels }> | undefined;
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));
  private pauses = 0;

  constructor(private readonly options: ScanPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.workers ?? availableCores() - 1));
    this.script = options.script ?? path.join(__dirname, 'scanWorker.js');
    this.batchSize = Math.max(1, options.batchSize ?? 4);
    this.idleMs = options.idleMs ?? 30000;
  }

  /** Workers alive now. */
  get workers(): number {
    return this.slots.size;
  }

  /** Analyzes every file of the groups; `onResult` gets each file's result as it arrives. A scan already running is abandoned. */
  scan(groups: ScanGroup[], onResult: (result: FileResult) => void): ScanHandle {
    if (this.disposed) throw new Error('the scan pool was disposed');
    this.cancelRun();
    let resolve!: (outcome: ScanOutcome) => void;
    const done = new Promise<ScanOutcome>((r) => (resolve = r));
    const run: Run = { id: this.nextRun++, onResult, cancelled: false, open: 0, outcome: { cancelled: false, results: 0, fallbackFiles: 0 }, resolve };
    this.run = run;
    for (const group of groups) {
      for (let i = 0; i < group.files.length; i += this.batchSize) {
        const files = group.files.slice(i, i + this.batchSize);
        this.queue.push({ id: this.nextBatch++, run, files, settings: group.settings, remaining: new Set(files), attempt: 0 });
        run.open++;
      }
    }
    this.finishIfDone(run);
    this.dispatch();
    return { done, cancel: () => this.cancelRun(run) };
  }

  /** Tells the workers about a file indexed elsewhere (say, a file changed on disk, analyzed on the main thread). */
  share(entry: IndexEntry): void {
    for (const slot of this.slots) slot.share.push(entry);
  }

  /** A deleted file leaves every worker's models. */
  forget(file: string): void {
    for (const slot of this.slots) slot.forget.push(file);
  }

  /** The main thread starts serving the editor: workers stop at their next yield point. */
  pauseForEditor(): number {
    // Never 0, which means "not paused"; each pause has its own number.
    this.pauses = (this.pauses % 0x7ffffffe) + 1;
    Atomics.store(this.pause, 0, this.pauses);
    return this.pauses;
  }

  /**
   * The editor's request is served: workers go on. With `pause`, only if no newer pause began
   * since (an edit that arrived meanwhile keeps them waiting).
   */
  resumeAfterEditor(pause?: number): void {
    if (pause === undefined) Atomics.store(this.pause, 0, 0);
    else if (Atomics.compareExchange(this.pause, 0, pause, 0) !== pause) return;
    Atomics.notify(this.pause, 0);
  }

  /** Ends every worker; a running scan ends as cancelled. */
  dispose(): void {
    this.resumeAfterEditor();
    this.cancelRun();
    this.disposed = true;
    clearTimeout(this.idleTimer);
    for (const slot of this.slots) this.retire(slot);
  }

  private cancelRun(run = this.run): void {
    if (!run || run.cancelled || run !== this.run) return;
    run.cancelled = true;
    run.outcome.cancelled = true;
    this.run = undefined;
    // Queued batches are dropped; those in a worker finish there and their results are ignored.
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].run === run) this.queue.splice(i, 1);
    for (let i = this.fallbackQueue.length - 1; i >= 0; i--) if (this.fallbackQueue[i].batch.run === run) this.fallbackQueue.splice(i, 1);
    run.resolve(run.outcome);
  }

  private finishIfDone(run: Run): void {
    if (run.open > 0 || run.cancelled) return;
    if (this.run === run) this.run = undefined;
    run.resolve(run.outcome);
  }

  private dispatch(): void {
    if (this.disposed) return;
    if (this.broken) {
      for (const batch of this.queue.splice(0)) this.toMainThread(batch, [...batch.remaining]);
    }
    // Start workers while there is more queued than the live ones take.
    while (this.queue.length > 0 && this.slots.size < this.size && this.slots.size * IN_FLIGHT < this.queue.length + this.inFlightCount()) {
      this.spawn();
    }
    for (const slot of this.slots) {
      while (!slot.retiring && slot.inFlight.size < IN_FLIGHT && this.queue.length > 0) this.send(slot, this.queue.shift()!);
    }
    this.scheduleIdle();
  }

  private inFlightCount(): number {
    let n = 0;
    for (const slot of this.slots) n += slot.inFlight.size;
    return n;
  }

  private send(slot: Slot, batch: Batch): void {
    slot.inFlight.set(batch.id, batch);
    const message: ToWorker = { scan: batch.run.id, batch: batch.id, files: [...batch.remaining], settings: batch.settings, share: slot.share, forget: slot.forget };
    slot.share = [];
    slot.forget = [];
    slot.worker.postMessage(message);
  }

  private spawn(): void {
    const data: WorkerData = {
      seed: this.options.seed?.() ?? [],
      niceness: this.options.niceness ?? 0,
      pause: this.pause,
      maxPauseMs: this.options.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS,
      crashMarker: this.options.crashMarker,
    };
    // Without limits each worker's heap grows to several times what it keeps alive before V8 collects.
    const worker = new Worker(this.script, { workerData: data, resourceLimits: { ...DEFAULT_LIMITS, ...this.options.resourceLimits } });
    const slot: Slot = { worker, ready: false, retiring: false, inFlight: new Map(), share: [], forget: [] };
    this.slots.add(slot);
    worker.on('message', (message: FromWorker) => this.received(slot, message));
    // The exit that follows tells the pool what to do; an error alone must not end the process.
    worker.on('error', () => undefined);
    worker.on('exit', () => this.exited(slot));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
  }

  private received(slot: Slot, message: FromWorker): void {
    if (message.type === 'ready') {
      slot.ready = true;
      return;
    }
    const batch = slot.inFlight.get(message.batch);
    if (!batch || !batch.remaining.delete(message.result.file)) return;
    const result = message.result;
    // The other workers learn this file's classes with their next batch.
    if (result.status === 'analyzed' && this.slots.size > 1) {
      const entry = { file: result.file, index: result.index, digest: result.digest };
      for (const other of this.slots) if (other !== slot) other.share.push(entry);
    }
    this.deliver(batch, result);
    if (batch.remaining.size === 0) {
      slot.inFlight.delete(batch.id);
      this.batchClosed(batch);
      this.dispatch();
    }
  }

  private deliver(batch: Batch, result: FileResult): void {
    if (batch.run.cancelled) return;
    batch.run.outcome.results++;
    batch.run.onResult(result);
  }

  private batchClosed(batch: Batch): void {
    batch.run.open--;
    this.finishIfDone(batch.run);
  }

  private exited(slot: Slot): void {
    this.slots.delete(slot);
    if (slot.retiring || this.disposed) return;
    this.crashes++;
    // A worker that never started, or workers that keep dying, leave the rest to the main thread.
    if (!slot.ready || this.crashes > 2 * this.size + 2) this.broken = true;
    // A worker takes its batches in the order sent and their files in order: the first file not
    // returned is the one it was on. That file is tried once more on its own; the rest go back as they were.
    let current = true;
    for (const batch of slot.inFlight.values()) {
      batch.run.open--;
      if (batch.run.cancelled) continue;
      const files = [...batch.remaining];
      const part = (list: string[], attempt: number): Batch => {
        batch.run.open++;
        return { ...batch, id: this.nextBatch++, files: list, remaining: new Set(list), attempt };
      };
      const rest = current ? files.slice(1) : files;
      if (rest.length > 0) this.queue.unshift(part(rest, batch.attempt));
      if (current) {
        const suspect = part([files[0]], batch.attempt + 1);
        if (suspect.attempt > 1) this.toMainThread(suspect, suspect.files);
        else this.queue.unshift(suspect);
      }
      current = false;
    }
    if (this.broken) for (const batch of this.queue.splice(0)) this.toMainThread(batch, [...batch.remaining]);
    this.dispatch();
  }

  private toMainThread(batch: Batch, files: string[]): void {
    for (const file of files) this.fallbackQueue.push({ batch, file });
    if (!this.fallbackRunning) void this.drainFallback();
  }

  /** One file per turn of the event loop: the main thread's other work is never held up by more than one file. */
  private async drainFallback(): Promise<void> {
    this.fallbackRunning = true;
    try {
      this.fallback ??= createPythonParser().then((parser) => ({ parser, models: this.options.models ?? new ProjectModels(parser) }));
      const { parser, models } = await this.fallback;
      while (this.fallbackQueue.length > 0 && !this.disposed) {
        await new Promise((resolve) => setImmediate(resolve));
        const next = this.fallbackQueue.shift();
        if (!next) break;
        const { batch, file } = next;
        if (batch.run.cancelled || !batch.remaining.delete(file)) continue;
        let result: FileResult;
        try {
          result = scanFile(parser, file, batch.settings, models);
        } catch (error) {
          result = { file, status: 'skipped', reason: `analysis failed: ${(error as Error).message}` };
        }
        batch.run.outcome.fallbackFiles++;
        this.deliver(batch, result);
        if (batch.remaining.size === 0) this.batchClosed(batch);
      }
    } finally {
      this.fallbackRunning = false;
    }
    this.scheduleIdle();
  }

  private scheduleIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.slots.size === 0 || this.queue.length > 0 || this.inFlightCount() > 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.queue.length === 0 && this.inFlightCount() === 0) for (const slot of this.slots) this.retire(slot);
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private retire(slot: Slot): void {
    slot.retiring = true;
    this.slots.delete(slot);
    void slot.worker.terminate();
  }
}
