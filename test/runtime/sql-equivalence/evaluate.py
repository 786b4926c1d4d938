"""Compare the SQL of legacy Query cases with the SQL of their migrated forms.

Usage: evaluate.py LEGACY_DIR FIXED_DIR OUT.json

LEGACY_DIR holds the case files (cases_*.py) as written, FIXED_DIR the same files after
`sqla-upgrade fix --unsafe`. A case file starts with a header (imports, a Session on a fresh
database, helpers); each case follows a `# case: NAME` comment and runs to the next one, and may
document an intended difference with `# intended: WHY` lines under its name. A case assigns what
it reads to `result`.

For every case, both versions run on a fresh database (the header is executed anew), and OUT.json
gets one object per case with:
- the compiled statements: the legacy Query as it stands before its terminal (`Query.statement`;
  for count(), `select(func.count()).select_from(query.subquery())`; for bulk update and delete,
  the UPDATE or DELETE the Query sent), and the statement the migrated code executes (the argument
  of `session.execute()`, `session.scalars()` or `session.scalar()`), both compiled for SQLite
  with bound parameters left as parameters and whitespace collapsed;
- the SQL each version sent to the database, with column labels dropped (Query labels columns
  `users_id` where select() says `id`, which changes nothing the program receives);
- `repr(result)` of each version, and the 2.0 deprecation warnings the migrated version raised.
"""
import os

# SQLAlchemy reads this once, when it is first imported.
os.environ["SQLALCHEMY_WARN_20"] = "1"

import ast
import io
import json
import re
import sys
import tokenize
import traceback
import warnings

import sqlalchemy.exc as sa_exc
from sqlalchemy import event, func, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Query
from sqlalchemy.sql.base import Executable

QUERY_TERMINALS = {"all", "first", "one", "one_or_none", "scalar", "count", "get", "update", "delete"}
EXECUTORS = {"execute", "scalars", "scalar"}
WARNINGS_20 = (sa_exc.RemovedIn20Warning, sa_exc.MovedIn20Warning, sa_exc.LegacyAPIWarning)
CASE_MARK = re.compile(r"#\s*case:\s*(\S+)\s*$")
INTENDED_MARK = re.compile(r"#\s*intended:\s*(.+?)\s*$")
LABEL = re.compile(r"\s+AS\s+[\"\w]+", re.IGNORECASE)
TABLE_COLUMN_LABEL = re.compile(r"\b(\w+)\.(\w+) AS \1_\2\b")


class Case:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.intended = []
        self.statements = []
        self.source = ""


def read_cases(path):
    """The header statements and the cases of one file, in order."""
    with open(path, encoding="utf-8") as f:
        source = f.read()
    cases = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        mark = CASE_MARK.match(token.string)
        if mark:
            cases.append(Case(mark.group(1), token.start[0]))
            continue
        intended = INTENDED_MARK.match(token.string)
        if intended and cases and not cases[-1].statements:
            cases[-1].intended.append(intended.group(1))
    tree = ast.parse(source, path)
    header = []
    for statement in tree.body:
        owner = None
        for case in cases:
            if case.line < statement.lineno:
                owner = case
        if owner is None:
            header.append(statement)
        else:
            owner.statements.append(statement)
    lines = source.splitlines()
    for case in cases:
        if case.statements:
            last = case.statements[-1]
            case.source = "\n".join(lines[case.statements[0].lineno - 1:last.end_lineno])
    return header, cases


def compiled(statement, with_params=True):
    result = statement.compile(dialect=sqlite.dialect())
    text = " ".join(str(result).split())
    return f"{text} {sorted(result.params.items())!r}" if with_params else text


def executed_sql(sql, parameters):
    """The SQL as sent, without column labels: Query labels `users.id AS users_id` and refers to
    `anon_1.users_id` outside a subquery, where select() writes `users.id AS id` and `anon_1.id`."""
    for table, column in set(TABLE_COLUMN_LABEL.findall(sql)):
        sql = re.sub(rf"\b(anon_\d+)\.{table}_{column}\b", rf"\1.{column}", sql)
    return f"{' '.join(LABEL.sub('', sql).split())} {parameters!r}"


def run_code(statements, path, namespace):
    code = compile(ast.Module(body=statements, type_ignores=[]), path, "exec")
    exec(code, namespace)


def runs_nothing(node):
    """True when evaluating the expression cannot reach the database: no terminal, no execution."""
    for inner in ast.walk(node):
        if isinstance(inner, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)):
            return False
        if is_method_call(inner, QUERY_TERMINALS | EXECUTORS):
            return False
    return True


