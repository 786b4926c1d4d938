import type { Node } from '../parse/parser';
import type { Fix, Rule, TextEdit } from './types';
import type { ModuleModel } from '../semantics/model';
import { StatementFacts } from '../semantics/statementFacts';

/** Names that `sqlalchemy.ext.declarative` re-exports from `sqlalchemy.orm`, deprecated there in 1.4. */
const MOVED_TO_ORM = new Set(['declarative_base', 'declared_attr', 'as_declarative', 'has_inherited_table', 'synonym_for']);

/**
 * SQA301 declarative-import: the declarative API is imported from `sqlalchemy.orm`.
 */
export const declarativeImport: Rule = {
  code: 'SQA301',
  id: 'declarative-import',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'declarative-becomes-a-first-class-api', title: 'Declarative becomes a first class API' },
  docs: {
    summary: 'declarative API imported from `sqlalchemy.ext.declarative`',
    what: 'Flags imports of `declarative_base`, `declared_attr`, `as_declarative`, `has_inherited_table` and `synonym_for` from `sqlalchemy.ext.declarative`, and uses of them through that module.',
    why: 'Declarative became part of the ORM proper in 1.4. The old module keeps only aliases that raise `MovedIn20Warning` and are removed in 2.0.',
    example: 'from sqlalchemy.ext.declarative import declarative_base\n\nBase = declarative_base()',
    useInstead: 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()',
    fixSafety: 'Safe: the same functions, imported from their new home. When the statement also imports names that stay in `sqlalchemy.ext.declarative` (such as `ConcreteBase` or `DeferredReflection`), the moved names get a `from sqlalchemy.orm import ...` line of their own. Uses through the module (`sqlalchemy.ext.declarative.declarative_base`) are flagged without a fix.',
  },
  check(context) {
    const { model } = context;
    const message = (name: string) => `\`${name}\` moved to sqlalchemy.orm; the sqlalchemy.ext.declarative alias is removed in 2.0`;
    /** The import fix by the start of each moved name. */
    const importFixes = new Map<number, Fix | undefined>();
    // All of them, not only the checked ones: a use elsewhere takes its fix from the import.
    for (const i of model.candidateUnits(['declarative'])) {
      if (!model.unitSpells(i, ['declarative'])) continue;
      const base = model.unitSpan(i).start;
      const found = model.isUnitChecked(i) ? movedImportsIn(model, i) : undefined;
      for (const { node, name, fix } of found ?? []) context.report(node, message(name), fix);
      for (const { start, edits } of statementMovedImports.of(model, i, () => movedImportFacts(found ?? movedImportsIn(model, i), base))) {
        importFixes.set(start + base, edits && importFix(edits.map((edit) => ({ start: edit.start + base, end: edit.end + base, newText: edit.newText }))));
      }
    }
    // The call is where 1.4 warns: `declarative_base()` through the old import, or `sqlalchemy.ext.declarative.declarative_base()`.
    for (const call of model.checkedNodes('call')) {
      const fn = call.childForFieldName('function');
      const qualified = fn ? model.qualifiedName(fn) : undefined;
      if (!fn || !qualified?.startsWith('sqlalchemy.ext.declarative.')) continue;
      const name = qualified.slice('sqlalchemy.ext.declarative.'.length);
      if (!MOVED_TO_ORM.has(name)) continue;
      const binding = fn.type === 'identifier' ? model.lookup(fn.text, fn)?.[0] : undefined;
      const importNode = binding?.target.parent?.type === 'aliased_import' ? binding.target.parent : binding?.target;
      context.report(call, message(name), importNode ? importFixes.get(importNode.startIndex) : undefined);
    }
  },
};

/** A moved name imported from the old module, and the fix of its import statement. */
interface MovedImport {
  node: Node;
  name: string;
  fix: Fix | undefined;
}

/** The same as plain data: where the name starts and the fix's edits, relative to the top-level statement. */
interface MovedImportFact {
  start: number;
  edits: TextEdit[] | undefined;
}

/** Depends on the statement's text alone: statements not checked keep an earlier analysis's facts. */
const statementMovedImports = new StatementFacts<MovedImportFact[]>();

function importFix(edits: TextEdit[]): Fix {
  return { title: 'Import from sqlalchemy.orm', safety: 'safe', edits };
}

function movedImportsIn(model: ModuleModel, i: number): MovedImport[] {
  const found: MovedImport[] = [];
  for (const stmt of model.unitNodes(i, 'import_from_statement')) {
    const moduleNode = stmt.childForFieldName('module_name');
    if (moduleNode?.text.replace(/\s+/g, '') !== 'sqlalchemy.ext.declarative') continue;
    // `except ImportError:` fallbacks serve SQLAlchemy before 1.4; 1.4 and 2.0 never reach them.
    if (isImportErrorFallback(stmt)) continue;
    const names = stmt.childrenForFieldName('name').filter((n): n is Node => !!n);
    const moved = names.filter((n) => MOVED_TO_ORM.has(importedName(n)));
    if (moved.length === 0) continue;
    const fixEdits = importFixEdits(model.text, stmt, moduleNode, names, moved);
    const fix = fixEdits && importFix(fixEdits);
    for (const name of moved) found.push({ node: name, name: importedName(name), fix });
  }
  return found;
}

function movedImportFacts(found: MovedImport[], base: number): MovedImportFact[] {
  return found.map(({ node, fix }) => ({ start: node.startIndex - base, edits: fix?.edits.map((edit) => ({ start: edit.start - base, end: edit.end - base, newText: edit.newText })) }));
}

function isImportErrorFallback(stmt: Node): boolean {
  for (let p = stmt.parent; p; p = p.parent) {
    if (p.type !== 'except_clause') continue;
    const caught = p.childForFieldName('value');
    if (caught && /\b(ImportError|ModuleNotFoundError)\b/.test(caught.text)) return true;
  }
  return false;
}

function importedName(n: Node): string {
  return (n.type === 'aliased_import' ? n.childForFieldName('name')?.text : n.text) ?? '';
}

function importFixEdits(text: string, stmt: Node, moduleNode: Node, names: Node[], moved: Node[]): TextEdit[] | undefined {
  if (moved.length === names.length) return [{ start: moduleNode.startIndex, end: moduleNode.endIndex, newText: 'sqlalchemy.orm' }];
  // Split: the moved names leave this statement for a new line right after it, same indentation.
  const lineStart = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const indent = text.slice(lineStart, stmt.startIndex);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  const kept = names.filter((n) => !moved.includes(n)).map((n) => n.text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const rewritten = `from ${moduleNode.text} import ${kept.join(', ')}${eol}${indent}from sqlalchemy.orm import ${moved.map((n) => n.text).join(', ')}`;
  return [{ start: stmt.startIndex, end: stmt.endIndex, newText: rewritten }];
}
