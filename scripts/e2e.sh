#!/usr/bin/env bash
# End-to-end tests of the packaged extension inside a real VS Code.
#
# No desktop VS Code can be downloaded in every environment we test in, so the editor is
# code-server (the npm package bundles VS Code's workbench and its node extension host; 4.99.4 is
# VS Code 1.99.3), shown in Debian's headless Chromium and driven through playwright-core.
#
#   1. packages the extension (`npm run package`) and installs the .vsix into a private
#      extensions folder, exactly as a user would get it;
#   2. runs the mocha suite in test/e2e/suite inside the extension host, through the ordinary
#      @vscode/test-electron `runTests()` with `vscodeExecutablePath` set to test/e2e/harness/code-shim.js;
#   3. runs the UI test (test/e2e/ui.test.js): squiggle, Ctrl+. quick fix, activity bar view.
#
# Everything it downloads or creates stays in .cache/ (code-server, run state) and
# .test-artifacts/e2e/ (screenshots, logs); both are git-ignored. It prints a closing line
# `e2e: N passed, M failed` and exits non-zero when anything failed.
#
# usage: scripts/e2e.sh [all|setup|package|mocha|ui]   (default: all; mocha/ui skip setup and packaging)
# env:   E2E_SKIP_APT=1     do not try to install Debian packages
#        CHROMIUM=path      browser binary (default /usr/bin/chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CS_VERSION=4.99.4
CACHE=$ROOT/.cache
CS_DIR=$CACHE/code-server
CS_BIN=$CS_DIR/node_modules/.bin/code-server
RUN=$CACHE/e2e-run
ARTIFACTS=$ROOT/.test-artifacts/e2e
RESULTS=$RUN/results
EXTENSIONS_DIR=$RUN/extensions
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export SQLA_E2E_CODE_SERVER=$CS_BIN SQLA_E2E_RUN=$RUN SQLA_E2E_ARTIFACTS=$ARTIFACTS

# Debian packages: the browser, ripgrep (stands in for @vscode/ripgrep's GitHub download), a font
# for readable screenshots, and what code-server's native modules need to build
# (kerberos wants gssapi headers from libkrb5-dev; native-keymap wants libxkbfile; keytar libsecret).
APT_PACKAGES=(chromium ripgrep fonts-dejavu-core ca-certificates
  build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)

step() { printf '\n== e2e: %s\n' "$*"; }
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

install_apt_packages() {
  local missing=() pkg
  if ! command -v dpkg-query >/dev/null; then
    echo "e2e: not a Debian system; make sure Chromium (\$CHROMIUM), ripgrep and a C/C++ toolchain are installed" >&2
    return 0
  fi
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "${E2E_SKIP_APT:-}" = 1 ]; then echo "e2e: missing Debian packages (E2E_SKIP_APT=1): ${missing[*]}" >&2; return 1; fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "e2e: need root or sudo to install: ${missing[*]}" >&2; return 1; }
    sudo=(sudo)
  fi
  step "installing Debian packages: ${missing[*]}"
  # Other test scripts may be running apt at the same time: wait for the lock instead of failing.
  "${sudo[@]}" apt-get update -qq -o DPkg::Lock::Timeout=600
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
    "${missing[@]}" >/dev/null
}

install_code_server() {
  local marker=$CS_DIR/.installed-$CS_VERSION
  if [ -f "$marker" ] && [ -x "$CS_BIN" ]; then return 0; fi
  step "installing code-server $CS_VERSION into ${CS_DIR#"$ROOT"/} (about 300 MB, once)"
  local started; started=$(date +%s)
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  # @vscode/ripgrep's postinstall fetches rg from GitHub unless it finds the release asset in
  # $TMPDIR/vscode-ripgrep-cache-<package version>/. Give it Debian's rg under that name.
  # 1.15.11 / v13.0.0-10 are what code-server 4.99.4's VS Code pins.
  local npm_tmp=$CACHE/code-server-tmp arch
  case "$(uname -m)" in
    x86_64) arch=x86_64-unknown-linux-musl ;;
    aarch64) arch=aarch64-unknown-linux-musl ;;
    *) echo "e2e: unsupported architecture $(uname -m)" >&2; return 1 ;;
  esac
  rm -rf "$npm_tmp"; mkdir -p "$npm_tmp/vscode-ripgrep-cache-1.15.11" "$npm_tmp/rg"
  cp "$(command -v rg)" "$npm_tmp/rg/rg"
  tar czf "$npm_tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-$arch.tar.gz" -C "$npm_tmp/rg" rg
  echo '{ "name": "sqla-upgrade-e2e-code-server", "private": true }' > "$CS_DIR/package.json"
  # npm_config_yes: node-pty's install runs `npx node-gyp`, which a user-level `yes=false` would cancel.
  # --unsafe-perm: code-server's postinstall refuses to run as root without it.
  (cd "$CS_DIR" && TMPDIR=$npm_tmp npm_config_yes=true npm install --no-audit --no-fund --no-save \
    --unsafe-perm "code-server@$CS_VERSION")
  # code-server writes a default config.yaml into $XDG_CONFIG_HOME on any start: keep it out of $HOME.
  XDG_CONFIG_HOME=$npm_tmp XDG_DATA_HOME=$npm_tmp XDG_CACHE_HOME=$npm_tmp "$CS_BIN" --version
  rm -rf "$npm_tmp"
  touch "$marker"
  echo "e2e: code-server installed in $(elapsed "$started")"
}

