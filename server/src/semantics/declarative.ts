import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';
import {
  ANNOTATION_TYPES, BACKREF_FUNCTIONS, COLUMN_FUNCTIONS, FLASK_ORM_NAMES, FOREIGN_KEY_FUNCTIONS, MAPPED_COLUMN_FUNCTIONS, RELATIONSHIP_FUNCTIONS,
  type PythonType,
} from './declarativeNames';

/** Answers whether a module-level name holds a Flask-SQLAlchemy `db` object. */
export type FlaskDbTest = (name: string) => boolean;

/**
 * The SQLAlchemy name an expression stands for: through imports (`sa.Column` is `sqlalchemy.Column`),
 * or through a Flask-SQLAlchemy object (`db.Column`, `db.relationship`).
 */
export function sqlalchemyNameOf(model: ModuleModel, node: Node, isFlaskDb: FlaskDbTest): string | undefined {
  const qualified = model.qualifiedName(node);
  if (qualified?.startsWith('sqlalchemy.')) return qualified;
  if (node.type !== 'attribute') return undefined;
  const object = node.childForFieldName('object');
  const name = node.childForFieldName('attribute')?.text;
  if (object?.type !== 'identifier' || !name || !isFlaskDb(object.text)) return undefined;
  return FLASK_ORM_NAMES.has(name) ? `sqlalchemy.orm.${name}` : `sqlalchemy.${name}`;
}

/** The Flask `db` name an expression goes through (`db` for `db.Column`), if any. */
export function flaskHeadOf(model: ModuleModel, node: Node): string | undefined {
  if (node.type !== 'attribute' || model.qualifiedName(node)?.startsWith('sqlalchemy.')) return undefined;
  const object = node.childForFieldName('object');
  return object?.type === 'identifier' ? object.text : undefined;
}

