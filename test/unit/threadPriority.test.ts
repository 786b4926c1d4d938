import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { spawnSync } from 'child_process';

const MODULE = path.join(__dirname, '../../server/src/engine/threadPriority.js');

/**
 * Runs a script in a fresh Node process that prints, as JSON, each of its threads' niceness
 * (`/proc/self/task/<tid>/stat`, field 19) before and after the script's `change()`.
 */
function nicenessAround(change: string): { pid: number; before: Record<string, number>; after: Record<string, number>; worker?: number } {
  const script = `
    const fs = require('fs');
    const { lowerHelperThreads, lowerThisThread } = require(${JSON.stringify(MODULE)});
    const niceOf = (tid) => Number(fs.readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]);
    const all = () => Object.fromEntries(fs.readdirSync('/proc/self/task').map((tid) => [tid, niceOf(tid)]));
    (async () => {
      const before = all();
      const worker = await (${change})();
      process.stdout.write(JSON.stringify({ pid: process.pid, before, after: all(), worker }));
    })();`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

/** Elsewhere than on Linux priorities are per process: the calls change nothing and do not fail. */
const perThread = process.platform === 'linux';

test('the helper threads run lower than the main thread, which keeps its priority', () => {
  if (!perThread) return assert.equal(spawnSync(process.execPath, ['-e', `require(${JSON.stringify(MODULE)}).lowerHelperThreads(3)`]).status, 0);
  const { pid, before, after } = nicenessAround('async () => lowerHelperThreads(3)');
  const helpers = Object.keys(before).filter((tid) => Number(tid) !== pid);
  assert.ok(helpers.length >= 2, `a Node process has helper threads: ${JSON.stringify(before)}`);
  assert.equal(after[pid], before[pid]);
  for (const tid of helpers) assert.equal(after[tid], Math.min(19, before[tid] + 3), `thread ${tid}`);
});

test('a worker lowers itself and nothing else', () => {
  if (!perThread) return;
  // The worker's thread is one of this process's tasks: the script reads its niceness like the others'.
  const inWorker = `async () => {
    const { Worker } = require('worker_threads');
    const code = "const fs = require('fs'); require(" + JSON.stringify(${JSON.stringify(MODULE)}) + ").lowerThisThread(4); require('worker_threads').parentPort.postMessage(fs.readlinkSync('/proc/thread-self').split('/').pop());";
    const worker = new Worker(code, { eval: true });
    const nice = niceOf(await new Promise((resolve) => worker.once('message', resolve)));
    await worker.terminate();
    return nice;
  }`;
  const { pid, before, after, worker } = nicenessAround(inWorker);
  assert.equal(worker, Math.min(19, before[pid] + 4));
  for (const tid of Object.keys(before)) assert.equal(after[tid], before[tid], `thread ${tid} kept its priority`);
});
