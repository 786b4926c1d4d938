// Entry point the extension host loads through --extensionTestsPath (the @vscode/test-electron
// contract): runs every *.test.js beside it with mocha and reports the count to scripts/e2e.sh.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60000, reporter: 'spec' });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  const results = { passed: 0, failed: 0, failures: [] as string[], complete: false };
  // Written after every test, so that a run cut short by the harness's timeout still reports.
  const save = () => {
    const out = process.env.SQLA_E2E_RESULTS;
    if (out) fs.writeFileSync(out, JSON.stringify(results, null, 2));
  };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failed) => {
      results.complete = true;
      save();
      if (failed > 0) reject(new Error(`${failed} extension host test(s) failed`));
      else resolve();
    });
    runner.on('pass', () => {
      results.passed++;
      save();
    });
    runner.on('fail', (test) => {
      results.failed++;
      results.failures.push(test.fullTitle());
      save();
    });
  });
}
