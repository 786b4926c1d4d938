#!/usr/bin/env bash
# Runs every test: installs what is missing (npm packages, Debian's SQLAlchemy 1.4, and for the
# real-VS-Code suites code-server and Chromium), builds, runs node's test runner, then the e2e suites.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
if ! /usr/bin/python3 -c 'import sqlalchemy' 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq python3-sqlalchemy >/dev/null
fi

npm run build --silent
npx tsc -p test/tsconfig.json
# Only *.test.js: node would also run every other file under a folder named test.
node --test --test-reporter=spec $(find out/test -name "*.test.js" | sort)
bash scripts/e2e.sh
