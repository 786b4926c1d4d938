"""Runs at interpreter start-up when this folder is on PYTHONPATH.

With SQLA_UPGRADE_WARNINGS=<file.jsonl> set, it records SQLAlchemy's 2.0 deprecation
warnings to that file (see sqla_upgrade_warnings). Without it, it does nothing of its
own. Either way it then runs the sitecustomize module it hides, if any (a virtual
environment's or the distribution's), as Python would have.
"""
import os
import sys


def _run_hidden_sitecustomize():
    import importlib.machinery
    import importlib.util

    here = os.path.normcase(os.path.dirname(os.path.abspath(__file__)))
    rest = [p for p in sys.path if os.path.normcase(os.path.abspath(p or os.curdir)) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


if os.environ.get("SQLA_UPGRADE_WARNINGS"):
    try:
        import sqla_upgrade_warnings

        sqla_upgrade_warnings.install_from_environment()
    except Exception as error:  # never stop the program from starting
        sys.stderr.write("sqla-upgrade: runtime warnings are not recorded: %s\n" % (error,))

try:
    _run_hidden_sitecustomize()
except Exception as error:
    sys.stderr.write("Error in sitecustomize; set PYTHONVERBOSE for traceback:\n%s: %s\n" % (type(error).__name__, error))