/** The text of a plain string literal (no f-string, no implicit concatenation), else undefined. */
export function stringValue(node: Node | undefined): string | undefined {
  // The prefix test leaves out f-strings (and byte strings), so no interpolation can be inside.
  if (node?.type !== 'string') return undefined;
  const match = /^[rRuU]?("""|'''|"|')([\s\S]*)\1$/.exec(node.text);
  return match && !match[2].includes('\\') ? match[2] : undefined;
}

export function boolValue(node: Node | undefined): boolean | undefined {
  if (node?.type === 'true') return true;
  if (node?.type === 'false') return false;
  return undefined;
}

/** One `name = value` or `name: annotation = value` directly in a class body. */
export interface ClassAssignment {
  statement: Node;
  assignment: Node;
  name: Node;
  annotation?: Node;
  value?: Node;
}

export function classBody(cls: Node): Node | undefined {
  const body = cls.childForFieldName('body');
  return body?.type === 'block' ? body : undefined;
}

export function classAssignments(cls: Node): ClassAssignment[] {
  const result: ClassAssignment[] = [];
  for (const statement of classBody(cls)?.namedChildren ?? []) {
    if (statement?.type !== 'expression_statement') continue;
    const assignment = statement.namedChildren[0];
    if (assignment?.type !== 'assignment') continue;
    const name = assignment.childForFieldName('left');
    if (name?.type !== 'identifier') continue;
    const annotation = assignment.childForFieldName('type') ?? undefined;
    const value = assignment.childForFieldName('right') ?? undefined;
    result.push({ statement, assignment, name, annotation, value });
  }
  return result;
}

/** Methods defined directly in a class body, decorated or not. */
export function classMethods(cls: Node): Node[] {
  const result: Node[] = [];
  for (const statement of classBody(cls)?.namedChildren ?? []) {
    const definition = statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (definition?.type === 'function_definition') result.push(definition);
  }
  return result;
}

/** The keyword arguments of a call, by name. */
export function keywordsOf(call: Node): Map<string, Node> {
  const result = new Map<string, Node>();
  for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (arg?.type !== 'keyword_argument') continue;
    const name = arg.childForFieldName('name')?.text;
    if (name) result.set(name, arg);
  }
  return result;
}

export function keywordValueOf(call: Node, name: string): Node | undefined {
  return keywordsOf(call).get(name)?.childForFieldName('value') ?? undefined;
}

export function positionalArgs(call: Node): Node[] {
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  return args.filter((a): a is Node => !!a && a.type !== 'keyword_argument' && a.type !== 'comment' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
}

export function hasSplats(call: Node): boolean {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a?.type === 'list_splat' || a?.type === 'dictionary_splat');
}

export function isColumnCall(model: ModuleModel, node: Node | undefined, isFlaskDb: FlaskDbTest): boolean {
  if (node?.type !== 'call') return false;
  const fn = node.childForFieldName('function');
  return !!fn && COLUMN_FUNCTIONS.has(sqlalchemyNameOf(model, fn, isFlaskDb) ?? '');
}

/** `mapped_column(...)`: a column declared 2.0 style already. */
export function isMappedColumnCall(model: ModuleModel, node: Node, isFlaskDb: FlaskDbTest): boolean {
  if (node.type !== 'call') return false;
  const fn = node.childForFieldName('function');
  return !!fn && MAPPED_COLUMN_FUNCTIONS.has(sqlalchemyNameOf(model, fn, isFlaskDb) ?? '');
}

/** `Mapped[Optional[int]]` → int, optional; undefined when the annotation says something else. */
export function mappedAnnotationType(annotation: Node): { type?: PythonType; optional: boolean } | undefined {
  const text = annotation.text.replace(/\s+/g, '');
  const match = /^(?:\w+\.)*Mapped\[(.*)\]$/.exec(text);
  if (!match) return undefined;
  let inner = match[1];
  const optional = /^(?:\w+\.)*Optional\[(.*)\]$/.exec(inner) ?? /^(.*)\|None$/.exec(inner) ?? /^None\|(.*)$/.exec(inner);
  if (optional) inner = optional[1];
  return { type: ANNOTATION_TYPES.get(inner), optional: !!optional };
}

export function isRelationshipCall(model: ModuleModel, node: Node | undefined, isFlaskDb: FlaskDbTest): boolean {
  if (node?.type !== 'call') return false;
  const fn = node.childForFieldName('function');
  return !!fn && RELATIONSHIP_FUNCTIONS.has(sqlalchemyNameOf(model, fn, isFlaskDb) ?? '');
}

export function isBackrefCall(model: ModuleModel, node: Node | undefined, isFlaskDb: FlaskDbTest): boolean {
  if (node?.type !== 'call') return false;
  const fn = node.childForFieldName('function');
  return !!fn && BACKREF_FUNCTIONS.has(sqlalchemyNameOf(model, fn, isFlaskDb) ?? '');
}

/** What a `Column(...)` call says about its column. */
export interface ColumnFacts {
  columnName?: string;
  /** The SQL type argument as written: `Integer`, `String(50)`. */
  typeNode?: Node;
  /** The SQL type's class name when it is SQLAlchemy's: `Integer`, `String`. */
  typeName?: string;
  /** `Enum(Status)`: the Python enum class as written. */
  enumClass?: string;
  /** `Numeric(asdecimal=False)` and `Float(asdecimal=True)` swap their Python type. */
  asDecimal?: boolean;
  nullable?: boolean;
  primaryKey: boolean;
  /** `ForeignKey("users.id")`: `users.id`. */
  foreignKey?: string;
}

export function columnFacts(model: ModuleModel, call: Node, isFlaskDb: FlaskDbTest): ColumnFacts {
  const keywords = keywordsOf(call);
  const facts: ColumnFacts = { primaryKey: boolValue(keywords.get('primary_key')?.childForFieldName('value') ?? undefined) === true };
  const nullable = boolValue(keywords.get('nullable')?.childForFieldName('value') ?? undefined);
  if (nullable !== undefined) facts.nullable = nullable;
  const args = positionalArgs(call);
  const first = stringValue(args[0]);
  if (first !== undefined) facts.columnName = first;
  for (const arg of args) {
    if (arg.type === 'string') continue;
    const callee = arg.type === 'call' ? arg.childForFieldName('function') : arg;
    const name = callee ? sqlalchemyNameOf(model, callee, isFlaskDb) : undefined;
    if (name && FOREIGN_KEY_FUNCTIONS.has(name) && arg.type === 'call') {
      facts.foreignKey ??= stringValue(positionalArgs(arg)[0]);
      continue;
    }
    if (facts.typeNode || !['identifier', 'attribute', 'call'].includes(arg.type)) continue;
    const typeName = name?.split('.').pop();
    // Sequence, Computed, Identity and constraints are column arguments too, but not its type.
    if (typeName && NOT_TYPES.has(typeName)) continue;
    facts.typeNode = arg;
    facts.typeName = typeName;
    if (arg.type === 'call' && typeName === 'Enum') {
      const enumArg = positionalArgs(arg)[0];
      if (enumArg && (enumArg.type === 'identifier' || enumArg.type === 'attribute') && positionalArgs(arg).length === 1) facts.enumClass = enumArg.text;
    }
    if (arg.type === 'call') {
      const asDecimal = boolValue(keywordValueOf(arg, 'asdecimal'));
      if (asDecimal !== undefined) facts.asDecimal = asDecimal;
    }
  }
  return facts;
}

const NOT_TYPES = new Set(['Sequence', 'Computed', 'Identity', 'CheckConstraint', 'UniqueConstraint', 'Index', 'DefaultClause', 'FetchedValue', 'ForeignKey']);

/** Whether a column accepts NULL as its table is created: `nullable=` when given, else not when it is a primary key. */
export function columnIsNullable(facts: ColumnFacts): boolean {
  return facts.nullable ?? !facts.primaryKey;
}

/** What a `relationship(...)` call says about its relationship. */
export interface RelationshipFacts {
  /** The target class as written: `Address` for `relationship("Address")` or `relationship(Address)`. */
  target?: string;
  targetIsString: boolean;
  backref?: string;
  /** The `backref=` keyword argument itself. */
  backrefArgument?: Node;
  backPopulates?: string;
  uselist?: boolean;
  lazy?: string;
  secondary?: Node;
  /** primaryjoin, secondaryjoin, foreign_keys or remote_side: a join the foreign keys alone do not tell. */
  customJoin: boolean;
  remoteSide: boolean;
  collectionClass?: Node;
}

export function relationshipFacts(model: ModuleModel, call: Node, isFlaskDb: FlaskDbTest): RelationshipFacts {
  const keywords = keywordsOf(call);
  const value = (name: string) => keywords.get(name)?.childForFieldName('value') ?? undefined;
  const facts: RelationshipFacts = {
    targetIsString: false,
    customJoin: ['primaryjoin', 'secondaryjoin', 'foreign_keys', 'remote_side'].some((k) => keywords.has(k)),
    remoteSide: keywords.has('remote_side'),
  };
  const targetNode = positionalArgs(call)[0] ?? value('argument');
  const targetString = stringValue(targetNode);
  if (targetString !== undefined && /^[A-Za-z_][\w.]*$/.test(targetString)) {
    facts.target = targetString;
    facts.targetIsString = true;
  } else if (targetNode?.type === 'identifier') facts.target = targetNode.text;
  const backref = value('backref');
  if (backref) {
    facts.backrefArgument = keywords.get('backref');
    facts.backref = stringValue(backref) ?? (isBackrefCall(model, backref, isFlaskDb) ? stringValue(positionalArgs(backref)[0]) : undefined);
  }
  facts.backPopulates = stringValue(value('back_populates'));
  facts.uselist = boolValue(value('uselist'));
  facts.lazy = stringValue(value('lazy'));
  facts.secondary = value('secondary');
  facts.collectionClass = value('collection_class');
  return facts;
}
