import type { Node } from '../parse/parser';
import type { ModuleModel } from '../semantics/model';
import type { QueryShape } from '../semantics/queryChain';
import { FUNC_OBJECTS, SELECT_FUNCTIONS } from '../semantics/names';
import type { TextEdit } from '../rules/types';
import { ensureImported } from './imports';

/** Query terminals and how each reads in 2.0 style; `{S}` is the session, `{SEL}` the select, `{U}` `.unique()` when needed. */
const TERMINAL_FORMS: Record<string, Record<'entity' | 'rows', string>> = {
  all: { entity: '{S}.scalars({SEL}){U}.all()', rows: '{S}.execute({SEL}){U}.all()' },
  first: { entity: '{S}.scalars({SEL}.limit(1)){U}.first()', rows: '{S}.execute({SEL}.limit(1)){U}.first()' },
  one: { entity: '{S}.execute({SEL}){U}.scalar_one()', rows: '{S}.execute({SEL}){U}.one()' },
  one_or_none: { entity: '{S}.execute({SEL}){U}.scalar_one_or_none()', rows: '{S}.execute({SEL}){U}.one_or_none()' },
  scalar: { entity: '{S}.execute({SEL}){U}.scalar_one_or_none()', rows: '{S}.execute({SEL}){U}.scalar_one_or_none()' },
  count: { entity: '{S}.scalar({select}({func}.count()).select_from({SEL}.subquery()))', rows: '{S}.scalar({select}({func}.count()).select_from({SEL}.subquery()))' },
  __iter__: { entity: '{S}.scalars({SEL}){U}', rows: '{S}.execute({SEL}){U}' },
};

export const QUERY_TERMINALS = new Set(Object.keys(TERMINAL_FORMS).filter((t) => t !== '__iter__'));

export interface TerminalRewrite {
  /** The terminal call (or the iterable, for iteration) to replace. */
  target: Node;
  /** `all`, `first`, ... or `__iter__`. */
  terminal: string;
  sessionText: string;
  /** The select statement's text without the import (`select(User).filter(...)` or a variable name). */
  selectText: string;
  shape: Exclude<QueryShape, 'unknown'>;
  unique: boolean;
}

export interface ImportedNames {
  select: string;
  func?: string;
  edits: TextEdit[];
}

/** Imports what the rewrites need (`select`, and `func` for counts); undefined when a name is taken. */
export function importsFor(model: ModuleModel, useSite: Node, terminals: string[]): ImportedNames | undefined {
  const select = ensureImported(model, 'sqlalchemy', 'select', useSite, SELECT_FUNCTIONS);
  if (!select) return undefined;
  const edits = [...select.edits];
  let func: string | undefined;
  if (terminals.includes('count')) {
    const imported = ensureImported(model, 'sqlalchemy', 'func', useSite, FUNC_OBJECTS);
    if (!imported) return undefined;
    func = imported.expression;
    edits.push(...imported.edits);
  }
  return { select: select.expression, func, edits };
}

export function terminalEdit(rewrite: TerminalRewrite, names: ImportedNames): TextEdit {
  const form = TERMINAL_FORMS[rewrite.terminal][rewrite.shape];
  const values: Record<string, string> = {
    S: rewrite.sessionText,
    SEL: rewrite.selectText,
    U: rewrite.unique ? '.unique()' : '',
    select: names.select,
    func: names.func ?? 'func',
  };
  // One pass with a function replacer: the code pieces may contain `$` or braces of their own.
  const newText = form.replace(/\{(S|SEL|U|select|func)\}/g, (_, key: string) => values[key]);
  return { start: rewrite.target.startIndex, end: rewrite.target.endIndex, newText };
}

/** `session.query(` -> `select(`: the edit that turns the start of a query chain into a select. */
export function queryToSelectEdit(session: Node, queryCall: Node, selectName: string): TextEdit {
  const fn = queryCall.childForFieldName('function')!;
  return { start: session.startIndex, end: fn.endIndex, newText: selectName };
}