def is_method_call(node, methods):
    """`x.method(...)` for one of the methods; `func.count()` builds SQL and is none of them."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in methods):
        return False
    receiver = node.func.value
    return not (isinstance(receiver, ast.Name) and receiver.id == "func" or isinstance(receiver, ast.Attribute) and receiver.attr == "func")


def evaluate_quietly(node, path, namespace):
    """The value of an expression of the case, or None when it cannot be evaluated on its own."""
    if not runs_nothing(node):
        return None
    try:
        return eval(compile(ast.Expression(body=node), path, "eval"), namespace)
    except Exception:
        return None


def legacy_subject(statement, path, namespace):
    """(terminal, Query) for the Query that a terminal call or a loop reads in this statement."""
    for node in ast.walk(statement):
        if is_method_call(node, QUERY_TERMINALS):
            receiver, terminal = node.func.value, node.func.attr
        elif isinstance(node, (ast.For, ast.comprehension)):
            receiver, terminal = node.iter, "__iter__"
        else:
            continue
        value = evaluate_quietly(receiver, path, namespace)
        if isinstance(value, Query):
            return terminal, value
    return None


def migrated_subject(statement, path, namespace):
    """The statement that `session.execute()`, `scalars()` or `scalar()` runs in this statement."""
    for node in ast.walk(statement):
        if is_method_call(node, EXECUTORS) and node.args:
            value = evaluate_quietly(node.args[0], path, namespace)
            if isinstance(value, Executable):
                return value
    return None


class Recorder:
    """Records the statements every Engine sends while it is on."""

    def __init__(self):
        self.on = False
        self.statements = []
        event.listen(Engine, "before_cursor_execute", self.before_cursor_execute)

    def before_cursor_execute(self, conn, cursor, statement, parameters, context, executemany):
        if self.on:
            self.statements.append((statement, parameters))


def run_case(path, header, case, recorder, legacy):
    """Runs one case on a fresh database; returns what it compiled, sent and read."""
    namespace = {"__name__": "__case__", "__file__": path}
    outcome = {"compiled": None, "terminal": None, "executed": [], "result": None, "warnings": [], "error": None}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            run_code(header, path, namespace)
            recorder.statements = []
            subject = None
            for statement in case.statements:
                found = legacy_subject(statement, path, namespace) if legacy else migrated_subject(statement, path, namespace)
                marks = len(recorder.statements)
                recorder.on = True
                try:
                    run_code([statement], path, namespace)
                finally:
                    recorder.on = False
                if found is not None:
                    subject = (found, recorder.statements[marks:])
            outcome["executed"] = [executed_sql(sql, params) for sql, params in recorder.statements]
            outcome["result"] = repr(namespace.get("result"))
            if subject is not None:
                outcome.update(describe_subject(subject[0], subject[1], legacy))
        except Exception:
            outcome["error"] = traceback.format_exc()
    if not legacy:
        outcome["warnings"] = [f"{w.category.__name__}: {w.message}" for w in caught if issubclass(w.category, WARNINGS_20)]
    return outcome


def describe_subject(found, sent, legacy):
    """The compiled statement of a case's subject, and the terminal it was read with."""
    if not legacy:
        is_select = found.is_select
        return {"compiled": compiled(found, with_params=is_select), "terminal": "select" if is_select else "dml"}
    terminal, query = found
    if terminal == "count":
        return {"compiled": compiled(select(func.count()).select_from(query.subquery())), "terminal": terminal}
    if terminal in ("update", "delete"):
        # Query has no statement for a bulk write: take the one it sent.
        writes = [sql for sql, _ in sent if sql.lstrip().upper().startswith(terminal.upper())]
        return {"compiled": " ".join(writes[-1].split()) if writes else None, "terminal": terminal}
    if terminal == "get":
        return {"compiled": None, "terminal": terminal}
    return {"compiled": compiled(query.statement), "terminal": terminal}


def main():
    legacy_dir, fixed_dir, out_path = sys.argv[1:4]
    sys.path.insert(0, legacy_dir)
    recorder = Recorder()
    results = []
    for name in sorted(os.listdir(legacy_dir)):
        if not (name.startswith("cases_") and name.endswith(".py")):
            continue
        legacy_path = os.path.join(legacy_dir, name)
        fixed_path = os.path.join(fixed_dir, name)
        legacy_header, legacy_cases = read_cases(legacy_path)
        fixed_header, fixed_cases = read_cases(fixed_path)
        fixed_by_name = {case.name: case for case in fixed_cases}
        for case in legacy_cases:
            fixed_case = fixed_by_name.get(case.name)
            entry = {"file": name, "case": case.name, "intended": " ".join(case.intended) or None, "legacySource": case.source}
            entry["legacy"] = run_case(legacy_path, legacy_header, case, recorder, legacy=True)
            if fixed_case is None:
                entry["fixed"] = None
            else:
                entry["fixedSource"] = fixed_case.source
                entry["fixed"] = run_case(fixed_path, fixed_header, fixed_case, recorder, legacy=False)
            results.append(entry)
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
