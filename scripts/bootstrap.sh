#!/usr/bin/env bash
# Build both runtimes from the lock files. Idempotent: a runtime whose lock file is unchanged
# is left alone (a stamp in the venv records the hash of what it was built from).
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

find_python() {  # find_python 3.10 -> path of a working interpreter, or nothing
  local want=$1 prefix candidate
  if command -v pyenv >/dev/null 2>&1; then
    for version in $(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}(\.[0-9]+)?$" | sort -rV); do
      prefix=$(pyenv prefix "$version" 2>/dev/null) || continue
      [ -x "$prefix/bin/python$want" ] && { echo "$prefix/bin/python$want"; return; }
    done
  fi
  for candidate in "python$want" "/usr/bin/python$want" "/usr/local/bin/python$want"; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys' >/dev/null 2>&1; then
      command -v "$candidate"; return
    fi
  done
}

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

build_venv() {  # build_venv DIR PYVERSION STAMP INSTALL-FUNCTION
  local dir=$1 version=$2 stamp=$3 install=$4 python
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.puente-stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$dir: up to date"; return
  fi
  python=$(find_python "$version")
  if [ -z "$python" ]; then
    echo "error: Python $version is needed for $dir but none was found (tried pyenv, python$version)." >&2
    echo "       Install it (e.g. 'pyenv install $version') and run again." >&2
    exit 1
  fi
  echo "$dir: building with $python ..."
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$install" "$dir"
  echo "$stamp" > "$dir/.puente-stamp"
}

install_main() {
  # torch first, by exact version: the CPU build on this disk; never let a resolver pick CUDA.
  "$1/bin/pip" install --quiet "torch==2.13.0"
  "$1/bin/pip" install --quiet -r requirements/main.lock
  "$1/bin/pip" install --quiet --no-deps -e .
}

install_rasa() {
  "$1/bin/pip" install --quiet -r requirements/rasa.lock
}

build_venv .venv 3.11 "$(stamp_of requirements/main.lock pyproject.toml)" install_main &
main_pid=$!
build_venv .venv-rasa 3.10 "$(stamp_of requirements/rasa.lock)" install_rasa &
rasa_pid=$!
status=0
wait $main_pid || status=1
wait $rasa_pid || status=1
[ $status -eq 0 ] || exit $status

# The widget's one client library, pinned in web_widget/package-lock.json, copied where the
# web app serves it; the same lock file pins axe-core (a dev dependency the browser tests
# inject into the widget's page; never served), installed in web_widget/node_modules.
vendor=assistant/web/static/vendor
widget_stamp="$(stamp_of web_widget/package-lock.json)"
if [ "$(cat "$vendor/.puente-stamp" 2>/dev/null)" != "$widget_stamp" ] || [ ! -f "$vendor/socket.io.min.js" ] \
  || [ ! -f web_widget/node_modules/axe-core/axe.min.js ]; then
  command -v npm >/dev/null 2>&1 || { echo "error: npm is needed to build the web widget" >&2; exit 1; }
  npm ci --prefix web_widget --no-audit --no-fund --ignore-scripts --silent
  mkdir -p "$vendor"
  cp web_widget/node_modules/socket.io-client/dist/socket.io.min.js "$vendor/"
  echo "$widget_stamp" > "$vendor/.puente-stamp"
  echo "$vendor: socket.io-client $(node -p "require('./web_widget/node_modules/socket.io-client/package.json').version")," \
    "axe-core $(node -p "require('./web_widget/node_modules/axe-core/package.json').version") (tests only)"
fi
