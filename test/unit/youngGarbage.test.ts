import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as v8 from 'v8';
import * as vm from 'vm';
import { createPythonParser, parseText } from '../../server/src/parse/parser';
import { analyze } from '../../server/src/engine/analyze';
import { ProjectModels, moduleIndexOf } from '../../server/src/semantics/projectModels';

v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

/** Bytes used in the named heap spaces. */
function bytesIn(...spaces: string[]): number {
  let bytes = 0;
  for (const space of v8.getHeapSpaceStatistics()) if (spaces.includes(space.space_name)) bytes += space.space_used_size;
  return bytes;
}

/** The old generation (large objects included): where a minor collection moves what it finds alive. */
const oldGenerationBytes = () => bytesIn('old_space', 'large_object_space');
const youngGenerationBytes = () => bytesIn('new_space', 'new_large_object_space');

/** A module that keeps many rules busy: bound metadata and its uses, sessions, queries, Core statements, mapped classes. */
function sampleModule(copies: number): string {
  const lines = [
    'from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select',
    'from sqlalchemy.orm import declarative_base, sessionmaker',
    '',
    "engine = create_engine('sqlite://')",
    'metadata = MetaData(bind=engine)',
    'Base = declarative_base()',
    'Session = sessionmaker(bind=engine)',
    '',
  ];
  for (let i = 0; i < copies; i++) {
    lines.push(
      `class Record${i}(Base):`,
      `    __tablename__ = 'records_${i}'`,
      '    id = Column(Integer, primary_key=True)',
      '    name = Column(String)',
      '',
      `records_table_${i} = Table('records_${i}', metadata, autoload=True)`,
      '',
      `def work_${i}(session):`,
      `    rows = session.query(Record${i}).filter(Record${i}.name == 'x').all()`,
      `    first = session.query(Record${i}).get(1)`,
      `    result = engine.execute(select([records_table_${i}.c.id]))`,
      '    metadata.create_all()',
      '    return rows, first, result.fetchall()',
      '',
    );
  }
  return lines.join('\n');
}

test('an analysis leaves nothing that a minor collection moves to the old generation', async () => {
  const parser = await createPythonParser();
  const models = new ProjectModels(parser);
  const text = sampleModule(40);
  let findings = 0;
  // In a function of its own: nothing of the analysis stays on the test's frame.
  const analyzeOnce = (): void => {
    const tree = parseText(parser, text);
    try {
      const analysis = analyze(text, tree, { models, filePath: '/young/sample.py' });
      moduleIndexOf(analysis.model, '/young/sample.py');
      findings = analysis.findings.length;
    } finally {
      tree.delete();
    }
  };
  // Warm up: compiled code, inline caches and the caches keyed by text settle.
  for (let i = 0; i < 8; i++) analyzeOnce();
  assert.ok(findings > 100, `the sample keeps the rules busy (${findings} findings)`);

  const promoted: number[] = [];
  const allocated: number[] = [];
  for (let i = 0; i < 15; i++) {
    collect({ type: 'minor' });
    collect({ type: 'minor' });
    const young = youngGenerationBytes();
    const old = oldGenerationBytes();
    analyzeOnce();
    allocated.push(youngGenerationBytes() - young);
    // Twice: an object alive at the first collection is moved within the young generation, at the second to the old one.
    collect({ type: 'minor' });
    collect({ type: 'minor' });
    promoted.push(oldGenerationBytes() - old);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  const allocation = median(allocated);
  assert.ok(allocation > 1_000_000, `an analysis allocates (${allocation} bytes)`);
  // The analysis's objects are garbage once it returns. What one kept alive (a long-lived WeakMap's
  // value, say) would be promoted in every iteration; what V8 itself makes in the old generation, at
  // times no test controls, adds up to 2 MB to some of them (seen in 5 of 15). So the
  // least promoted tells, among iterations without a full collection (which shrinks the old generation).
  const least = Math.min(...promoted.filter((bytes) => bytes >= 0));
  assert.ok(least < allocation / 50, `promoted at least ${least} of ${allocation} bytes an analysis allocates (${promoted.join(', ')})`);
});
