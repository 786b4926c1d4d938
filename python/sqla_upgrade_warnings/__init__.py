"""Record the SQLAlchemy 2.0 deprecation warnings a program raises while it runs.

When the environment variable SQLA_UPGRADE_WARNINGS names a file, install() turns on
SQLAlchemy 1.4's 2.0 deprecation mode (SQLALCHEMY_WARN_20=1) and appends one JSON
object per line to that file for every SQLAlchemy deprecation warning:

    {"category": "RemovedIn20Warning", "message": "...", "file": "/abs/app.py", "line": 12}

"file" and "line" name the innermost frame of the program's own code: frames of
SQLAlchemy, of the standard library and of installed packages (site-packages,
dist-packages) are skipped. Each distinct record is written once per process. Every
record is one append-mode write, so several processes (pytest-xdist workers,
subprocesses) can share the file.

`sqla-upgrade check --runtime-warnings FILE` and the editor's "Import Runtime Warnings"
command read the file. The recorder only observes: warnings still reach the program's
own filters and handlers unchanged.
"""
import json
import os
import sys
import sysconfig
import warnings

__all__ = ["ENV_VAR", "install", "install_from_environment", "is_installed"]

ENV_VAR = "SQLA_UPGRADE_WARNINGS"

_OWN_DIR = os.path.dirname(os.path.abspath(__file__))
_recorder = None


def _norm(path):
    return os.path.normcase(os.path.realpath(path))


def _library_roots():
    """Folders whose code is not the program's: the standard library and installed packages."""
    roots = set()
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    for scheme_paths in (sysconfig.get_paths(), _base_paths()):
        for name in names:
            path = scheme_paths.get(name)
            if path:
                roots.add(_norm(path))
    roots.add(_norm(os.path.dirname(os.__file__)))
    try:
        import site

        for path in site.getsitepackages() + [site.getusersitepackages()]:
            roots.add(_norm(path))
    except (AttributeError, TypeError):
        pass  # virtualenv's old site.py has neither function.
    roots.add(_OWN_DIR)
    return tuple(sorted(roots))


def _base_paths():
    """The base interpreter's paths, when running in a virtual environment."""
    try:
        return sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_exec_prefix})
    except (KeyError, TypeError):
        return {}


class _Recorder:
    def __init__(self, out_path):
        self.out_path = os.path.abspath(out_path)
        self.seen = set()
        self.roots = _library_roots()
        self.sqlalchemy_dir = None
        self.original_warn = warnings.warn

    def is_library(self, filename, module_name):
        if not filename or filename.startswith("<"):
            return True  # generated code (SQLAlchemy's decorators) or frozen modules
        if module_name.startswith(("sqlalchemy.", "alembic.")) or module_name in ("sqlalchemy", "alembic"):
            return True
        path = _norm(filename)
        parts = path.split(os.sep)
        if "site-packages" in parts or "dist-packages" in parts:
            return True
        if self.sqlalchemy_dir is None:
            module = sys.modules.get("sqlalchemy")
            module_file = getattr(module, "__file__", None)
            if module_file:
                self.sqlalchemy_dir = _norm(os.path.dirname(module_file))
        for root in self.roots + ((self.sqlalchemy_dir,) if self.sqlalchemy_dir else ()):
            if path == root or path.startswith(root + os.sep):
                return True
        return False

    def program_site(self, frame):
        """(absolute file, line) of the innermost frame that belongs to the program, or None."""
        while frame is not None:
            filename = frame.f_code.co_filename
            if not self.is_library(filename, frame.f_globals.get("__name__") or ""):
                return os.path.abspath(filename), frame.f_lineno
            frame = frame.f_back
        return None

    def fallback_site(self, frame):
        """The innermost frame outside SQLAlchemy, when no frame is the program's own."""
        while frame is not None:
            filename = frame.f_code.co_filename
            name = frame.f_globals.get("__name__") or ""
            if not filename.startswith("<") and not name.startswith(("sqlalchemy.", "alembic.")) and not _norm(filename).startswith(_OWN_DIR + os.sep):
                return os.path.abspath(filename), frame.f_lineno
            frame = frame.f_back
        return None

    def record(self, message, category, frame):
        site = self.program_site(frame) or self.fallback_site(frame)
        if site is None:
            return
        entry = (category.__name__, str(message), site[0], site[1])
        if entry in self.seen:
            return
        self.seen.add(entry)
        line = json.dumps({"category": entry[0], "message": entry[1], "file": entry[2], "line": entry[3]}) + "\n"
        data = line.encode("utf-8")
        # One write() on an O_APPEND descriptor: lines from several processes never interleave.
        fd = os.open(self.out_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)


def _deprecation_category(message, category):
    """The warning's class when it is one of SQLAlchemy's deprecation warnings, else None."""
    exc = sys.modules.get("sqlalchemy.exc")
    base = getattr(exc, "SADeprecationWarning", None)
    if base is None:
        return None
    if isinstance(message, Warning):
        category = type(message)
    if isinstance(category, type) and issubclass(category, base):
        return category
    return None


def _make_warn(recorder):
    original = recorder.original_warn

    def warn(message, category=None, stacklevel=1, *args, **kwargs):
        try:
            found = _deprecation_category(message, category)
            if found is not None:
                recorder.record(message, found, sys._getframe(1))
        except Exception:  # recording must never break the program
            pass
        # This wrapper is one more frame between the caller and warnings.warn.
        return original(message, category, max(stacklevel, 1) + 1, *args, **kwargs)

    warn.__wrapped__ = original
    warn.__doc__ = original.__doc__
    return warn


def _enable_warn_20():
    """SQLAlchemy 1.4 reads SQLALCHEMY_WARN_20 when imported; set it before, or patch it after."""
    os.environ["SQLALCHEMY_WARN_20"] = "1"
    deprecations = sys.modules.get("sqlalchemy.util.deprecations")
    if deprecations is not None and hasattr(deprecations, "SQLALCHEMY_WARN_20"):
        deprecations.SQLALCHEMY_WARN_20 = True


def install(out_path):
    """Start recording to out_path (appended to). A second call does nothing."""
    global _recorder
    if _recorder is not None:
        return _recorder
    _enable_warn_20()
    _recorder = _Recorder(out_path)
    # SQLAlchemy calls warnings.warn through the module attribute: recording there sees every
    # warning, whatever filters, "once" registries or captures (pytest) are in place.
    warnings.warn = _make_warn(_recorder)
    return _recorder


def install_from_environment():
    """install() when SQLA_UPGRADE_WARNINGS is set; otherwise nothing."""
    out_path = os.environ.get(ENV_VAR)
    if out_path:
        return install(out_path)
    return None


def is_installed():
    return _recorder is not None
