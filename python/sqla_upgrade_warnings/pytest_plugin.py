"""pytest plugin: `pytest -p sqla_upgrade_warnings.pytest_plugin` with SQLA_UPGRADE_WARNINGS set.

Plugins named with -p load before conftest.py files and test modules, so SQLAlchemy's
2.0 mode is on before they import it. Needed only when this folder's sitecustomize.py
does not run (for example when the folder reaches sys.path through pytest's
`pythonpath` setting rather than PYTHONPATH); with both, recording is installed once.
"""
from . import install_from_environment

install_from_environment()
