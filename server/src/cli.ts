#!/usr/bin/env node
import { run } from './cli/main';

run(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`sqla-upgrade: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  });
