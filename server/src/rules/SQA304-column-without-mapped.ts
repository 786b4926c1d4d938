import type { Fix, Rule, TextEdit } from './types';
import type { ModuleModel } from '../semantics/model';
import { columnFacts, isColumnCall, type ClassAssignment, type FlaskDbTest } from '../semantics/declarative';
import { DEFAULT_SQL_TYPE_OF, pythonTypeKey } from '../semantics/declarativeNames';
import type { ClassRef, ProjectView } from '../semantics/projectView';
import { flaskTestOf, imported, ormClassSites, pythonTypeText, viewOf } from './declarativeHelpers';
import { removeArgumentEdit } from './helpers';

/**
 * SQA304 column-without-mapped: `x = Column(Integer)` becomes `x: Mapped[int] = mapped_column()`.
 */
export const columnWithoutMapped: Rule = {
  code: 'SQA304',
  id: 'column-without-mapped',
  tier: 'typing',
  fixable: 'review',
  onlyForTarget: '2.0',
  guide: { anchor: 'migration-20-step-six', title: 'Migration to 2.0 Step Six - Add __allow_unmapped__ to explicitly typed ORM models' },
  docs: {
    summary: '`Column()` attribute of a mapped class without a `Mapped[...]` annotation',
    what: 'Flags class attributes `x = Column(...)` of mapped classes, their declarative bases and the mixins they use, when the target version is 2.0. Classes that are not mapped, and columns of a `Table(...)`, are left alone.',
    why: '2.0 declares columns as `x: Mapped[int] = mapped_column(...)`. The annotation gives type checkers and editors the attribute\'s Python type without a plugin, and it carries the nullability: `Mapped[Optional[int]]` is a NULL-able column, `Mapped[int]` a NOT NULL one.',
    example: 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    name = Column(String(50))',
    useInstead: 'from typing import Optional\nfrom sqlalchemy.orm import Mapped, declarative_base, mapped_column\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    name: Mapped[Optional[str]] = mapped_column(String(50))',
    fixSafety: 'Needs review, and offered only for target version 2.0: `mapped_column` does not exist in 1.4, so there is no 1.4 run to check the result against. The Python type follows the SQL type (Integer → int, String/Text → str, Boolean → bool, DateTime → datetime.datetime, Date → datetime.date, Numeric → decimal.Decimal, Float → float, LargeBinary → bytes, JSON → Any, Enum(PyEnum) → PyEnum), or, for a bare `ForeignKey`, the type of the column it points at, found through the project\'s models. A column that accepts NULL today (no `nullable=False`, not a primary key) gets `Optional[...]`, so the table is created as before. A bare SQL type that 2.0 derives from the annotation alone (`Integer`, `String`, ...) is dropped; one with a length or options is kept. A column whose type is unknown (a custom type, a foreign key to an unknown table) is flagged without a fix.',
  },
  check(context) {
    const { model } = context;
    // Findings lie in class bodies: without a checked class there is nothing to index.
    if (context.model.checkedNodes('class_definition').length === 0) return;
    const view = viewOf(context);
    const isFlaskDb = flaskTestOf(view);
    for (const site of ormClassSites(model, view)) {
      for (const assignment of site.assignments) {
        if (assignment.annotation || !assignment.value || !isColumnCall(model, assignment.value, isFlaskDb)) continue;
        const message = `\`${assignment.name.text} = Column(...)\` has no type for checkers; 2.0 style is \`${assignment.name.text}: Mapped[...] = mapped_column(...)\``;
        context.report(assignment.assignment, message, mappedColumnFix(model, view, site.ref, assignment, isFlaskDb));
      }
    }
  },
};

function mappedColumnFix(model: ModuleModel, view: ProjectView, owner: ClassRef, assignment: ClassAssignment, isFlaskDb: FlaskDbTest): Fix | undefined {
  const call = assignment.value!;
  const fn = call.childForFieldName('function')!;
  const owned = view.columns(owner).find((c) => c.owner.cls === owner.cls && c.column.attribute === assignment.name.text);
  const type = owned && view.columnPythonType(owned);
  if (!owned || !type) return undefined;
  const typeText = pythonTypeText(model, type, call);
  const mapped = imported(model, 'sqlalchemy.orm', 'Mapped', call);
  const mappedColumn = imported(model, 'sqlalchemy.orm', 'mapped_column', call);
  const optional = owned.column.nullable ? imported(model, 'typing', 'Optional', call) : undefined;
  if (!typeText || !mapped || !mappedColumn || (owned.column.nullable && !optional)) return undefined;
  const inner = optional ? `${optional.text}[${typeText.text}]` : typeText.text;
  const edits: TextEdit[] = [
    ...typeText.edits, ...mapped.edits, ...mappedColumn.edits, ...(optional?.edits ?? []),
    { start: assignment.name.endIndex, end: assignment.name.endIndex, newText: `: ${mapped.text}[${inner}]` },
    { start: fn.startIndex, end: fn.endIndex, newText: mappedColumn.text },
  ];
  // `Integer` adds nothing to `Mapped[int]`; `String(50)` or `Text` does, and stays.
  const typeArgument = columnFacts(model, call, isFlaskDb).typeNode;
  if (typeArgument && owned.column.typeIsBare && DEFAULT_SQL_TYPE_OF.get(pythonTypeKey(type)) === owned.column.typeName) {
    edits.push(removeArgumentEdit(model, call.childForFieldName('arguments')!, typeArgument));
  }
  return { title: `Annotate as Mapped[${inner}] with mapped_column()`, safety: 'review', edits };
}
