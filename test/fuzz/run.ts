// `npm run fuzz`: the full run. Usage: node out/test/fuzz/run.js [--cases N] [--seed S]
import * as path from 'path';
import { createPythonParser } from '../../server/src/parse/parser';
import { fuzz, saveRegressions, summaryLine } from './fuzzer';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string, fallback: number) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const cases = value('--cases', 10000);
  const seed = value('--seed', 20261121);
  const root = path.resolve(__dirname, '../../..');
  const parser = await createPythonParser();
  const started = Date.now();
  const totals = fuzz(parser, root, cases, seed);
  console.log(summaryLine(totals) + ` (seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const f of totals.failures.slice(0, 10)) console.log(`  seed ${f.seed} from ${f.source}: ${f.problem}`);
  const saved = saveRegressions(root, totals);
  if (saved.length > 0) console.log(`saved ${saved.length} regression fixture(s): ${saved.join(', ')}`);
  process.exitCode = totals.failures.length > 0 ? 1 : 0;
}

void main();
