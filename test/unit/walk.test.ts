import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { collectPythonFiles, collectPythonFilesAsync, isGitIgnored, isLeftOutOfWalk } from '../../server/src/cli/files';
import { writeTempTree } from './tempTree';

function tree(files: Record<string, string>): string {
  return writeTempTree('sqla-walk-', files);
}

const relative = (root: string, files: string[]) => files.map((f) => path.relative(root, f).split(path.sep).join('/'));

describe('folder walks and .gitignore', () => {
  let root: string;
  before(() => {
    root = tree({
      '.gitignore': 'build/\n*.gen.py\n!keep.gen.py\n# a comment\n',
      'a.py': '',
      'x.gen.py': '',
      'keep.gen.py': '',
      'build/b.py': '',
      'sub/.gitignore': 'local.py\n!/again.gen.py\n',
      'sub/c.py': '',
      'sub/local.py': '',
      'sub/other.gen.py': '',
      'sub/again.gen.py': '',
      'sub/deeper/local.py': '',
    });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('leaves out what the .gitignore files ignore, the deepest file deciding', () => {
    const { files } = collectPythonFiles([root], { respectGitIgnore: true });
    assert.deepEqual(relative(root, files), ['a.py', 'keep.gen.py', 'sub/again.gen.py', 'sub/c.py']);
  });

  it('walks everything without the option', () => {
    const { files } = collectPythonFiles([root]);
    assert.equal(files.length, 9);
  });

  it('isGitIgnored says of each file what the walk decided', () => {
    const all = collectPythonFiles([root]).files;
    const kept = new Set(collectPythonFiles([root], { respectGitIgnore: true }).files);
    for (const file of all) assert.equal(isGitIgnored(root, file), !kept.has(file), file);
  });

  it('isLeftOutOfWalk says the same with an exclusion that names a folder', () => {
    const options = { respectGitIgnore: true, excluded: (rel: string) => rel === 'sub/deeper' || rel === 'keep.gen.py' };
    const all = collectPythonFiles([root]).files;
    const kept = new Set(collectPythonFiles([root], options).files);
    assert.deepEqual(relative(root, [...kept]), ['a.py', 'sub/again.gen.py', 'sub/c.py']);
    for (const file of all) assert.equal(isLeftOutOfWalk(root, file, options), !kept.has(file), file);
  });

  it('does not enter a folder the exclusion names, and passes folder-relative paths', () => {
    const asked: string[] = [];
    const { files } = collectPythonFiles([root], {
      excluded: (rel, isFolder) => {
        asked.push(rel + (isFolder ? '/' : ''));
        return rel === 'sub';
      },
    });
    assert.ok(asked.includes('sub/') && !asked.some((p) => p.startsWith('sub/') && p !== 'sub/'), 'nothing below the excluded folder is looked at');
    assert.ok(asked.includes('build/') && asked.includes('build/b.py'));
    assert.deepEqual(relative(root, files), ['a.py', 'build/b.py', 'keep.gen.py', 'x.gen.py']);
  });

  it('reads no .gitignore above the walked folder by default', () => {
    const repo = tree({ '.gitignore': 'proj/\ngenerated/\n', 'proj/generated/g.py': '', 'proj/main.py': '' });
    try {
      fs.mkdirSync(path.join(repo, '.git'));
      const folder = path.join(repo, 'proj');
      assert.deepEqual(relative(folder, collectPythonFiles([folder], { respectGitIgnore: true }).files), ['generated/g.py', 'main.py']);
      assert.equal(isGitIgnored(folder, path.join(folder, 'generated', 'g.py')), false);
      assert.deepEqual(relative(repo, collectPythonFiles([repo], { respectGitIgnore: true }).files), []);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('with parentGitIgnores, reads the .gitignore files above the folder up to the repository root', () => {
    const repo = tree({
      '.gitignore': '/src/app/generated/\n*_pb2.py\n',
      'outside.py': '',
      'src/.gitignore': 'legacy_*.py\n!legacy_keep.py\n',
      'src/app/main.py': '',
      'src/app/models_pb2.py': '',
      'src/app/legacy_a.py': '',
      'src/app/legacy_keep.py': '',
      'src/app/generated/g.py': '',
      'src/app/nested/.gitignore': '!models_pb2.py\n',
      'src/app/nested/models_pb2.py': '',
      'ignored/x.py': '',
      'ignored/y_pb2.py': '',
    });
    const options = { respectGitIgnore: true, parentGitIgnores: true };
    try {
      fs.writeFileSync(path.join(repo, '.gitignore'), '/src/app/generated/\n*_pb2.py\nignored/\n');
      const folder = path.join(repo, 'src', 'app');
      // Outside a repository the files above mean nothing to git.
      assert.equal(collectPythonFiles([folder], options).files.length, 6);
      fs.mkdirSync(path.join(repo, '.git'));
      const kept = relative(folder, collectPythonFiles([folder], options).files);
      assert.deepEqual(kept, ['legacy_keep.py', 'main.py', 'nested/models_pb2.py']);
      for (const file of collectPythonFiles([folder]).files) {
        assert.equal(isLeftOutOfWalk(folder, file, options), !kept.includes(relative(folder, [file])[0]), file);
      }
      // From a folder the files above ignore, named to be walked: its own .gitignore files only.
      const ignored = path.join(repo, 'ignored');
      assert.deepEqual(relative(ignored, collectPythonFiles([ignored], options).files), ['x.py', 'y_pb2.py']);
      // The repository's root reads its own file as before.
      assert.deepEqual(relative(repo, collectPythonFiles([repo], options).files), ['outside.py', 'src/app/legacy_keep.py', 'src/app/main.py', 'src/app/nested/models_pb2.py']);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('the asynchronous walk finds the same files and lets other callbacks run meanwhile', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 40; i++) many[`pkg${i}/m.py`] = '';
    const wide = tree(many);
    try {
      let ranDuringWalk = false;
      let walkDone = false;
      setImmediate(() => {
        ranDuringWalk = !walkDone;
      });
      const walked = await collectPythonFilesAsync([wide], { respectGitIgnore: true }, 0);
      walkDone = true;
      assert.ok(ranDuringWalk, 'the walk gave the event loop a turn');
      assert.deepEqual(walked.files, collectPythonFiles([wide], { respectGitIgnore: true }).files);
      assert.equal(walked.files.length, 40);
    } finally {
      fs.rmSync(wide, { recursive: true, force: true });
    }
  });
});
