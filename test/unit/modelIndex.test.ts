// The model index: what it extracts from one module, and what ProjectModels answers across modules.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { createPythonParser, parseText } from '../../server/src/parse/parser';
import { ModuleModel } from '../../server/src/semantics/model';
import { indexModule } from '../../server/src/semantics/modelIndex';
import { ProjectModels, moduleNamesOf } from '../../server/src/semantics/projectModels';
import type { ClassRef, ProjectView } from '../../server/src/semantics/projectView';

const ROOT = path.resolve('/project');
const file = (name: string) => path.join(ROOT, name);

const BASE = 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n';
const ORDERS = [
  'from sqlalchemy import Column, ForeignKey, Integer, Numeric',
  'from sqlalchemy.orm import relationship',
  'from shop.db import Base',
  '',
  'class Audited:',
  '    version = Column(Integer, nullable=False)',
  '',
  'class Order(Audited, Base):',
  '    __tablename__ = "orders"',
  '    id = Column(Integer, primary_key=True)',
  '    total = Column(Numeric(10, 2))',
  '    items = relationship("Item", back_populates="order")',
  '    tags = relationship("Tag", secondary="order_tags")',
  '',
  'class Plain:',
  '    id = Column(Integer)',
  '',
].join('\n');
const ITEMS = [
  'from sqlalchemy import Column, ForeignKey, Integer',
  'from sqlalchemy.orm import relationship',
  'from ..db import Base',
  'from .orders import Order',
  '',
  'class Item(Base):',
  '    __tablename__ = "items"',
  '    id = Column(Integer, primary_key=True)',
  '    order_id = Column(ForeignKey("orders.id"))',
  '    order = relationship(Order, back_populates="items")',
  '    single = relationship("Order", uselist=False, viewonly=True)',
  '',
].join('\n');
const RICH = 'from rich.table import Column\n\nclass Layout:\n    title = Column("title")\n';

let parser: Parser;

function moduleModel(text: string): ModuleModel {
  return new ModuleModel(text, parseText(parser, text));
}

function projectWith(files: Record<string, string>): ProjectModels {
  const models = new ProjectModels(parser);
  for (const [name, text] of Object.entries(files)) models.update(file(name), text);
  return models;
}

function classRef(view: ProjectView, name: string, where: string): ClassRef {
  const ref = view.localClass(name, file(where));
  assert.ok(ref, `${name} is indexed in ${where}`);
  return ref;
}

before(async () => {
  parser = await createPythonParser();
});

describe('indexModule', () => {
  test('reads bases, tables, columns and relationships as plain data', () => {
    const text = BASE + ORDERS.replace('from shop.db import Base\n', '');
    const index = indexModule(moduleModel(text), file('one.py'));
    assert.deepEqual(index.names.get('Base'), { kind: 'base', name: 'Base' });
    const order = index.classes.get('Order')!;
    assert.equal(order.tablename, 'orders');
    assert.deepEqual(order.superclasses, [{ head: 'Audited', path: [] }, { head: 'Base', path: [] }]);
    assert.deepEqual(order.columns.map((c) => [c.attribute, c.typeName, c.nullable, c.primaryKey]), [['id', 'Integer', false, true], ['total', 'Numeric', true, false]]);
    assert.deepEqual(order.relationships.map((r) => [r.attribute, r.target, r.backPopulates, r.secondary]), [['items', 'Item', 'order', false], ['tags', 'Tag', undefined, true]]);
  });

  test('knows the other ways to make a base', () => {
    const text = [
      'from flask_sqlalchemy import SQLAlchemy',
      'from sqlalchemy.orm import DeclarativeBase, as_declarative, registry',
      'reg = registry()',
      'Generated = reg.generate_base()',
      'db = SQLAlchemy()',
      'class Typed(DeclarativeBase):\n    pass',
      '@as_declarative()\nclass Decorated:\n    pass',
      '@reg.mapped\nclass Imperative:\n    __tablename__ = "imperative"',
      '',
    ].join('\n');
    const index = indexModule(moduleModel(text), file('bases.py'));
    assert.equal(index.names.get('Generated')?.kind, 'base');
    assert.equal(index.names.get('db')?.kind, 'flaskDb');
    assert.equal(index.classes.get('Typed')?.declarativeRoot, true);
    assert.equal(index.classes.get('Decorated')?.declarativeRoot, true);
    assert.equal(index.classes.get('Imperative')?.mappedByDecorator, true);
  });
});

