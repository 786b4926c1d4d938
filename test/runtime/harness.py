"""Run a Python program under SQLAlchemy's 2.0 deprecation mode and record its warnings.

Usage: harness.py [--strict] [--warnings-out FILE] [--sql-out FILE] PROGRAM.py

Prints exactly what PROGRAM.py printed to stdout. Every SQLAlchemy deprecation
warning raised while it runs is written to FILE as one JSON object per line:
{"category", "message", "file", "line"}, where file/line is the innermost frame
of PROGRAM.py on the stack (not the SQLAlchemy frame that emitted it).
With --strict the 2.0 warning categories become errors, so a migrated program
must run without reaching any of them. --sql-out records every statement sent to
the database (SQL text and parameters, one JSON object per line), so that a
migrated program can be shown to run the same SQL.
"""
import os

# SQLAlchemy reads this once, when it is first imported.
os.environ["SQLALCHEMY_WARN_20"] = "1"

import argparse
import contextlib
import io
import json
import runpy
import sys
import traceback
import warnings

import sqlalchemy.exc as sa_exc

STRICT_CATEGORIES = (
    sa_exc.RemovedIn20Warning,
    sa_exc.MovedIn20Warning,
    sa_exc.LegacyAPIWarning,
)


def is_recorded(category):
    return issubclass(category, STRICT_CATEGORIES + (sa_exc.SADeprecationWarning,))


class Recorder:
    def __init__(self, program):
        self.program = program
        self.records = []

    def program_site(self, frames):
        """(file, line) of the first frame, innermost first, that belongs to the program."""
        for filename, lineno in frames:
            if os.path.abspath(filename) == self.program:
                return filename, lineno
        return None, None

    def add(self, category, message, frames, fallback=(None, None)):
        filename, lineno = self.program_site(frames)
        if filename is None:
            filename, lineno = fallback
        self.records.append(
            {
                "category": category.__name__,
                "message": str(message),
                "file": filename,
                "line": lineno,
            }
        )


def stack_from(frame):
    # SQLAlchemy's asyncio extension runs the sync core in a greenlet whose stack ends at
    # its own bottom frame; the program's `await` is on the stack of the greenlet it came from.
    greenlet = sys.modules.get("greenlet")
    current = greenlet.getcurrent() if greenlet else None
    while frame is not None:
        yield frame.f_code.co_filename, frame.f_lineno
        frame = frame.f_back
        if frame is None and current is not None and current.parent is not None:
            current = current.parent
            frame = current.gr_frame


def install_hook(recorder):
    original = warnings.showwarning

    def showwarning(message, category, filename, lineno, file=None, line=None):
        if not is_recorded(category):
            return original(message, category, filename, lineno, file, line)
        recorder.add(category, message, stack_from(sys._getframe(1)), (filename, lineno))

    warnings.showwarning = showwarning


def record_sql(statements):
    """Listen on every Engine for the statements that reach the driver."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "before_cursor_execute")
    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append({"sql": statement, "parameters": repr(parameters), "many": executemany})


def run(program, strict, recorder):
    """Run the program with stdout captured; return (output, exit code)."""
    warnings.simplefilter("always")
    if strict:
        for category in STRICT_CATEGORIES:
            warnings.simplefilter("error", category)
    install_hook(recorder)

    sys.argv = [program]
    sys.path.insert(0, os.path.dirname(program))
    captured = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(captured):
        try:
            runpy.run_path(program, run_name="__main__")
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        except Exception as error:
            code = 1
            if isinstance(error, Warning) and is_recorded(type(error)):
                frames = [(f.filename, f.lineno) for f in traceback.extract_tb(error.__traceback__)]
                recorder.add(type(error), error, reversed(frames))
            traceback.print_exc(file=sys.stderr)
    return captured.getvalue(), code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program")
    parser.add_argument("--warnings-out", metavar="FILE")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--sql-out", metavar="FILE")
    args = parser.parse_args()
    statements = []
    if args.sql_out:
        record_sql(statements)

    program = os.path.abspath(args.program)
    recorder = Recorder(program)
    output, code = run(program, args.strict, recorder)

    sys.stdout.write(output)
    sys.stdout.flush()
    if args.warnings_out:
        with open(args.warnings_out, "w", encoding="utf-8") as out:
            for record in recorder.records:
                out.write(json.dumps(record) + "\n")
    if args.sql_out:
        with open(args.sql_out, "w", encoding="utf-8") as out:
            for statement in statements:
                out.write(json.dumps(statement) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
