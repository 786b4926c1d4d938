/**
 * A deterministic corpus of Python modules for the benchmark: legacy SQLAlchemy 1.x code,
 * 2.0-style code and plain Python, interleaved the way a real codebase in mid-migration is.
 * Everything comes from a seeded generator, so two runs measure the same text.
 */

/** mulberry32 over a 32-bit seed derived from a string (FNV-1a). */
export class Rng {
  private state: number;

  constructor(seed: string | number) {
    if (typeof seed === 'number') this.state = seed >>> 0;
    else {
      let h = 0x811c9dc5;
      for (let i = 0; i < seed.length; i++) {
        h ^= seed.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
      }
      this.state = h >>> 0;
    }
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [low, high]. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** `count` distinct items, in a random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]);
    return out;
  }

  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1][0];
  }
}

/**
 * Python source from a template: a multi-line value is indented like the line it lands on,
 * and the whole block is dedented to column 0. Returns the lines.
 */
function py(strings: TemplateStringsArray, ...values: unknown[]): string[] {
  let out = '';
  for (let i = 0; i < strings.length; i++) {
    out += strings[i];
    if (i < values.length) {
      const value = Array.isArray(values[i]) ? (values[i] as string[]).join('\n') : String(values[i]);
      const prefix = /^[ ]*/.exec(out.slice(out.lastIndexOf('\n') + 1))![0];
      out += value.split('\n').join(`\n${prefix}`);
    }
  }
  const lines = out.split('\n');
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const margin = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(margin).trimEnd()));
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

type PyType = 'str' | 'int' | 'bool' | 'float' | 'datetime';

interface Field {
  name: string;
  type: PyType;
  sql: string;
}

interface Entity {
  cls: string;
  table: string;
  /** Singular snake-case noun, for function and variable names. */
  noun: string;
  fields: Field[];
}

const f = (name: string, type: PyType, sql: string): Field => ({ name, type, sql });

const ENTITIES: readonly Entity[] = [
  { cls: 'User', table: 'users', noun: 'user', fields: [f('name', 'str', 'String(80)'), f('email', 'str', 'String(255)'), f('active', 'bool', 'Boolean'), f('created_at', 'datetime', 'DateTime')] },
  { cls: 'Order', table: 'orders', noun: 'order', fields: [f('reference', 'str', 'String(32)'), f('status', 'str', 'String(16)'), f('total', 'float', 'Numeric(12, 2)'), f('user_id', 'int', 'Integer')] },
  { cls: 'Invoice', table: 'invoices', noun: 'invoice', fields: [f('number', 'str', 'String(24)'), f('amount', 'float', 'Numeric(12, 2)'), f('paid', 'bool', 'Boolean'), f('issued_at', 'datetime', 'DateTime')] },
  { cls: 'Product', table: 'products', noun: 'product', fields: [f('sku', 'str', 'String(40)'), f('title', 'str', 'String(200)'), f('price', 'float', 'Float'), f('stock', 'int', 'Integer')] },
  { cls: 'Account', table: 'accounts', noun: 'account', fields: [f('owner', 'str', 'String(120)'), f('balance', 'float', 'Numeric(14, 2)'), f('frozen', 'bool', 'Boolean'), f('opened_at', 'datetime', 'DateTime')] },
  { cls: 'Address', table: 'addresses', noun: 'address', fields: [f('street', 'str', 'String(200)'), f('city', 'str', 'String(80)'), f('postcode', 'str', 'String(12)'), f('user_id', 'int', 'Integer')] },
  { cls: 'Customer', table: 'customers', noun: 'customer', fields: [f('company', 'str', 'String(160)'), f('vat_id', 'str', 'String(20)'), f('tier', 'int', 'Integer'), f('since', 'datetime', 'DateTime')] },
  { cls: 'Shipment', table: 'shipments', noun: 'shipment', fields: [f('carrier', 'str', 'String(40)'), f('tracking', 'str', 'String(64)'), f('weight', 'float', 'Float'), f('order_id', 'int', 'Integer')] },
  { cls: 'Payment', table: 'payments', noun: 'payment', fields: [f('method', 'str', 'String(20)'), f('amount', 'float', 'Numeric(12, 2)'), f('settled', 'bool', 'Boolean'), f('invoice_id', 'int', 'Integer')] },
  { cls: 'Review', table: 'reviews', noun: 'review', fields: [f('rating', 'int', 'Integer'), f('body', 'str', 'Text'), f('approved', 'bool', 'Boolean'), f('product_id', 'int', 'Integer')] },
  { cls: 'Tag', table: 'tags', noun: 'tag', fields: [f('label', 'str', 'String(40)'), f('color', 'str', 'String(7)'), f('usage', 'int', 'Integer'), f('hidden', 'bool', 'Boolean')] },
  { cls: 'Category', table: 'categories', noun: 'category', fields: [f('slug', 'str', 'String(60)'), f('title', 'str', 'String(120)'), f('position', 'int', 'Integer'), f('parent_id', 'int', 'Integer')] },
  { cls: 'Project', table: 'projects', noun: 'project', fields: [f('name', 'str', 'String(120)'), f('budget', 'float', 'Numeric(14, 2)'), f('archived', 'bool', 'Boolean'), f('started_at', 'datetime', 'DateTime')] },
  { cls: 'Task', table: 'tasks', noun: 'task', fields: [f('summary', 'str', 'String(255)'), f('priority', 'int', 'Integer'), f('done', 'bool', 'Boolean'), f('project_id', 'int', 'Integer')] },
  { cls: 'Comment', table: 'comments', noun: 'comment', fields: [f('author', 'str', 'String(80)'), f('text', 'str', 'Text'), f('score', 'int', 'Integer'), f('posted_at', 'datetime', 'DateTime')] },
  { cls: 'Warehouse', table: 'warehouses', noun: 'warehouse', fields: [f('code', 'str', 'String(8)'), f('region', 'str', 'String(40)'), f('capacity', 'int', 'Integer'), f('open', 'bool', 'Boolean')] },
];

