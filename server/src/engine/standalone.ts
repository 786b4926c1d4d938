/**
 * Modules a workspace scan need not parse: their text shows that no rule can find anything there
 * and that no other module can learn anything about SQLAlchemy from them.
 */
import { mentionsSqlAlchemy } from '../semantics/names';
import { RULES } from '../rules/index';
import { moduleNamesOf } from '../semantics/projectModels';

/**
 * The words of the rules that run on modules without SQLAlchemy (suppression comments, Pydantic
 * models); undefined when one of them has no such prefilter and so may find something anywhere.
 */
function wordsOfRulesBeyondSqlAlchemy(): readonly string[] | undefined {
  const words: string[] = [];
  for (const rule of RULES) {
    if (rule.needsSqlAlchemy !== false) continue;
    if (!rule.textWords) return undefined;
    words.push(...rule.textWords);
  }
  return words;
}

const BEYOND_SQLALCHEMY_WORDS = wordsOfRulesBeyondSqlAlchemy();

/** Longer than any import statement written by hand: past it, the text is taken to import anything. */
const MAX_IMPORT_STATEMENT = 4000;

const IMPORT_KEYWORD = /\bimport\b/g;
const WORD = /[A-Za-z_]\w*/g;
const RELATIVE_FROM = /\bfrom[\s\\]*\./;

/**
 * The first names of the dotted module names of the project's files: `app/models.py` may be
 * imported as `models` or `app.models`, so both `app` and `models` are among them (see
 * moduleNamesOf; `__init__.py` names its folder).
 */
export function projectModuleRoots(files: Iterable<string>): Set<string> {
  const roots = new Set<string>();
  for (const file of files) for (const name of moduleNamesOf(file)) roots.add(name.split('.')[0]);
  return roots;
}

/**
 * Whether a module's text alone proves it has nothing to report and nothing to tell other
 * modules: it spells neither SQLAlchemy nor a word the other rules look for, and none of its
 * import statements is relative or names a module of the project (`projectRoots`). Every
 * SQLAlchemy name a module has, it has through an import; a module without one makes no findings
 * (the rules' own gate, see analyze), and its classes cannot derive from a project's model base.
 *
 * Conservative by construction: `import` in a string or comment counts as an import, and each
 * word of an import statement (aliases and imported names too) as a module name.
 */
export function cannotUseSqlAlchemy(text: string, projectRoots: ReadonlySet<string>): boolean {
  if (!BEYOND_SQLALCHEMY_WORDS || mentionsSqlAlchemy(text)) return false;
  if (BEYOND_SQLALCHEMY_WORDS.some((word) => text.includes(word))) return false;
  IMPORT_KEYWORD.lastIndex = 0;
  let covered = -1;
  for (let match = IMPORT_KEYWORD.exec(text); match; match = IMPORT_KEYWORD.exec(text)) {
    if (match.index < covered) continue;
    const statement = logicalLineAround(text, match.index);
    if (statement === undefined) return false;
    covered = statement.end;
    const source = text.slice(statement.start, statement.end);
    if (RELATIVE_FROM.test(source)) return false;
    for (const word of source.match(WORD) ?? []) if (projectRoots.has(word)) return false;
  }
  return true;
}

/**
 * The logical line holding `offset`: back over lines continued with a backslash, forward to the
 * newline that neither a backslash nor an open parenthesis continues. Undefined past the limit.
 */
function logicalLineAround(text: string, offset: number): { start: number; end: number } | undefined {
  let start = text.lastIndexOf('\n', offset - 1) + 1;
  while (start > 0 && endsWithBackslash(text, start - 1)) {
    start = text.lastIndexOf('\n', start - 2) + 1;
    if (offset - start > MAX_IMPORT_STATEMENT) return undefined;
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (i - start > MAX_IMPORT_STATEMENT) return undefined;
    const char = text.charCodeAt(i);
    if (char === 40 /* ( */) depth++;
    else if (char === 41 /* ) */) depth--;
    else if (char === 10 /* \n */ && depth <= 0 && !endsWithBackslash(text, i)) return { start, end: i };
  }
  return { start, end: text.length };
}

/** Whether the line ending at the newline `newline` ends with a continuation backslash (CRLF too). */
function endsWithBackslash(text: string, newline: number): boolean {
  let i = newline - 1;
  if (text.charCodeAt(i) === 13 /* \r */) i--;
  return text.charCodeAt(i) === 92 /* \ */;
}
