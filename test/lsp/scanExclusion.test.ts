import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspTestClient, waitFor } from './lspClient';
import type { ProgressReport } from '../../server/src/protocol';

const LEGACY_CORE = 'from sqlalchemy import select\n\nstmt = select([users.c.id])\n';

describe('the workspace scan leaves out .gitignore\'d files and files.exclude', () => {
  let client: LspTestClient;
  let folder: string;
  const uriOf = (name: string) => pathToFileURL(path.join(folder, name)).toString();
  const scanned = async () => {
    const report = await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return !r.scan.running && r.scan.total > 0 ? r : undefined;
    });
    return report.files.map((f) => path.relative(folder, new URL(f.uri).pathname).split(path.sep).join('/')).sort();
  };

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-excl-'));
    fs.mkdirSync(path.join(folder, '.git'));
    fs.writeFileSync(path.join(folder, '.gitignore'), 'generated/\n');
    for (const name of ['app/core.py', 'generated/out.py', 'vendor/lib.py', 'app/lib.py', 'app/lib.pyi']) {
      fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
      fs.writeFileSync(path.join(folder, name), LEGACY_CORE);
    }
    client = new LspTestClient();
    client.configuration = { enable: true, rules: {} };
    // A folder, and a file hidden only while its stub sits beside it (a `when` clause).
    client.filesExclude = { vendor: true, '**/*.py': { when: '$(basename).pyi' }, 'app/core.py': false };
    await client.initialize({}, [{ uri: pathToFileURL(folder).toString(), name: 'ws' }]);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('skips the ignored folder, the excluded folder and the file with a sibling stub', async () => {
    assert.deepEqual(await scanned(), ['app/core.py']);
  });

  it('a watched-file event for an ignored file leaves it out', async () => {
    fs.writeFileSync(path.join(folder, 'generated', 'more.py'), LEGACY_CORE);
    fs.writeFileSync(path.join(folder, 'app', 'new.py'), LEGACY_CORE);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: uriOf('generated/more.py'), type: 1 }, { uri: uriOf('app/new.py'), type: 1 }],
    });
    await waitFor(async () => ((await scanned()).includes('app/new.py') ? true : undefined));
    assert.deepEqual(await scanned(), ['app/core.py', 'app/new.py']);
  });

  it('follows a .gitignore change and the respectGitIgnore setting', async () => {
    fs.writeFileSync(path.join(folder, '.gitignore'), 'generated/\napp/new.py\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('.gitignore'), type: 2 }] });
    await waitFor(async () => ((await scanned()).includes('app/new.py') ? undefined : true));
    client.configuration = { enable: true, rules: {}, respectGitIgnore: false };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await waitFor(async () => ((await scanned()).length === 4 ? true : undefined));
    assert.deepEqual(await scanned(), ['app/core.py', 'app/new.py', 'generated/more.py', 'generated/out.py']);
  });
});