const AREAS = ['billing', 'catalog', 'fulfilment', 'accounts', 'reporting', 'search', 'inventory', 'support', 'payments', 'crm', 'analytics', 'scheduling'];
const WORDS = ['alpha', 'bravo', 'delta', 'north', 'summit', 'harbor', 'copper', 'maple', 'orbit', 'quartz', 'river', 'signal', 'timber', 'violet'];
const VERBS = ['load', 'fetch', 'find', 'list', 'count', 'sync', 'refresh', 'export', 'collect', 'resolve', 'check', 'build'];
const PY_TYPE: Record<PyType, string> = { str: 'str', int: 'int', bool: 'bool', float: 'float', datetime: 'datetime.datetime' };
const PY_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

export function isPythonKeyword(word: string): boolean {
  return PY_KEYWORDS.has(word);
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const camel = (s: string) => s.split('_').map(cap).join('');

// ---------------------------------------------------------------------------------------------
// Module generator

type Profile = 'legacy-core' | 'legacy-orm-models' | 'legacy-orm-service' | 'modern-orm' | 'modern-core' | 'mixed' | 'plain' | 'plain-dbapi';

const PROFILES: ReadonlyArray<readonly [Profile, number]> = [
  ['legacy-core', 12], ['legacy-orm-models', 6], ['legacy-orm-service', 14], ['modern-orm', 10],
  ['modern-core', 8], ['mixed', 10], ['plain', 34], ['plain-dbapi', 6],
];

type Block = () => string[];

/** One module being written: its entities, the names already used, and its block menu. */
class ModuleWriter {
  private readonly used = new Set<string>();
  private readonly lines: string[] = [];

  constructor(readonly rng: Rng, readonly entities: Entity[], readonly area: string) {}

  /** A fresh top-level name built from `base`. */
  name(base: string): string {
    let candidate = base;
    for (let n = 2; this.used.has(candidate); n++) candidate = `${base}_${n}`;
    this.used.add(candidate);
    return candidate;
  }

  entity(): Entity {
    return this.rng.pick(this.entities);
  }

  field(entity: Entity, type?: PyType): Field {
    const matching = type ? entity.fields.filter((x) => x.type === type) : entity.fields;
    return this.rng.pick(matching.length > 0 ? matching : entity.fields);
  }

  literal(field: Field): string {
    switch (field.type) {
      case 'str':
        return `"${this.rng.pick(WORDS)}"`;
      case 'int':
        return String(this.rng.int(1, 500));
      case 'bool':
        return this.rng.pick(['True', 'False']);
      case 'float':
        return `${this.rng.int(1, 900)}.${this.rng.int(0, 99)}`;
      case 'datetime':
        return `datetime.datetime(2023, ${this.rng.int(1, 12)}, ${this.rng.int(1, 28)})`;
    }
  }

  get lineCount(): number {
    return this.lines.length;
  }

  add(block: string[]): void {
    if (this.lines.length > 0) this.lines.push('', '');
    this.lines.push(...block);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

// --- headers -------------------------------------------------------------------------------

function stdlibHeader(w: ModuleWriter, docstring: string): string[] {
  return py`
    """${docstring}"""
    from __future__ import annotations

    import collections
    import datetime
    import enum
    import json
    import logging
    import os
    import re
    import time
    from dataclasses import dataclass, field
    from typing import Any, Iterable, Optional

    log = logging.getLogger(${`"${w.area}.${w.rng.pick(WORDS)}"`})
  `;
}

function legacyCoreHeader(w: ModuleWriter): string[] {
  const metadataLine = w.rng.weighted([
    ['metadata = MetaData(bind=engine)', 3], ['metadata = MetaData(engine)', 1], ['metadata = MetaData()\nmetadata.bind = engine', 1],
  ] as const);
  const tables = w.entities.map((e) => tableDefinition(w, e));
  return py`
    from sqlalchemy import (
        Boolean, Column, DateTime, Float, ForeignKey, Integer, MetaData, Numeric, String, Table, Text, and_,
        create_engine, func, insert, or_, select, text, update,
    )

    engine = create_engine(os.environ.get("DATABASE_URL", "postgresql://app@db/${w.area}"), pool_size=${w.rng.int(5, 20)})
    ${metadataLine}

    ${tables.join('\n\n')}
  `;
}

function tableDefinition(w: ModuleWriter, e: Entity): string {
  const autoload = w.rng.chance(0.1);
  if (autoload) return `${e.table} = Table("${e.table}", metadata, autoload=True)`;
  const columns = e.fields.map((x) => `Column("${x.name}", ${x.sql}${x.type === 'bool' ? ', default=False' : ''}),`);
  return py`
    ${e.table} = Table(
        "${e.table}",
        metadata,
        Column("id", Integer, primary_key=True),
        ${columns}
    )
  `.join('\n');
}

function legacyOrmHeader(w: ModuleWriter, withModels: boolean): string[] {
  const head = py`
    from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Integer, Numeric, String, Text, func
    from sqlalchemy.orm import joinedload, relationship, sessionmaker
    from sqlalchemy.ext.declarative import declarative_base
  `;
  if (!withModels) {
    return [...head, '', `from .models import ${w.entities.map((e) => e.cls).join(', ')}`, `from .database import SessionLocal`];
  }
  return [...head, '', 'Base = declarative_base()', 'SessionLocal = sessionmaker()', '', ...w.entities.flatMap((e, i) => [...(i > 0 ? ['', ''] : []), ...legacyModel(w, e)])];
}

function legacyModel(w: ModuleWriter, e: Entity): string[] {
  const columns = e.fields.map((x) => `${x.name} = Column(${x.sql}${x.type === 'bool' ? ', default=False' : ''}${w.rng.chance(0.3) ? ', nullable=False' : ''})`);
  const repr = `return f"<${e.cls} {self.id} {self.${e.fields[0].name}!r}>"`;
  return py`
    class ${e.cls}(Base):
        __tablename__ = "${e.table}"

        id = Column(Integer, primary_key=True)
        ${columns}

        def __repr__(self):
            ${repr}
  `;
}

function modernOrmHeader(w: ModuleWriter): string[] {
  const models = w.entities.map((e) => {
    const columns = e.fields.map((x) => `${x.name}: Mapped[${w.rng.chance(0.3) ? `Optional[${PY_TYPE[x.type]}]` : PY_TYPE[x.type]}] = mapped_column(${x.sql})`);
    return py`
      class ${e.cls}(Base):
          __tablename__ = "${e.table}"

          id: Mapped[int] = mapped_column(primary_key=True)
          ${columns}
    `.join('\n');
  });
  return py`
    from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, Numeric, String, Text, create_engine, func, select, text
    from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

    engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///${w.area}.db"))
    SessionFactory = sessionmaker(engine)


    class Base(DeclarativeBase):
        pass


    ${models.join('\n\n\n')}
  `;
}

function modernCoreHeader(w: ModuleWriter): string[] {
  return py`
    from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, insert, select, text, update

    engine = create_engine(os.environ.get("DATABASE_URL", "postgresql+psycopg://app@db/${w.area}"), future=True)
    metadata = MetaData()

    ${w.entities.map((e) => `${e.table} = Table("${e.table}", metadata, Column("id", Integer, primary_key=True), ${e.fields.map((x) => `Column("${x.name}", ${x.sql})`).join(', ')})`)}
  `;
}

// --- plain Python blocks ------------------------------------------------------------------

function plainBlocks(w: ModuleWriter): Block[] {
  const { rng } = w;
  return [
    () => {
      const name = w.name(`${camel(rng.pick(WORDS))}${cap(w.entity().noun)}Summary`);
      return py`
        @dataclass
        class ${name}:
            """Totals for one batch, ready for the ${w.area} report."""

            reference: str
            count: int = 0
            weight: float = 0.0
            tags: list[str] = field(default_factory=list)

            def add(self, item_weight: float, tag: Optional[str] = None) -> None:
                self.count += 1
                self.weight += item_weight
                if tag and tag not in self.tags:
                    self.tags.append(tag)

            @property
            def average(self) -> float:
                return self.weight / self.count if self.count else 0.0

            def as_dict(self) -> dict[str, Any]:
                return {"reference": self.reference, "count": self.count, "weight": round(self.weight, 3), "tags": sorted(self.tags)}
      `;
    },
    () => {
      const key = w.field(w.entity()).name;
      const name = w.name(`group_by_${key}`);
      return py`
        def ${name}(items: Iterable[dict[str, Any]]) -> dict[Any, list[dict[str, Any]]]:
            """Group records by their ${key}, keeping the input order."""
            groups: dict[Any, list[dict[str, Any]]] = collections.defaultdict(list)
            for item in items:
                key = item.get("${key}")
                if key is None:
                    # Records without a ${key} are reported separately.
                    continue
                groups[key].append(item)
            return dict(groups)
      `;
    },
    () => {
      const n = w.name(`settings_${rng.pick(WORDS)}`);
      const pattern = w.name(`_${n.toUpperCase()}_LINE`);
      return py`
        ${pattern} = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)\\s*=\\s*(?P<value>.*)$")


        def parse_${n}(text: str) -> dict[str, Any]:
            """Read \`name = value\` lines; values are JSON when they parse as JSON."""
            result: dict[str, Any] = {}
            for lineno, raw in enumerate(text.splitlines(), start=1):
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                match = ${pattern}.match(line)
                if not match:
                    raise ValueError(f"line {lineno}: cannot parse {line!r}")
                try:
                    result[match["name"]] = json.loads(match["value"])
                except json.JSONDecodeError:
                    result[match["name"]] = match["value"]
            return result
      `;
    },
    () => {
      const name = w.name(`${camel(w.entity().noun)}LookupCache`);
      return py`
        class ${name}:
            """A small LRU cache in front of the ${w.area} lookups."""

            def __init__(self, capacity: int = ${rng.pick([64, 128, 256, 1024])}) -> None:
                self.capacity = capacity
                self._items: collections.OrderedDict[Any, Any] = collections.OrderedDict()
                self.hits = 0
                self.misses = 0

            def get(self, key, default=None):
                if key in self._items:
                    self._items.move_to_end(key)
                    self.hits += 1
                    return self._items[key]
                self.misses += 1
                return default

            def put(self, key, value) -> None:
                self._items[key] = value
                self._items.move_to_end(key)
                while len(self._items) > self.capacity:
                    self._items.popitem(last=False)

            def ratio(self) -> float:
                total = self.hits + self.misses
                return self.hits / total if total else 0.0

            def __len__(self) -> int:
                return len(self._items)

            def __contains__(self, key) -> bool:
                return key in self._items
      `;
    },
    () => {
      const noun = w.entity().noun;
      const name = w.name(`summarize_${noun}_lines`);
      return py`
        def ${name}(records, threshold=${rng.int(10, 1000)}):
            totals = {r["id"]: sum(x["amount"] for x in r.get("lines", [])) for r in records}
            large = [rid for rid, total in totals.items() if total > threshold]
            pairs = sorted(((total, rid) for rid, total in totals.items()), reverse=True)
            return {
                "count": len(totals),
                "large": large,
                "top": [rid for _, rid in pairs[:${rng.int(3, 20)}]],
                "mean": (sum(totals.values()) / len(totals)) if totals else 0,
            }
      `;
    },
    () => {
      const stem = w.name(`${rng.pick(WORDS)}_${w.entity().noun}`).toUpperCase();
      const statuses = rng.sample(['pending', 'active', 'closed', 'failed', 'retrying', 'archived', 'draft'], rng.int(3, 5));
      return py`
        # ---------------------------------------------------------------------------
        # ${cap(stem.toLowerCase().replace(/_/g, ' '))} settings
        #
        # These values were tuned by hand against production traffic; change them
        # together with the alert thresholds in the monitoring repository.
        # ---------------------------------------------------------------------------
        ${stem}_TIMEOUT = ${rng.int(5, 120)}
        ${stem}_RETRIES = ${rng.int(1, 9)}
        ${stem}_STATUSES = (${statuses.map((s) => `"${s}"`).join(', ')})
        ${stem}_LABELS = {
            ${statuses.map((s) => `"${s}": "${cap(s)}",`)}
        }
      `;
    },
    () => {
      const name = w.name(`fetch_${w.entity().table}_pages`);
      return py`
        async def ${name}(client, url: str, pages: int = ${rng.int(2, 12)}) -> list[dict[str, Any]]:
            results: list[dict[str, Any]] = []
            for page in range(1, pages + 1):
                response = await client.get(url, params={"page": page, "size": ${rng.pick([20, 50, 100])}})
                if response.status_code != 200:
                    log.warning("page %d of %s failed: %s", page, url, response.status_code)
                    break
                payload = response.json()
                results.extend(payload.get("items", []))
                if not payload.get("next"):
                    break
            return results
      `;
    },
    () => {
      const name = w.name(`with_retries_${rng.pick(WORDS)}`);
      return py`
        def ${name}(func, attempts=${rng.int(2, 6)}, delay=${rng.pick(['0.1', '0.25', '0.5', '1.0'])}):
            """Call \`func\` until it succeeds, backing off exponentially between attempts."""
            last_error = None
            attempt = 0
            while attempt < attempts:
                try:
                    return func()
                except (ConnectionError, TimeoutError) as error:
                    last_error = error
                    attempt += 1
                    log.debug("attempt %d failed: %s", attempt, error)
                    time.sleep(delay * 2 ** attempt)
            raise RuntimeError(f"gave up after {attempts} attempts") from last_error
      `;
    },
    () => {
      const name = w.name(`${camel(w.entity().noun)}State`);
      const members = rng.sample(['NEW', 'QUEUED', 'RUNNING', 'PAUSED', 'DONE', 'FAILED', 'CANCELLED'], rng.int(3, 6));
      return py`
        class ${name}(enum.Enum):
            ${members.map((m) => `${m} = "${m.toLowerCase()}"`)}

            @property
            def is_final(self) -> bool:
                return self in (${members.slice(-2).map((m) => `${name}.${m}`).join(', ')})

            @classmethod
            def parse(cls, value: str) -> "${name}":
                try:
                    return cls(value.lower())
                except ValueError:
                    raise ValueError(f"unknown state {value!r}") from None
      `;
    },
    () => {
      const e = w.entity();
      const name = w.name(`${e.table.toUpperCase()}_REPORT_SQL`);
      return py`
        # Kept for the analysts' notebooks; the application builds this query with select().
        ${name} = """
        SELECT id, ${e.fields.map((x) => x.name).join(', ')}
        FROM ${e.table}
        WHERE ${e.fields[0].name} IS NOT NULL
        ORDER BY id DESC
        LIMIT 500
        """
      `;
    },
    () => {
      const name = w.name(`read_${rng.pick(WORDS)}_file`);
      return py`
        def ${name}(path: str, encoding: str = "utf-8") -> list[dict[str, Any]]:
            if not os.path.exists(path):
                log.info("no file at %s", path)
                return []
            rows = []
            with open(path, encoding=encoding) as handle:
                for number, line in enumerate(handle):
                    line = line.rstrip("\\n")
                    if not line:
                        continue
                    try:
                        rows.append(json.loads(line))
                    except ValueError as error:
                        log.warning("%s:%d: %s", path, number + 1, error)
            return rows
      `;
    },
    () => {
      const e = w.entity();
      const name = w.name(`${e.noun}_to_payload`);
      const keys = e.fields.map((x) => `"${x.name}": ${x.type === 'datetime' ? `obj.${x.name}.isoformat() if obj.${x.name} else None` : `obj.${x.name}`},`);
      return py`
        def ${name}(obj) -> dict[str, Any]:
            return {
                "id": obj.id,
                ${keys}
                "kind": "${e.noun}",
            }
      `;
    },
    () => {
      const name = w.name(`chunked_${rng.pick(WORDS)}`);
      return py`
        def ${name}(items, size=${rng.int(10, 500)}):
            batch = []
            for item in items:
                batch.append(item)
                if len(batch) >= size:
                    yield batch
                    batch = []
            if batch:
                yield batch
      `;
    },
  ];
}

/** Code that looks like SQLAlchemy but is not: the analyzer must stay quiet here. */
function dbapiBlocks(w: ModuleWriter): Block[] {
  const { rng } = w;
  return [
    () => {
      const e = w.entity();
      const name = w.name(`load_${e.table}_from_sqlite`);
      return py`
        def ${name}(path: str):
            conn = sqlite3.connect(path)
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS ${e.table} (id INTEGER PRIMARY KEY, ${e.fields[0].name} TEXT)")
                rows = conn.execute("SELECT id, ${e.fields[0].name} FROM ${e.table} WHERE id > ?", (${rng.int(0, 100)},)).fetchall()
                conn.commit()
            finally:
                conn.close()
            return rows
      `;
    },
    () => {
      const name = w.name(`filter_frame_${rng.pick(WORDS)}`);
      return py`
        def ${name}(df: "pd.DataFrame", minimum: float = ${rng.int(1, 100)}.0):
            subset = df.query("amount > @minimum and status == 'open'")
            return subset.groupby("region").agg({"amount": "sum"}).reset_index()
      `;
    },
    () => {
      const name = w.name(`wait_readable_${rng.pick(WORDS)}`);
      return py`
        def ${name}(sockets, timeout=${rng.pick(['0.5', '1.0', '2.0'])}):
            readable, _, errored = select.select(list(sockets), [], list(sockets), timeout)
            for sock in errored:
                log.error("socket %r errored", sock)
            return readable
      `;
    },
  ];
}

// --- legacy Core blocks --------------------------------------------------------------------

function legacyCoreBlocks(w: ModuleWriter): Block[] {
  const { rng } = w;
  return [
    () => {
      const e = w.entity();
      const x = w.field(e);
      const name = w.name(`${rng.pick(VERBS)}_${e.table}_by_${x.name}`);
      return py`
        def ${name}(value):
            """Rows of ${e.table} whose ${x.name} matches."""
            stmt = select([${e.table}.c.id, ${e.table}.c.${x.name}]).where(${e.table}.c.${x.name} == value)
            return engine.execute(stmt).fetchall()
      `;
    },
    () => {
      const e = w.entity();
      const name = w.name(`count_${e.table}`);
      return py`
        def ${name}():
            return engine.scalar(select([func.count()]).select_from(${e.table}))
      `;
    },
    () => {
      const e = w.entity();
      const x = w.field(e, 'str');
      const y = w.field(e);
      const name = w.name(`archive_${e.table}`);
      return py`
        def ${name}(cutoff, dry_run=False):
            """Move old ${e.table} out of the hot table."""
            with engine.connect() as conn:
                rows = conn.execute(select([${e.table}]).where(${e.table}.c.id < cutoff)).fetchall()
                if dry_run:
                    return len(rows)
                conn.execute("DELETE FROM ${e.table} WHERE id < :cutoff", cutoff=cutoff)
                conn.execute(${e.table}.update().where(${e.table}.c.${x.name} == None), ${y.name}=${w.literal(y)})
            for row in rows:
                log.info("archived ${e.noun} %s", row.id)
            return len(rows)
      `;
    },
    () => {
      const e = w.entity();
      const fields = e.fields.slice(0, 3);
      const name = w.name(`create_${e.noun}`);
      return py`
        def ${name}(${fields.map((x) => x.name).join(', ')}):
            result = engine.execute(${e.table}.insert(), ${fields.map((x) => `${x.name}=${x.name}`).join(', ')})
            return result.inserted_primary_key[0]
      `;
    },
    () => {
      const e = w.entity();
      const name = w.name(`print_${e.table}`);
      return py`
        def ${name}(limit=${rng.int(10, 100)}):
            for row in engine.execute(select([${e.table}]).limit(limit)):
                print(${e.fields.slice(0, 2).map((x) => `row.${x.name}`).join(', ')})
      `;
    },
    () => {
      const name = w.name('reset_schema');
      return py`
        def ${name}(confirm=False):
            if not confirm:
                raise RuntimeError("refusing to drop tables without confirm=True")
            metadata.drop_all()
            metadata.create_all()
      `;
    },
    () => {
      const e = w.entity();
      const name = w.name(`raw_${e.noun}_stats`);
      return py`
        def ${name}():
            with engine.connect() as connection:
                result = connection.execute("SELECT count(*), max(id) FROM ${e.table}")
                total, last = result.fetchone()
                legacy = connection.execute("SELECT id FROM ${e.table} WHERE id < %s", ${rng.int(10, 999)}).fetchall()
            return {"total": total, "last": last, "legacy": [r[0] for r in legacy]}
      `;
    },
    () => {
      const e = w.entity();
      const x = w.field(e);
      const name = w.name(`${e.table}_between`);
      return py`
        def ${name}(low, high):
            stmt = select(
                [${e.table}.c.id, ${e.table}.c.${x.name}],
            ).where(and_(${e.table}.c.id >= low, ${e.table}.c.id < high)).order_by(${e.table}.c.id)
            with engine.begin() as conn:
                return conn.execute(stmt).fetchall()
      `;
    },
  ];
}

// --- 2.0-style Core blocks -----------------------------------------------------------------

function modernCoreBlocks(w: ModuleWriter): Block[] {
  const { rng } = w;
  return [
    () => {
      const e = w.entity();
      const x = w.field(e);
      const name = w.name(`${rng.pick(VERBS)}_${e.table}_${x.name}`);
      return py`
        def ${name}(value):
            stmt = select(${e.table}.c.id, ${e.table}.c.${x.name}).where(${e.table}.c.${x.name} == value)
            with engine.connect() as conn:
                return conn.execute(stmt).all()
      `;
    },
    () => {
      const e = w.entity();
      const x = w.field(e);
      const name = w.name(`bulk_insert_${e.table}`);
      return py`
        def ${name}(values: list[dict[str, Any]]) -> int:
            if not values:
                return 0
            with engine.begin() as conn:
                result = conn.execute(insert(${e.table}), values)
                conn.execute(text("UPDATE ${e.table} SET ${x.name} = :v WHERE id = :id"), {"v": ${w.literal(x)}, "id": ${rng.int(1, 99)}})
            return result.rowcount
      `;
    },
    () => {
      const e = w.entity();
      const name = w.name(`total_${e.table}`);
      return py`
        def ${name}() -> int:
            with engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(${e.table})).scalar_one()
      `;
    },
    () => {
      const e = w.entity();
      const x = w.field(e);
      const name = w.name(`touch_${e.noun}`);
      return py`
        def ${name}(ident: int, value) -> None:
            with engine.begin() as connection:
                connection.execute(update(${e.table}).where(${e.table}.c.id == ident).values(${x.name}=value))
                connection.exec_driver_sql("SELECT pg_notify('${e.table}', %s)", (str(ident),))
      `;
    },
  ];
}

// --- legacy ORM blocks ----------------------------------------------------------------------

function sessionExpr(w: ModuleWriter): { param: string; expr: string } {
  const name = w.rng.weighted([['session', 6], ['db_session', 2], ['sess', 1]] as const);
  return { param: name, expr: name };
}

function legacyOrmBlocks(w: ModuleWriter): Block[] {
  const { rng } = w;
  return [
    () => {
      const e = w.entity();
      const s = sessionExpr(w);
      const name = w.name(`get_${e.noun}`);
      return py`
        def ${name}(${s.param}, ${e.noun}_id):
            ${e.noun} = ${s.expr}.query(${e.cls}).get(${e.noun}_id)
            if ${e.noun} is None:
                raise LookupError(f"no ${e.noun} {${e.noun}_id}")
            return ${e.noun}
      `;
    },
    () => {
      const e = w.entity();
      const x = w.field(e);
      const s = sessionExpr(w);
      const name = w.name(`list_${e.table}_by_${x.name}`);
      return py`
        def ${name}(${s.param}, value, limit=${rng.int(10, 200)}):
            return (
                ${s.expr}.query(${e.cls})
                .filter(${e.cls}.${x.name} == value)
                .order_by(${e.cls}.id.desc())
                .limit(limit)
                .all()
            )
      `;
    },
    () => {
      const e = w.entity();
      const x = w.field(e);
      const s = sessionExpr(w);
      const name = w.name(`first_${e.noun}_with_${x.name}`);
      return py`
        def ${name}(${s.param}, value):
            return ${s.expr}.query(${e.cls}).filter_by(${x.name}=value).first()
      `;
    },
    () => {
      const e = w.entity();
      const s = sessionExpr(w);
      const name = w.name(`count_${e.table}`);
      return py`
        def ${name}(${s.param}):
            return ${s.expr}.query(${e.cls}).count()
      `;
    },
    () => {
      const e = w.entity();
      const [x, y] = rng.sample(e.fields, 2);
      const s = sessionExpr(w);
      const name = w.name(`search_${e.table}`);
      return py`
        def ${name}(${s.param}, ${x.name}=None, ${y.name}=None, page=1, per_page=${rng.pick([20, 25, 50])}):
            query = ${s.expr}.query(${e.cls})
            if ${x.name} is not None:
                query = query.filter(${e.cls}.${x.name} == ${x.name})
            if ${y.name} is not None:
                query = query.filter(${e.cls}.${y.name} == ${y.name})
            query = query.order_by(${e.cls}.id)
            return query.offset((page - 1) * per_page).limit(per_page).all()
      `;
    },
    () => {
      const e = w.entity();
      const x = w.field(e);
      const s = sessionExpr(w);
      const name = w.name(`export_${e.table}`);
      return py`
        def ${name}(${s.param}, out):
            written = 0
            for ${e.noun} in ${s.expr}.query(${e.cls}).filter(${e.cls}.${x.name} != None).order_by(${e.cls}.id):
                out.write(json.dumps({"id": ${e.noun}.id, "${x.name}": str(${e.noun}.${x.name})}) + "\\n")
                written += 1
            return written
      `;
    },
    () => {
      const e = w.entity();
      const x = w.field(e);
      const name = w.name(`${camel(e.noun)}Repository`);
      return py`
        class ${name}:
            """Data access for ${e.table}; one instance per unit of work."""

            def __init__(self, session):
                self.session = session

            def by_id(self, ident):
                return self.session.query(${e.cls}).get(ident)

            def by_${x.name}(self, value):
                return self.session.query(${e.cls}).filter(${e.cls}.${x.name} == value).one_or_none()

            def all_ids(self):
                return [row.id for row in self.session.query(${e.cls}).all()]

            def add(self, **values):
                obj = ${e.cls}(**values)
                self.session.add(obj)
                self.session.flush()
                return obj
      `;
    },
    () => {
      const e = w.entity();
      const x = w.field(e);
      const s = sessionExpr(w);
      const name = w.name(`reset_${e.table}_${x.name}`);
      return py`
        def ${name}(${s.param}, ident):
            ${s.expr}.execute("UPDATE ${e.table} SET ${x.name} = NULL WHERE id = :id", {"id": ident})
            ${s.expr}.commit()
      `;
    },
    () => {
      const e = w.entity();
      const name = w.name(`with_${e.table}_session`);
      return py`
        def ${name}(fn):
            session = SessionLocal()
            try:
                result = fn(session, session.query(${e.cls}).one())
                session.commit()
                return result
            except Exception:
                session.rollback()
                raise
            finally:
                session.close()
      `;
    },
  ];
}

// --- 2.0-style ORM blocks -------------------------------------------------------------------

function modernOrmBlocks(w: ModuleWriter): Block[] {
  const { rng } = w;
  return [
    () => {
      const e = w.entity();
      const x = w.field(e);
      const name = w.name(`${rng.pick(VERBS)}_${e.table}_where_${x.name}`);
      return py`
        def ${name}(session: Session, value) -> list[${e.cls}]:
            stmt = select(${e.cls}).where(${e.cls}.${x.name} == value).order_by(${e.cls}.id)
            return list(session.scalars(stmt))
      `;
    },
    () => {
      const e = w.entity();
      const name = w.name(`get_${e.noun}_or_none`);
      return py`
        def ${name}(session: Session, ident: int) -> Optional[${e.cls}]:
            return session.get(${e.cls}, ident)
      `;
    },
    () => {
      const e = w.entity();
      const name = w.name(`count_${e.table}_2x`);
      return py`
        def ${name}(session: Session) -> int:
            return session.scalar(select(func.count()).select_from(${e.cls})) or 0
      `;
    },
    () => {
      const e = w.entity();
      const x = w.field(e);
      const name = w.name(`rename_${e.table}`);
      return py`
        def ${name}(mapping: dict[int, Any]) -> None:
            with SessionFactory.begin() as session:
                for ident, value in mapping.items():
                    obj = session.get(${e.cls}, ident)
                    if obj is not None:
                        obj.${x.name} = value
                session.execute(text("ANALYZE ${e.table}"))
      `;
    },
  ];
}

// --- files ----------------------------------------------------------------------------------

function blocksFor(w: ModuleWriter, profile: Profile, orm: 'legacy' | 'modern'): Array<readonly [Block, number]> {
  const plain = plainBlocks(w).map((b) => [b, 1] as const);
  const weight = (blocks: Block[], total: number) => blocks.map((b) => [b, total / blocks.length] as const);
  switch (profile) {
    case 'legacy-core':
      return [...plain, ...weight(legacyCoreBlocks(w), 10), ...weight(modernCoreBlocks(w), 2)];
    case 'legacy-orm-models':
    case 'legacy-orm-service':
      return [...plain, ...weight(legacyOrmBlocks(w), 10)];
    case 'modern-orm':
      return [...plain, ...weight(modernOrmBlocks(w), 8)];
    case 'modern-core':
      return [...plain, ...weight(modernCoreBlocks(w), 8)];
    case 'mixed':
      return [...plain, ...weight(legacyCoreBlocks(w), 5), ...weight(modernCoreBlocks(w), 3), ...weight(orm === 'legacy' ? legacyOrmBlocks(w) : modernOrmBlocks(w), 5)];
    case 'plain':
      return plain;
    case 'plain-dbapi':
      return [...plain, ...weight(dbapiBlocks(w), 6)];
  }
}

function headerFor(w: ModuleWriter, profile: Profile, orm: 'legacy' | 'modern'): string[] {
  const docs: Record<Profile, string> = {
    'legacy-core': `Queries behind the ${w.area} endpoints.`,
    'legacy-orm-models': `Models of the ${w.area} domain.`,
    'legacy-orm-service': `Service functions of the ${w.area} domain.`,
    'modern-orm': `Persistence for ${w.area}, written against SQLAlchemy 2.0.`,
    'modern-core': `Bulk jobs for ${w.area}.`,
    mixed: `The ${w.area} module, half way through the 2.0 migration.`,
    plain: `Helpers for ${w.area}.`,
    'plain-dbapi': `Local tooling for ${w.area}: SQLite exports, data frames and sockets.`,
  };
  const head = stdlibHeader(w, docs[profile]);
  switch (profile) {
    case 'legacy-core':
      return [...head, '', ...legacyCoreHeader(w)];
    case 'legacy-orm-models':
      return [...head, '', ...legacyOrmHeader(w, true)];
    case 'legacy-orm-service':
      return [...head, '', ...legacyOrmHeader(w, false)];
    case 'modern-orm':
      return [...head, '', ...modernOrmHeader(w)];
    case 'modern-core':
      return [...head, '', ...modernCoreHeader(w)];
    case 'mixed': {
      const core = legacyCoreHeader(w);
      const models = `from .models import ${w.entities.map((e) => e.cls).join(', ')}`;
      const extra = orm === 'legacy'
        ? ['from sqlalchemy.orm import sessionmaker', 'from sqlalchemy.ext.declarative import declarative_base', '', models, 'from .database import SessionLocal']
        : ['from sqlalchemy.orm import Session, sessionmaker', '', models];
      const tail = orm === 'legacy' ? [] : ['', 'SessionFactory = sessionmaker(engine)'];
      return [...head, '', ...core.slice(0, 4), ...extra, ...core.slice(4), ...tail];
    }
    case 'plain':
      return head;
    case 'plain-dbapi':
      return [...head, 'import select', 'import sqlite3'];
  }
}

/** One module of about `targetLines` lines (it stops at the first block boundary past the target). */
export function generateModule(rng: Rng, profile: Profile, targetLines: number): string {
  const w = new ModuleWriter(rng, rng.sample(ENTITIES, rng.int(2, 4)), rng.pick(AREAS));
  const orm = rng.chance(0.6) ? 'legacy' : 'modern';
  w.add(headerFor(w, profile, orm));
  const menu = blocksFor(w, profile, orm);
  while (w.lineCount < targetLines) w.add(rng.weighted(menu)());
  return w.text();
}

export interface CorpusFile {
  relativePath: string;
  text: string;
}

/** Files until `totalLines` is reached; each between `minLines` and `maxLines` long (roughly). */
export function generateCorpus(seed: string, totalLines = 500_000, minLines = 200, maxLines = 800): CorpusFile[] {
  const rng = new Rng(seed);
  const files: CorpusFile[] = [];
  let lines = 0;
  const packages = ['app', 'app/api', 'app/services', 'app/models', 'app/jobs', 'lib', 'lib/util', 'scripts', 'legacy', 'reports'];
  while (lines < totalLines) {
    const profile = rng.weighted(PROFILES);
    const text = generateModule(rng, profile, rng.int(minLines, maxLines));
    const dir = rng.pick(packages);
    files.push({ relativePath: `${dir}/${profile.replace(/-/g, '_')}_${String(files.length).padStart(4, '0')}.py`, text });
    lines += text.split('\n').length - 1;
  }
  return files;
}

/**
 * A single module of exactly `lineCount` lines mixing legacy Core and ORM, 2.0 code and plain
 * Python: the document edited in the language-server latency measurement.
 */
export function generateEditModule(seed: string, lineCount = 5000): string {
  const rng = new Rng(seed);
  const w = new ModuleWriter(rng, rng.sample(ENTITIES, 4), 'editing');
  w.add(headerFor(w, 'mixed', 'legacy'));
  const menu: Array<readonly [Block, number]> = [
    ...plainBlocks(w).map((b) => [b, 1] as const),
    ...legacyCoreBlocks(w).map((b) => [b, 0.6] as const),
    ...modernCoreBlocks(w).map((b) => [b, 0.5] as const),
    ...legacyOrmBlocks(w).map((b) => [b, 0.6] as const),
  ];
  while (w.lineCount < lineCount - 40) w.add(rng.weighted(menu)());
  const lines = w.text().split('\n');
  lines.pop();
  while (lines.length < lineCount) lines.push(lines.length % 7 === 0 ? '' : `# padding line ${lines.length + 1}: kept so that the module has a fixed length`);
  return `${lines.slice(0, lineCount).join('\n')}\n`;
}
