// Rules that follow models across files, through the built CLI: a backref in one module whose
// target class lives in another, and types found through a foreign key to another module's table.
// The project is a package with absolute and relative imports and a re-export.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PYTHON = '/usr/bin/python3';

const PROJECT: Record<string, string> = {
  'app/__init__.py': '',
  'app/db.py': ['from sqlalchemy.orm import declarative_base', '', 'Base = declarative_base()', ''].join('\n'),
  'app/models/__init__.py': ['from .address import Address', 'from .user import User', ''].join('\n'),
  'app/models/user.py': [
    'from sqlalchemy import Column, Integer, String',
    'from sqlalchemy.orm import relationship',
    '',
    'from app.db import Base',
    '',
    '',
    'class User(Base):',
    '    __tablename__ = "users"',
    '    id = Column(Integer, primary_key=True)',
    '    name = Column(String(50), nullable=False)',
    '    addresses = relationship("Address", backref="user", order_by="Address.id")',
    '',
  ].join('\n'),
  'app/models/address.py': [
    'from sqlalchemy import Column, ForeignKey, Integer, String',
    '',
    'from ..db import Base',
    '',
    '',
    'class Address(Base):',
    '    __tablename__ = "addresses"',
    '    id = Column(Integer, primary_key=True)',
    '    email = Column(String(100))',
    '    user_id = Column(ForeignKey("users.id"), nullable=False)',
    '',
  ].join('\n'),
  'main.py': [
    'from sqlalchemy import create_engine',
    'from sqlalchemy.orm import Session',
    '',
    'from app.db import Base',
    'from app.models import Address, User',
    '',
    'engine = create_engine("sqlite://")',
    'Base.metadata.create_all(engine)',
    'with Session(engine) as session:',
    '    session.add(User(id=1, name="ann", addresses=[Address(id=1, email="a@x"), Address(id=2, email="b@x")]))',
    '    session.commit()',
    '    print(session.get(Address, 2).user.name, [a.email for a in session.get(User, 1).addresses])',
    '',
  ].join('\n'),
};

interface JsonFinding {
  path: string;
  line: number;
  code: string;
  fix: { safety: string; title: string } | null;
}

let tempRoot: string;
let counter = 0;

function project(overrides: Record<string, string> = {}): string {
  const dir = path.join(tempRoot, `project-${++counter}`);
  for (const [name, content] of Object.entries({ ...PROJECT, ...overrides })) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function cli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  if (result.error) throw result.error;
  return result;
}

function check(dir: string, ...args: string[]): JsonFinding[] {
  const result = cli(['check', '--format', 'json', ...args], dir);
  assert.ok(result.status === 0 || result.status === 1, result.stderr);
  return (JSON.parse(result.stdout) as JsonFinding[]).map((f) => ({ ...f, path: f.path.split(path.sep).join('/') }));
}

const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

before(() => {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-cross-'));
});

after(() => {
  if (tempRoot) fs.rmSync(tempRoot, { recursive: true, force: true });
});

describe('models across files', () => {
  test('check offers the backref fix only when the target class is part of the run', () => {
    const dir = project();
    const whole = check(dir, '.').filter((f) => f.code === 'SQA307');
    assert.deepEqual(whole.map((f) => [f.path, f.line, f.fix?.safety]), [['app/models/user.py', 11, 'review']]);
    const alone = check(dir, 'app/models/user.py').filter((f) => f.code === 'SQA307');
    assert.deepEqual(alone.map((f) => [f.line, f.fix]), [[11, null]], 'without address.py the other side cannot be written');
  });

  test('typed-model fixes find types and directions through the other module', () => {
    const dir = project();
    const findings = check(dir, '.', '--target-version', '2.0', '--select', 'SQA304,SQA305');
    const userId = findings.find((f) => f.path === 'app/models/address.py' && f.line === 10);
    assert.equal(userId?.code, 'SQA304');
    assert.match(userId?.fix?.title ?? '', /Mapped\[int\]/, 'a foreign key to users.id has the type of User.id');
    const addresses = findings.find((f) => f.path === 'app/models/user.py' && f.line === 11);
    assert.equal(addresses?.code, 'SQA305');
    assert.match(addresses?.fix?.title ?? '', /Mapped\[List\["Address"\]\]/, 'Address holds the foreign key: a collection');
  });

  test('fix --unsafe edits both files, and the project runs the same on SQLAlchemy 1.4', () => {
    const dir = project();
    const before = spawnSync(PYTHON, ['main.py'], { cwd: dir, encoding: 'utf8' });
    assert.equal(before.status, 0, before.stderr);
    const result = cli(['fix', '--unsafe', '.'], dir);
    assert.ok(result.status === 0 || result.status === 1, result.stderr);
    assert.equal(
      read(dir, 'app/models/user.py'),
      PROJECT['app/models/user.py'].replace('backref="user"', 'back_populates="user"'),
    );
    assert.equal(
      read(dir, 'app/models/address.py'),
      PROJECT['app/models/address.py']
        .replace('from ..db import Base\n', 'from ..db import Base\nfrom sqlalchemy.orm import relationship\n')
        .replace('nullable=False)\n', 'nullable=False)\n    user = relationship("User", back_populates="addresses")\n'),
    );
    assert.deepEqual(check(dir, '.').filter((f) => f.code === 'SQA307'), []);
    const afterRun = spawnSync(PYTHON, ['main.py'], { cwd: dir, encoding: 'utf8' });
    assert.equal(afterRun.status, 0, afterRun.stderr);
    assert.equal(afterRun.stdout, before.stdout);
  });

  test('fix --diff shows the edits of both files and writes neither', () => {
    const dir = project();
    const result = cli(['fix', '--unsafe', '--diff', '.'], dir);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /\+\+\+ b\/.*app\/models\/user\.py[\s\S]*\+    addresses = relationship\("Address", back_populates="user"/);
    assert.match(result.stdout, /\+\+\+ b\/.*app\/models\/address\.py[\s\S]*\+    user = relationship\("User", back_populates="addresses"\)/);
    assert.equal(read(dir, 'app/models/user.py'), PROJECT['app/models/user.py']);
    assert.equal(read(dir, 'app/models/address.py'), PROJECT['app/models/address.py']);
  });

  test('a fix whose other file cannot take its edits is dropped whole', () => {
    const broken = `${PROJECT['app/models/address.py']}\n\ndef unfinished(:\n    pass\n`;
    const dir = project({ 'app/models/address.py': broken });
    const result = cli(['fix', '--unsafe', '.'], dir);
    assert.equal(result.status, 2, 'a file with syntax errors is reported');
    assert.match(result.stderr, /user\.py: SQA307 fix "Declare Address\.user with back_populates" dropped/);
    assert.equal(read(dir, 'app/models/user.py'), PROJECT['app/models/user.py']);
    assert.equal(read(dir, 'app/models/address.py'), broken);
  });
});
