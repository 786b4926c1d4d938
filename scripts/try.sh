#!/usr/bin/env bash
# Opens the embedded legacy sample in a real VS Code (code-server) with the packaged extension
# installed, for a person to try: browse to the printed address; Ctrl+C stops it.
# usage: scripts/try.sh [PORT]   (default 8080; listens on 127.0.0.1 only)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${1:-8080}
RUN=$ROOT/.cache/try
CS_BIN=$ROOT/.cache/code-server/node_modules/.bin/code-server

# Installs code-server when missing, packages the extension and installs the .vsix.
bash scripts/e2e.sh package

rm -rf "$RUN"; mkdir -p "$RUN/user-data/User" "$RUN/xdg"
cp -r sample/legacy_app "$RUN/legacy_app"
cp -r .cache/e2e-run/extensions "$RUN/extensions"
cat > "$RUN/user-data/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "telemetry.telemetryLevel": "off", "update.mode": "none",
  "extensions.autoCheckUpdates": false, "security.workspace.trust.enabled": false }
JSON
echo
echo "sqla-upgrade: open http://127.0.0.1:$PORT/?folder=$RUN/legacy_app"
echo "sqla-upgrade: the Migration Progress view is in the activity bar (SQLAlchemy Upgrade). Ctrl+C stops."
XDG_CONFIG_HOME=$RUN/xdg XDG_DATA_HOME=$RUN/xdg XDG_CACHE_HOME=$RUN/xdg exec "$CS_BIN" \
  --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --user-data-dir "$RUN/user-data" --extensions-dir "$RUN/extensions" "$RUN/legacy_app"