describe('ProjectModels', () => {
  const files = { 'shop/__init__.py': '', 'shop/db.py': BASE, 'shop/models/orders.py': ORDERS, 'shop/models/items.py': ITEMS, 'ui.py': RICH };

  test('dotted module names of a file, shortest first', () => {
    assert.deepEqual(moduleNamesOf('/src/shop/models/orders.py'), ['orders', 'models.orders', 'shop.models.orders', 'src.shop.models.orders']);
    assert.deepEqual(moduleNamesOf('/src/shop/__init__.py'), ['shop', 'src.shop']);
  });

  test('says which classes are mapped, through absolute and relative imports', () => {
    const view = projectWith(files).view(file('shop/models/items.py'));
    assert.equal(view.classKind(classRef(view, 'Item', 'shop/models/items.py'))?.kind, 'mapped');
    assert.equal(view.classKind(classRef(view, 'Order', 'shop/models/orders.py'))?.kind, 'mapped');
    assert.equal(view.classKind(classRef(view, 'Audited', 'shop/models/orders.py'))?.kind, 'mixin');
    assert.equal(view.classKind(classRef(view, 'Plain', 'shop/models/orders.py')), undefined);
    assert.equal(view.classKind(classRef(view, 'Layout', 'ui.py')), undefined, 'rich.table.Column makes no mapping');
    assert.equal(view.classNamed('Order')?.file, file('shop/models/orders.py'));
  });

  test('gives collection or scalar from the side that holds the foreign key', () => {
    const view = projectWith(files).view(file('shop/models/orders.py'));
    const order = classRef(view, 'Order', 'shop/models/orders.py');
    const item = classRef(view, 'Item', 'shop/models/items.py');
    const items = order.cls.relationships.find((r) => r.attribute === 'items')!;
    const back = item.cls.relationships.find((r) => r.attribute === 'order')!;
    const single = item.cls.relationships.find((r) => r.attribute === 'single')!;
    assert.equal(view.foreignKeySide(order, items), 'remote');
    assert.equal(view.foreignKeySide(item, back), 'local');
    assert.deepEqual(view.relationshipShape(order, items), { target: item, collection: true, optional: false });
    assert.deepEqual(view.relationshipShape(item, back), { target: order, collection: false, optional: true });
    assert.equal(view.relationshipShape(item, single)?.collection, false, 'uselist=False wins');
    assert.equal(view.foreignKeySide(order, order.cls.relationships.find((r) => r.attribute === 'tags')!), undefined, 'Tag is not mapped anywhere');
  });

  test('types a foreign key column from the column it points at, in another file', () => {
    const view = projectWith(files).view(file('shop/models/items.py'));
    const item = classRef(view, 'Item', 'shop/models/items.py');
    const orderId = view.columns(item).find((c) => c.column.attribute === 'order_id')!;
    assert.deepEqual(view.columnPythonType(orderId), { name: 'int' });
    const order = classRef(view, 'Order', 'shop/models/orders.py');
    assert.deepEqual(view.columns(order).map((c) => c.column.attribute), ['id', 'total', 'version'], 'own columns, then the mixin\'s');
  });

  test('update and remove keep the answers current', () => {
    const models = projectWith(files);
    models.remove(file('shop/db.py'));
    let view = models.view(file('shop/models/items.py'));
    // The base's module is gone: Item is still taken for mapped, through the imported name alone.
    assert.equal(view.classKind(classRef(view, 'Item', 'shop/models/items.py'))?.registry, '?..db.Base');
    assert.equal(view.classKind(classRef(view, 'Order', 'shop/models/orders.py'))?.registry, '?shop.db.Base');
    models.update(file('shop/db.py'), moduleModel(BASE));
    assert.equal(models.textOf(file('shop/db.py')), BASE);
    view = models.view(file('shop/models/items.py'));
    assert.equal(view.classKind(classRef(view, 'Item', 'shop/models/items.py'))?.registry, `${file('shop/db.py')}#Base`);
  });
});
