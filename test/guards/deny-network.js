// Preloaded with `node --require` into a process under test. Every way out of the process that
// the analysis has no business using (network connections and servers, name lookups, HTTP, TLS,
// UDP, subprocesses, worker threads) is replaced by a function that appends the attempt to the
// file named by SQLA_GUARD_LOG, as one JSON line, and throws. The guard also writes one `loaded`
// line on start, so that a test can tell a guarded process that tried nothing from one that ran
// without the guard.
//
// One worker script is allowed: the project's own bundled scan worker (dist/scanWorker.js, by its
// real path, never as `eval` code). Node preloads this file in worker threads too, so the guard
// applies inside that worker as well; its `loaded` line carries the worker's threadId, and each
// allowed start is recorded as a `worker` line.
'use strict';
const fs = require('fs');
const path = require('path');
const { fileURLToPath } = require('url');

const LOG = process.env.SQLA_GUARD_LOG;
if (!LOG) throw new Error('deny-network.js: set SQLA_GUARD_LOG to the file that records attempts');

const workers = require('worker_threads');

function record(entry) {
  fs.appendFileSync(LOG, JSON.stringify({ pid: process.pid, threadId: workers.threadId, ...entry }) + '\n');
}

function describe(args) {
  return args.map((a) => {
    if (typeof a === 'function') return '<function>';
    try {
      return JSON.stringify(a) ?? String(a);
    } catch {
      return String(a);
    }
  }).join(', ').slice(0, 300);
}

function denied(api) {
  return function deniedCall(...args) {
    record({ kind: 'attempt', api, args: describe(args) });
    throw new Error(`${api} is not allowed in this process (test guard)`);
  };
}

function replace(object, names, prefix) {
  for (const name of names) {
    if (typeof object[name] === 'function') object[name] = denied(`${prefix}.${name}`);
  }
}

const net = require('net');
replace(net, ['connect', 'createConnection', 'createServer'], 'net');
net.Socket.prototype.connect = denied('net.Socket.prototype.connect');
net.Server.prototype.listen = denied('net.Server.prototype.listen');

const dns = require('dns');
const DNS_CALLS = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname', 'resolveMx', 'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'];
replace(dns, DNS_CALLS, 'dns');
replace(dns.promises, DNS_CALLS, 'dns.promises');
dns.Resolver.prototype.resolve = denied('dns.Resolver.prototype.resolve');

for (const name of ['http', 'https']) replace(require(name), ['request', 'get', 'createServer'], name);
replace(require('http2'), ['connect', 'createServer', 'createSecureServer'], 'http2');
replace(require('tls'), ['connect', 'createServer'], 'tls');
replace(require('dgram'), ['createSocket'], 'dgram');
replace(require('child_process'), ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'], 'child_process');

const ALLOWED_WORKER = path.resolve(__dirname, '..', '..', 'dist', 'scanWorker.js');

/** The real path of a worker's script, or undefined for anything but a file (code, data: URLs). */
function workerScript(filename, options) {
  if (options && options.eval) return undefined;
  try {
    if (filename instanceof URL) return filename.protocol === 'file:' ? fs.realpathSync(fileURLToPath(filename)) : undefined;
    if (typeof filename === 'string' && !filename.startsWith('data:') && !filename.startsWith('file:')) return fs.realpathSync(filename);
    if (typeof filename === 'string' && filename.startsWith('file:')) return fs.realpathSync(fileURLToPath(filename));
  } catch {
    return undefined;
  }
  return undefined;
}

function allowedWorker() {
  try {
    return fs.realpathSync(ALLOWED_WORKER);
  } catch {
    return undefined;
  }
}

const RealWorker = workers.Worker;
workers.Worker = class GuardedWorker extends RealWorker {
  constructor(filename, options) {
    const script = workerScript(filename, options);
    if (script === undefined || script !== allowedWorker()) denied('worker_threads.Worker')(filename, options);
    record({ kind: 'worker', script });
    super(script, options);
  }
};

if (typeof globalThis.fetch === 'function') globalThis.fetch = denied('fetch');
if (typeof globalThis.WebSocket === 'function') globalThis.WebSocket = denied('WebSocket');

record({ kind: 'loaded', argv: process.argv.slice(1) });
