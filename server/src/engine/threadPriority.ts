/**
 * Thread priorities on Linux, where each thread has a niceness of its own (elsewhere these do
 * nothing: other systems set priorities per process).
 */
import * as fs from 'fs';
import * as os from 'os';

function lower(tid: number, niceness: number): void {
  os.setPriority(tid, Math.min(19, os.getPriority(tid) + niceness));
}

/** Lowers the calling thread (a scan worker) below the main thread. */
export function lowerThisThread(niceness: number): void {
  if (!niceness) return;
  try {
    const tid = Number(/\/task\/(\d+)$/.exec(fs.readlinkSync('/proc/thread-self'))?.[1]);
    if (tid > 0) lower(tid, niceness);
  } catch {
    // Not Linux, or not allowed: the thread runs at the process's priority.
  }
}

/**
 * Lowers every thread of the process but the main one: the runtime's helper threads (garbage
 * collection and compilation in the background, for the scan workers' heaps too) then give way to
 * the main thread and to the editor's processes as the scan workers do. Called at start-up, before
 * any scan worker exists; threads made later start from the main thread's priority.
 */
export function lowerHelperThreads(niceness: number): void {
  if (!niceness) return;
  let tids: string[];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return;
  }
  for (const tid of tids) {
    if (Number(tid) === process.pid) continue;
    try {
      lower(Number(tid), niceness);
    } catch {
      // A thread that ended meanwhile, or not allowed.
    }
  }
}
