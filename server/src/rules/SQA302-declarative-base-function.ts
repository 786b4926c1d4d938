import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { DECLARATIVE_BASE_FACTORIES } from '../semantics/declarativeNames';
import { hasSplats, keywordsOf, positionalArgs } from '../semantics/declarative';
import { imported, topLevelStatement } from './declarativeHelpers';
import { addedIndentUnit } from '../fix/indentation';

/** `declarative_base()` arguments that have a place on a `DeclarativeBase` subclass. */
const MOVABLE_ARGUMENTS = new Set(['metadata', 'cls']);

/**
 * SQA302 declarative-base-function: `Base = declarative_base()` becomes `class Base(DeclarativeBase)`.
 */
export const declarativeBaseFunction: Rule = {
  code: 'SQA302',
  id: 'declarative-base-function',
  tier: 'typing',
  fixable: 'review',
  onlyForTarget: '2.0',
  guide: { anchor: 'migration-20-step-six', title: 'Migration to 2.0 Step Six - Add __allow_unmapped__ to explicitly typed ORM models' },
  docs: {
    summary: 'declarative base made by the `declarative_base()` function',
    what: 'Flags `Base = declarative_base(...)` when the target version is 2.0. With the default target (code that must still run on 1.4) `sqlalchemy.orm.declarative_base()` is the right spelling and is left alone.',
    why: 'In 2.0 the base of a typed model is a class: `class Base(DeclarativeBase)`. Type checkers understand it without a plugin, and it is where `Mapped[...]` annotations, `type_annotation_map` and dataclass mapping hook in. The function still works, but models built on it stay untyped.',
    example: 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()',
    useInstead: 'from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass',
    fixSafety: 'Needs review, and offered only for target version 2.0, as `DeclarativeBase` does not exist in 1.4; there is no 1.4 run to check it against. A subclass of `DeclarativeBase` reads annotations on mapped classes, so annotations without `Mapped[...]` must be fixed first (SQA306). `metadata=` becomes a `metadata` class attribute and `cls=` a further base class; a call with any other argument (`name=`, `class_registry=`, `constructor=`, `metaclass=`, a bind) is flagged without a fix.',
  },
  check(context) {
    const { model } = context;
    for (const call of model.checkedNodes('call')) {
      const fn = call.childForFieldName('function');
      if (!fn || !DECLARATIVE_BASE_FACTORIES.has(model.qualifiedName(fn) ?? '')) continue;
      const assignment = call.parent;
      if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== call.id) continue;
      const left = assignment.childForFieldName('left');
      const name = left?.type === 'identifier' ? left.text : 'Base';
      const message = `\`declarative_base()\` makes an untyped base; 2.0 style is \`class ${name}(DeclarativeBase)\``;
      context.report(assignment, message, baseClassFix(model, assignment, call));
    }
  },
};

function baseClassFix(model: ModuleModel, assignment: Node, call: Node): Fix | undefined {
  const target = assignment.childForFieldName('left');
  const statement = assignment.parent;
  // Only `Base = declarative_base(...)` as a statement of its own at module level.
  if (target?.type !== 'identifier' || assignment.childForFieldName('type') || statement?.type !== 'expression_statement') return undefined;
  if (statement.parent?.type !== 'module' || topLevelStatement(assignment)?.id !== statement.id) return undefined;
  if (positionalArgs(call).length > 0 || hasSplats(call)) return undefined;
  const keywords = keywordsOf(call);
  if ([...keywords.keys()].some((k) => !MOVABLE_ARGUMENTS.has(k))) return undefined;
  const base = imported(model, 'sqlalchemy.orm', 'DeclarativeBase', call);
  if (!base) return undefined;
  const mixin = keywords.get('cls')?.childForFieldName('value');
  const metadata = keywords.get('metadata')?.childForFieldName('value');
  if (mixin && mixin.type !== 'identifier' && mixin.type !== 'attribute') return undefined;
  const eol = model.text.includes('\r\n') ? '\r\n' : '\n';
  // The class body is one level below the module's statements.
  const indent = addedIndentUnit(model, '');
  const bases = mixin ? `${model.textOf(mixin)}, ${base.text}` : base.text;
  const body = metadata ? `metadata = ${model.textOf(metadata)}` : 'pass';
  if (metadata && metadata.startPosition.row !== metadata.endPosition.row) return undefined;
  const newText = `class ${target.text}(${bases}):${eol}${indent}${body}`;
  return {
    title: `Make ${target.text} a DeclarativeBase subclass`,
    safety: 'review',
    edits: [...base.edits, { start: statement.startIndex, end: statement.endIndex, newText }],
  };
}
