/**
 * A scan worker thread (bundled as dist/scanWorker.js): one parser and one model index for its
 * whole life, batches of file paths in, one plain-data result per file out as soon as it is done.
 * It only reads files; it opens no connection and starts no process.
 */
import { parentPort, workerData } from 'worker_threads';
import { createPythonParser } from '../parse/parser';
import { ProjectModels } from '../semantics/projectModels';
import { readSource } from '../cli/files';
import { clearProjectConfigCache } from '../config/projectConfig';
import { scanFile, type FileResult } from './scanFile';
import { lowerThisThread } from './threadPriority';
import type { ToWorker, WorkerData } from './scanPool';

const data = workerData as WorkerData;
const port = parentPort!;

lowerThisThread(data.niceness);

const ready = createPythonParser().then((parser) => {
  const models = new ProjectModels(parser);
  models.storeIndexes(data.seed);
  port.postMessage({ type: 'ready' });
  return { parser, models };
});

let lastScan = -1;
let queue: Promise<void> = Promise.resolve();

port.on('message', (message: ToWorker) => {
  // One batch after the other, in the order sent; an error here ends the worker (the pool re-runs its files).
  queue = queue.then(async () => handle(message, await ready));
});

function handle(message: ToWorker, { parser, models }: Awaited<typeof ready>): void {
  for (const file of message.forget) models.remove(file);
  models.storeIndexes(message.share);
  // A new scan may follow a pyproject.toml change: read the project configs afresh.
  if (message.scan !== lastScan) {
    lastScan = message.scan;
    clearProjectConfigCache();
  }
  for (const file of message.files) {
    if (data.crashMarker && readSource(file).text?.includes(data.crashMarker)) throw new Error(`scan worker: test crash on ${file}`);
    yieldToEditor();
    let result: FileResult;
    try {
      result = scanFile(parser, file, message.settings, models, yieldToEditor);
    } catch (error) {
      result = { file, status: 'skipped', reason: `analysis failed: ${(error as Error).message}` };
    }
    // The file's own index serves the later files of this worker.
    if (result.status === 'analyzed') models.storeIndexes([{ file, index: result.index, digest: result.digest }]);
    port.postMessage({ type: 'result', batch: message.batch, result });
  }
}

/** The pause the worker waited out in full: a main thread that never ends it does not hold the scan again. */
let outlastedPause = 0;

/** Waits while the main thread serves the editor (see ScanPool.pauseForEditor). */
function yieldToEditor(): void {
  const pause = Atomics.load(data.pause, 0);
  if (pause === 0 || pause === outlastedPause) return;
  const until = Date.now() + data.maxPauseMs;
  for (let now = Date.now(); Atomics.load(data.pause, 0) === pause; now = Date.now()) {
    if (now >= until) {
      outlastedPause = pause;
      return;
    }
    Atomics.wait(data.pause, 0, pause, until - now);
  }
}
