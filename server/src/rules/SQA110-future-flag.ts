import type { Node } from '../parse/parser';
import type { Fix, Rule, TextEdit } from './types';
import type { ModuleModel } from '../semantics/model';
import { callParts, keywordName, keywordValue, removeArgumentEdit } from './helpers';
import { ENGINE_FACTORIES, SESSION_CLASSES, SESSIONMAKERS } from '../semantics/names';

/** `sqlalchemy.future` names that are the very same objects as their `sqlalchemy` twins when used 2.0-style. */
const SAME_AS_PLAIN = new Set(['select']);
/** With 2.0 as the only target, every name of the package is its `sqlalchemy` twin. */
const SAME_IN_20 = new Set(['select', 'create_engine', 'Engine', 'Connection']);

/**
 * SQA110 future-flag: `future=` flags and imports from `sqlalchemy.future`.
 */
export const futureFlag: Rule = {
  code: 'SQA110',
  id: 'future-flag',
  tier: 'legacy',
  fixable: 'safe',
  guide: { anchor: 'migration-to-2-0-step-four-use-the-future-flag-on-engine', title: 'Migration to 2.0 Step Four - Use the future flag on Engine' },
  docs: {
    summary: 'the transitional `future` flag, or an import from `sqlalchemy.future`',
    what: 'Flags `future=` on `create_engine()`, `Session()` and `sessionmaker()`, and imports from `sqlalchemy.future` (`select`, `create_engine`, `Engine`, `Connection`).',
    why: 'The `future` flag and the `sqlalchemy.future` package let 1.4 code opt into 2.0 behaviour. In 2.0 that behaviour is the only one: `future=True` and the package are leftovers, and `future=False` raises an error.',
    example: 'from sqlalchemy.future import select\n\nlegacy = create_engine("sqlite://", future=False)',
    useInstead: 'from sqlalchemy import select\n\nlegacy = create_engine("sqlite://")',
    fixSafety: 'Safe for `from sqlalchemy.future import select`: 1.4\'s `sqlalchemy.select` builds the same statement whenever it is called 2.0-style, which the future `select` requires. On 1.4, `future=True` and `sqlalchemy.future.create_engine` (and its `Engine` and `Connection`) are what give the 2.0 behaviour, so they are fixed only when the target is 2.0: the flag is dropped and the names are imported from `sqlalchemy`, safe there as 2.0 has nothing else. `future=False` is never fixed: that code must first be made to work with the 2.0 API.',
  },
  check(context) {
    const { model } = context;
    const only20 = context.targetVersion === '2.0';
    for (const call of model.checkedNodes('call')) {
      const parts = callParts(call);
      const qualified = parts && model.qualifiedName(parts.fn);
      if (!parts || !qualified || !(ENGINE_FACTORIES.has(qualified) || SESSION_CLASSES.has(qualified) || SESSIONMAKERS.has(qualified))) continue;
      const flag = parts.keywords.find((k) => keywordName(k) === 'future');
      if (!flag) continue;
      const value = keywordValue(flag);
      if (value?.type === 'false') {
        context.report(flag, 'future=False is an error in 2.0, which only has the future API; migrate the code that relies on the 1.x behaviour');
        continue;
      }
      const fix = only20 && value?.type === 'true' ? { title: 'Remove future=True', safety: 'safe' as const, edits: [removeArgumentEdit(model, parts.argumentList, flag)] } : undefined;
      const when = only20 ? 'remove the flag' : 'drop the flag once the code no longer needs to run on 1.4';
      context.report(flag, `future=True is the only behaviour in 2.0; ${when}`, fix);
    }
    for (const stmt of model.checkedNodes('import_from_statement')) {
      const moduleNode = stmt.childForFieldName('module_name');
      if (moduleNode?.text.replace(/\s+/g, '') !== 'sqlalchemy.future') continue;
      const names = stmt.childrenForFieldName('name').filter((n): n is Node => !!n);
      const same = only20 ? SAME_IN_20 : SAME_AS_PLAIN;
      const plain = names.filter((n) => same.has(importedName(n)));
      const fix = plain.length > 0 ? importFix(model, stmt, moduleNode, names, plain) : undefined;
      for (const name of names) {
        if (plain.includes(name)) {
          context.report(name, `Import \`${importedName(name)}\` from sqlalchemy; sqlalchemy.future is a 1.4 transition package`, fix);
          continue;
        }
        // Under the 1.4-compatible target these names are the opt-in to 2.0 behaviour itself.
        context.report(name, `\`${importedName(name)}\` from sqlalchemy.future is the 1.4 opt-in to 2.0 behaviour; import it from sqlalchemy once 1.4 is no longer supported`);
      }
    }
  },
};

function importedName(n: Node): string {
  return (n.type === 'aliased_import' ? n.childForFieldName('name')?.text : n.text) ?? '';
}

function importFix(model: ModuleModel, stmt: Node, moduleNode: Node, names: Node[], plain: Node[]): Fix | undefined {
  const edits = importEdits(model, stmt, moduleNode, names, plain);
  return edits && { title: 'Import from sqlalchemy', safety: 'safe', edits };
}

function importEdits(model: ModuleModel, stmt: Node, moduleNode: Node, names: Node[], plain: Node[]): TextEdit[] | undefined {
  if (plain.length === names.length) return [{ start: moduleNode.startIndex, end: moduleNode.endIndex, newText: 'sqlalchemy' }];
  // The plain names leave for a line of their own right after the statement, at the same indentation.
  const lineStart = model.text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const indent = model.text.slice(lineStart, stmt.startIndex);
  if (!/^[ \t]*$/.test(indent) || stmt.text.includes('\n')) return undefined;
  const kept = names.filter((n) => !plain.includes(n)).map((n) => n.text);
  const eol = model.text.includes('\r\n') ? '\r\n' : '\n';
  const rewritten = `from ${moduleNode.text} import ${kept.join(', ')}${eol}${indent}from sqlalchemy import ${plain.map((n) => n.text).join(', ')}`;
  return [{ start: stmt.startIndex, end: stmt.endIndex, newText: rewritten }];
}
