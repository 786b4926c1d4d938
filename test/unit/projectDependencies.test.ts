// What an open document's findings depend on: the questions its analyses asked of the other
// files' models. A file that answers none of them leaves the document's analysis as it was.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createPythonParser, parseText } from '../../server/src/parse/parser';
import { analyze } from '../../server/src/engine/analyze';
import { ProjectModels } from '../../server/src/semantics/projectModels';

const MODELS = [
  'from sqlalchemy import Column, Integer, ForeignKey',
  'from sqlalchemy.orm import declarative_base, relationship',
  'Base = declarative_base()',
  'class User(Base):',
  '    __tablename__ = "users"',
  '    id = Column(Integer, primary_key=True)',
  '',
].join('\n');

const ORDERS = [
  'from sqlalchemy import Column, Integer, ForeignKey',
  'from sqlalchemy.orm import relationship',
  'from app.models import Base',
  'class Order(Base):',
  '    __tablename__ = "orders"',
  '    id = Column(Integer, primary_key=True)',
  '    user_id = Column(ForeignKey("users.id"))',
  '    user = relationship("User", backref="orders")',
  '',
].join('\n');

const UNRELATED = ['from sqlalchemy.orm import declarative_base', 'Other = declarative_base()', 'class Invoice(Other):', '    __tablename__ = "invoices"', ''].join('\n');

test('the questions an analysis asks are recorded; only files that change their answers count', async () => {
  const parser = await createPythonParser();
  const models = new ProjectModels(parser);
  models.update('/project/app/models.py', MODELS);
  const ordersFile = '/project/app/orders.py';
  models.update(ordersFile, ORDERS);
  const tree = parseText(parser, ORDERS);
  const { result, questions } = models.recordQueries(() => analyze(ORDERS, tree, { models, filePath: ordersFile }));
  tree.delete();
  assert.ok(result.findings.some((f) => f.code === 'SQA307'), 'the backref is found');
  assert.ok(questions.has('module\u0000app.models'), `asked: ${[...questions].join(', ')}`);
  const seen = new Map([...questions].map((q) => [q, models.changesOutsideOf(q, ordersFile)]));
  const changed = () => [...seen].filter(([q, n]) => models.changesOutsideOf(q, ordersFile) !== n).map(([q]) => q);

  // A file no question is about, and the document's own file, change nothing it depends on.
  models.update('/project/billing/invoices.py', UNRELATED);
  models.update(ordersFile, ORDERS.replace('backref="orders"', 'backref="all_orders"'));
  assert.deepEqual(changed(), []);
  // The module it imports its base from does.
  models.update('/project/app/models.py', MODELS.replace('primary_key=True', 'primary_key=True, autoincrement=True'));
  assert.ok(changed().includes('module\u0000app.models'), `changed: ${changed().join(', ')}`);
  // Questions asked outside a recording are not recorded, and recordings nest.
  const outer = models.recordQueries(() => {
    models.filesWithClass('Invoice');
    return models.recordQueries(() => models.filesWithTable('invoices')).questions;
  });
  assert.deepEqual([...outer.result], ['table\u0000invoices']);
  assert.deepEqual([...outer.questions].sort(), ['class\u0000Invoice', 'table\u0000invoices']);
});