setup() {
  install_apt_packages
  # The test tools are devDependencies: install them when node_modules is missing or predates them.
  node -e 'for (const m of ["playwright-core", "@vscode/test-electron", "@vscode/vsce", "mocha", "typescript"]) require.resolve(m)' \
    2>/dev/null || npm ci --no-audit --no-fund
  install_code_server
}

package_and_install() {
  step "packaging the extension"
  local version vsix
  version=$(node -p 'require("./package.json").version')
  vsix=$ROOT/sqla-upgrade-$version.vsix
  rm -f "$vsix"
  npm run package --silent
  [ -f "$vsix" ] || { echo "e2e: npm run package did not produce ${vsix#"$ROOT"/}" >&2; return 1; }
  local bytes; bytes=$(wc -c < "$vsix")
  echo "e2e: $(basename "$vsix") is $(( bytes / 1024 )) KB"
  [ "$bytes" -lt $(( 5 * 1024 * 1024 )) ] || { echo "e2e: the .vsix is over 5 MB; check .vscodeignore" >&2; return 1; }
  step "installing $(basename "$vsix") into a private extensions folder"
  rm -rf "$EXTENSIONS_DIR"; mkdir -p "$EXTENSIONS_DIR" "$RUN/install/xdg"
  XDG_CONFIG_HOME=$RUN/install/xdg XDG_DATA_HOME=$RUN/install/xdg XDG_CACHE_HOME=$RUN/install/xdg \
    "$CS_BIN" --user-data-dir "$RUN/install/user-data" --extensions-dir "$EXTENSIONS_DIR" \
    --install-extension "$vsix" --force
  # The package holds the manifest, README, CHANGELOG, LICENSE, dist/, syntaxes/ and media/ only.
  local installed unexpected
  installed=$(ls -d "$EXTENSIONS_DIR"/sqla-upgrade.sqla-upgrade-"$version")
  unexpected=$(cd "$installed" && ls -A | grep -vixE 'package\.json|readme\.md|changelog\.md|license(\.txt)?|\.vsixmanifest|dist|syntaxes|media' || true)
  [ -z "$unexpected" ] || { echo "e2e: unexpected files in the package: $unexpected" >&2; return 1; }
}

run_mocha() {
  step "extension host tests (mocha through @vscode/test-electron)"
  local started; started=$(date +%s)
  rm -rf out/e2e
  # A compile error leaves no result file, which the summary counts as a failure.
  npx tsc -p test/e2e/tsconfig.json || return 0
  node test/e2e/runTest.js || true   # the result file is what counts; runTest.js already printed the failure
  echo "e2e: extension host tests took $(elapsed "$started")"
}

run_ui() {
  step "UI test (headless Chromium against code-server)"
  local started; started=$(date +%s)
  node test/e2e/ui.test.js || true
  echo "e2e: UI test took $(elapsed "$started")"
}

# Adds up the result files the runners wrote; a runner that wrote none counts as one failure.
summarize() {
  node - "$RESULTS" "$@" <<'EOF'
const fs = require('fs'), path = require('path');
const [dir, ...names] = process.argv.slice(2);
let passed = 0, failed = 0;
for (const name of names) {
  const file = path.join(dir, `${name}.json`);
  if (!fs.existsSync(file)) { console.log(`e2e: ${name}: no results (the runner crashed or timed out)`); failed++; continue; }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.passed; failed += r.failed;
  console.log(`e2e: ${name}: ${r.passed} passed, ${r.failed} failed`);
  for (const f of r.failures || []) console.log(`e2e:   FAILED ${f}`);
  if (r.complete === false) { console.log(`e2e: ${name}: did not finish (timed out or crashed)`); failed++; }
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
EOF
}

main() {
  local what=${1:-all} started; started=$(date +%s)
  local suites=()
  case "$what" in
    all|setup|package|mocha|ui) ;;
    *) echo "usage: scripts/e2e.sh [all|setup|package|mocha|ui]" >&2; exit 2 ;;
  esac
  if [ "$what" = all ] || [ "$what" = setup ] || [ "$what" = package ]; then setup; fi
  [ "$what" = setup ] && return 0
  if [ "$what" = all ] || [ "$what" = package ]; then package_and_install; fi
  [ "$what" = package ] && return 0
  ls -d "$EXTENSIONS_DIR"/sqla-upgrade.sqla-upgrade-* >/dev/null 2>&1 \
    || { echo "e2e: the extension is not installed; run scripts/e2e.sh package first" >&2; exit 1; }
  rm -rf "$RESULTS" "$ARTIFACTS"; mkdir -p "$RESULTS" "$ARTIFACTS"
  if [ "$what" = all ] || [ "$what" = mocha ]; then run_mocha; suites+=(extension-host); fi
  if [ "$what" = all ] || [ "$what" = ui ]; then run_ui; suites+=(ui); fi
  echo; echo "e2e: finished in $(elapsed "$started"); screenshots and logs in ${ARTIFACTS#"$ROOT"/}/"
  SUMMARIZED=1
  summarize "${suites[@]}"
}

# CI looks for the closing line even when setup or packaging fails before any test ran.
SUMMARIZED=0
trap 'rc=$?; if [ "$SUMMARIZED" = 0 ] && [ "${1:-all}" != setup ] && [ "${1:-all}" != package ] && [ $rc -ne 0 ]; then echo "e2e: 0 passed, 1 failed (setup failed, rc=$rc)"; fi' EXIT

main "$@"
