import type { Rule } from './types';
import { isColumnCall, isRelationshipCall } from '../semantics/declarative';
import { flaskTestOf, imported, isMappedAnnotation, ormClassSites, viewOf } from './declarativeHelpers';

/**
 * SQA306 annotation-without-mapped: `bars: List["Bar"] = relationship(...)` becomes
 * `bars: Mapped[List["Bar"]] = relationship(...)`.
 */
export const annotationWithoutMapped: Rule = {
  code: 'SQA306',
  id: 'annotation-without-mapped',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'migration-20-step-six', title: 'Migration to 2.0 Step Six - Add __allow_unmapped__ to explicitly typed ORM models' },
  docs: {
    summary: 'mapped attribute annotated without `Mapped[...]`',
    what: 'Flags annotated class attributes of mapped classes (and their bases and mixins) whose value is `Column(...)` or `relationship(...)` and whose annotation is a plain type, as the 1.4 mypy plugin style writes them: `id: int = Column(...)`, `bars: List["Bar"] = relationship(...)`.',
    why: '2.0\'s declarative reads annotations at class creation and expects them to use `Mapped[...]`. A `relationship()` annotated otherwise raises an error when the class is created; a `Column()` one is skipped as legacy, but type checkers without the plugin read the attribute as a plain `int`.',
    example: 'from typing import List\nfrom sqlalchemy import ForeignKey\nfrom sqlalchemy.orm import declarative_base, relationship\n\nBase = declarative_base()\n\n\nclass Foo(Base):\n    __tablename__ = "foo"\n    id: int = Column(Integer, primary_key=True)\n    bars: List["Bar"] = relationship("Bar")\n\n\nclass Bar(Base):\n    __tablename__ = "bar"\n    id = Column(Integer, primary_key=True)\n    foo_id = Column(ForeignKey("foo.id"))',
    useInstead: 'from typing import List\nfrom sqlalchemy import ForeignKey\nfrom sqlalchemy.orm import Mapped, declarative_base, relationship\n\nBase = declarative_base()\n\n\nclass Foo(Base):\n    __tablename__ = "foo"\n    id: Mapped[int] = Column(Integer, primary_key=True)\n    bars: Mapped[List["Bar"]] = relationship("Bar")\n\n\nclass Bar(Base):\n    __tablename__ = "bar"\n    id = Column(Integer, primary_key=True)\n    foo_id = Column(ForeignKey("foo.id"))',
    fixSafety: 'Safe: the annotation is wrapped in `Mapped[...]`, which 1.4 already provides (`from sqlalchemy.orm import Mapped`) and ignores at run time, and which 2.0 reads as intended; checked on 1.4 by a runtime test. As a stop-gap that leaves the annotations alone, `__allow_unmapped__ = True` on the base class makes 2.0 skip them; that is a manual choice, not offered as a fix.',
  },
  check(context) {
    const { model } = context;
    // Findings are annotated assignments with a value in class bodies: without one there is nothing to index.
    const annotatedInClass = model.checkedNodes('assignment').some(
      (a) => a.parent?.parent?.parent?.type === 'class_definition' && !!a.childForFieldName('type') && !!a.childForFieldName('right'),
    );
    if (!annotatedInClass) return;
    const view = viewOf(context);
    const isFlaskDb = flaskTestOf(view);
    for (const site of ormClassSites(model, view)) {
      for (const { annotation, value, name } of site.assignments) {
        if (!annotation || !value || isMappedAnnotation(model, annotation)) continue;
        const relationship = isRelationshipCall(model, value, isFlaskDb);
        if (!relationship && !isColumnCall(model, value, isFlaskDb)) continue;
        const message = relationship
          ? `\`${name.text}: ${annotation.text}\` is not \`Mapped[...]\`: 2.0 raises when it creates the class`
          : `\`${name.text}: ${annotation.text}\` is not \`Mapped[...]\`: 2.0 ignores it and type checkers misread the attribute`;
        const mapped = imported(model, 'sqlalchemy.orm', 'Mapped', value);
        const fix = mapped && {
          title: `Wrap the annotation in ${mapped.text}[...]`,
          safety: 'safe' as const,
          edits: [
            ...mapped.edits,
            { start: annotation.startIndex, end: annotation.startIndex, newText: `${mapped.text}[` },
            { start: annotation.endIndex, end: annotation.endIndex, newText: ']' },
          ],
        };
        context.report(annotation, message, fix);
      }
    }
  },
};
