// Checks the TextMate injection grammar that highlights SQL inside text(...) and
// exec_driver_sql(...) string arguments. The scope assertions live in the fixtures
// next to this file (test/grammar/*.py) and run through vscode-tmgrammar-test on
// top of VS Code's Python grammar (MagicPython, from the tm-grammars package).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const PYTHON_GRAMMAR = path.join(ROOT, 'node_modules', 'tm-grammars', 'grammars', 'python.json');

interface GrammarContribution {
  scopeName?: string;
  path?: string;
  injectTo?: string[];
  language?: string;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function grammarContributions(): GrammarContribution[] {
  const pkg = readJson<{ contributes?: { grammars?: GrammarContribution[] } }>(path.join(ROOT, 'package.json'));
  return pkg.contributes?.grammars ?? [];
}

function tmGrammarTestBin(): string {
  const pkgFile = path.join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'package.json');
  const bin = readJson<{ bin: Record<string, string> }>(pkgFile).bin['vscode-tmgrammar-test'];
  return path.join(path.dirname(pkgFile), bin);
}

function output(result: { stdout: string; stderr: string }): string {
  return `${result.stdout}\n${result.stderr}`.trim();
}

describe('SQL injection grammar for SQLAlchemy text()', () => {
  test('package.json contributes the injection into source.python', () => {
    const injection = grammarContributions().find((g) => g.injectTo?.includes('source.python'));
    assert.ok(injection, 'no contributes.grammars entry with injectTo source.python');
    assert.equal(injection.language, undefined, 'an injection grammar must not claim a language');
    const file = path.join(ROOT, injection.path ?? '');
    assert.ok(fs.existsSync(file), `grammar file missing: ${injection.path}`);
    const grammar = readJson<{ scopeName: string; injectionSelector?: string }>(file);
    assert.equal(grammar.scopeName, injection.scopeName);
    assert.match(grammar.injectionSelector ?? '', /^L:source\.python\b/);
  });

  test('npm run test:grammar passes', () => {
    const result = spawnSync('npm', ['run', '--silent', 'test:grammar'], {
      cwd: ROOT,
      encoding: 'utf8',
      shell: process.platform === 'win32',
      maxBuffer: 16 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    assert.equal(result.status, 0, `grammar test failed:\n${output(result)}`);
  });

  test('the fixtures fail when the injection is not loaded', () => {
    // Same run without the package.json contribution: only the Python grammar is
    // loaded, so the SQL assertions in text_sql.py must fail.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-grammar-'));
    try {
      const config = path.join(dir, 'package.json');
      fs.writeFileSync(config, JSON.stringify({ contributes: { grammars: [] } }));
      const result = spawnSync(
        process.execPath,
        [tmGrammarTestBin(), '--config', config, '-g', PYTHON_GRAMMAR, 'test/grammar/text_sql.py'],
        { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      );
      if (result.error) throw result.error;
      assert.notEqual(result.status, 0, `expected failures without the injection:\n${output(result)}`);
      assert.match(result.stdout, /meta\.embedded\.sql\.sqlalchemy/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
