# Shared by bin/run, bin/test and bin/bench (sourced, not run): what a fresh machine needs.

# install_missing WHO PACKAGE...: install Debian packages with apt when running as root, else
# stop and say which ones to install.
install_missing() {
  local who=$1
  shift
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "$who: please install: $*" >&2
    exit 1
  fi
}

# venv_packages: the Debian package that python3 needs to make a virtualenv, if it is missing.
venv_packages() {
  "$PYTHON" -c "import ensurepip, venv" 2>/dev/null || echo python3-venv
}

# make_venv TARGET MARKER: (re)make .venv with `pip install -e TARGET` when it is missing or
# pyproject.toml changed since MARKER was written.
make_venv() {
  local target=$1 marker=$2
  if [ ! -f "$marker" ] || [ pyproject.toml -nt "$marker" ]; then
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e "$target"
    touch "$marker"
  fi
}
