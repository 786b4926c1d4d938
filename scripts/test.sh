#!/usr/bin/env bash
# Runs every test: installs what is missing (npm packages, Debian's SQLAlchemy 1.4 with Flask-SQLAlchemy
# and aiosqlite, and for the real-VS-Code suites code-server and Chromium), builds, runs node's test
# runner, then the e2e suites.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
# Debian's Python packages the runtime checks import (each with a module that shows it is there):
# SQLAlchemy 1.4, Flask-SQLAlchemy 3.0 and aiosqlite for SQLAlchemy's asyncio extension.
missing_python=()
for pair in sqlalchemy:python3-sqlalchemy flask_sqlalchemy:python3-flask-sqlalchemy aiosqlite:python3-aiosqlite; do
  /usr/bin/python3 -c "import ${pair%%:*}" 2>/dev/null || missing_python+=("${pair#*:}")
done
if [ ${#missing_python[@]} -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  # Other test scripts may be running apt at the same time: wait for the lock instead of failing.
  "${sudo[@]}" apt-get update -qq -o DPkg::Lock::Timeout=600
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
    "${missing_python[@]}" >/dev/null
fi

npm run build --silent
npx tsc -p test/tsconfig.json
# Only *.test.js: node would also run every other file under a folder named test.
node --test --test-reporter=spec $(find out/test -name "*.test.js" | sort)
bash scripts/e2e.sh
