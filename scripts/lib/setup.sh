# Installs what claudesh needs to build, test or benchmark, when it is missing.
# Sourced by scripts/claudesh, scripts/test and scripts/bench; Debian (as root, or with sudo) or macOS with Homebrew.

# need PACKAGE:PROBE...: installs each Debian package whose probe (a command, or a file path) is missing.
need() {
  local missing=() item package probe
  for item in "$@"; do
    package=${item%%:*}
    probe=${item#*:}
    if [[ $probe == /* ]]; then [[ -e $probe ]] && continue; else command -v "$probe" >/dev/null 2>&1 && continue; fi
    missing+=("$package")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(uname) == Darwin ]]; then
    local brew_names=()
    for package in "${missing[@]}"; do
      case $package in libedit-dev) brew_names+=(libedit) ;; libsqlite3-dev) brew_names+=(sqlite) ;; libyaml-dev) brew_names+=(libyaml) ;; libmicrohttpd-dev) brew_names+=(libmicrohttpd) ;; bash-completion) brew_names+=(bash-completion@2) ;; *) brew_names+=("$package") ;; esac
    done
    echo "claudesh: installing with Homebrew: ${brew_names[*]}" >&2
    brew install "${brew_names[@]}"
    return
  fi
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  echo "claudesh: installing Debian packages: ${missing[*]}" >&2
  if [[ -z ${CLAUDESH_APT_UPDATED:-} ]]; then
    $sudo apt-get update -qq
    export CLAUDESH_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The Swift toolchain: on PATH, or the one at /opt/swift.
need_swift() {
  if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH=/opt/swift/usr/bin:$PATH
  fi
  command -v swift >/dev/null 2>&1 || { echo "claudesh: Swift 6 is needed: https://www.swift.org/install" >&2; exit 1; }
}

need_build() {
  need_swift
  need libedit-dev:/usr/include/histedit.h libsqlite3-dev:/usr/include/sqlite3.h libyaml-dev:/usr/include/yaml.h \
    libmicrohttpd-dev:/usr/include/microhttpd.h pkg-config:pkg-config
  if [[ $(uname) == Darwin ]]; then
    export PKG_CONFIG_PATH="$(brew --prefix libedit)/lib/pkgconfig:${PKG_CONFIG_PATH:-}"
  fi
}

# The programs claudesh drives: gpg and pass for secrets, git for the store's history, crontab
# for the scheduled jobs; and the libraries it loads when it needs them: libcurl (with OpenSSL)
# for remote MCP servers, libcrypto for SHA-256. macOS has its own libcurl in /usr/lib.
need_runtime() {
  need gnupg:gpg gpg-agent:gpg-agent pass:pass git:git cron:crontab
  if [[ $(uname) != Darwin ]]; then
    local libs="/usr/lib/$(uname -m)-linux-gnu"
    need libcurl4:$libs/libcurl.so.4 libssl3:$libs/libcrypto.so.3 libmicrohttpd12:$libs/libmicrohttpd.so.12
  fi
}

need_test() {
  need_build
  need_runtime
  need zsh:zsh fish:fish bash-completion:/usr/share/bash-completion/bash_completion openssl:openssl tinyproxy:tinyproxy strace:strace
  need_test_servers
  need_legacy_servers
  need_tars
}

# need_venv VENV CHECK WHAT PACKAGES...: a Python venv at VENV with PACKAGES from PyPI, made or
# refilled unless the Python code CHECK already runs in it.
need_venv() {
  local venv=$1 check=$2 what=$3
  shift 3
  "$venv/bin/python" -c "$check" 2>/dev/null && return 0
  need python3:python3
  python3 -m venv "$venv" 2>/dev/null || { need python3-venv:/usr/lib/python3/dist-packages/venv; python3 -m venv "$venv"; }
  echo "claudesh: installing $what from PyPI into $venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check "$@"
}

# The MCP servers the tests probe, from PyPI, in a venv under .build: mcp-server-time and
# mcp-server-git (stdio, both eras, on the SDK 2.x) and the Python `mcp` SDK (the
# streamable-HTTP and legacy-SSE fixtures) under uvicorn and under Hypercorn (HTTP/2); PyYAML
# with libyaml, what claudesh's YAML is compared with; and aiosmtpd, the SMTP server that alert
# emails are sent to. Exports CLAUDESH_TEST_VENV.
need_test_servers() {
  local venv="$root/.build/test-venv"
  need_venv "$venv" 'import os, sys, mcp, uvicorn, hypercorn, h2, yaml, aiosmtpd; assert yaml.__with_libyaml__; assert all(os.access(os.path.join(os.path.dirname(sys.executable), n), os.X_OK) for n in ("mcp-server-time", "mcp-server-git", "mcp-server-fetch"))' \
    "test servers" 'mcp>=1.9' mcp-server-time mcp-server-git mcp-server-fetch uvicorn hypercorn pyyaml aiosmtpd
  export CLAUDESH_TEST_VENV="$venv"
}

# Servers of the handshake era only, as many still are: the `mcp` SDK before 2.0 (FastMCP, the
# fixture Tests/Fixtures/mcp_legacy_server.py) and mcp-server-time's last release built on it, in a
# venv of their own beside the dual-era one. Exports CLAUDESH_LEGACY_VENV.
need_legacy_servers() {
  local venv="$root/.build/legacy-venv"
  need_venv "$venv" 'import os, sys, mcp, uvicorn; from importlib.metadata import version; assert version("mcp").startswith("1."); assert os.access(os.path.join(os.path.dirname(sys.executable), "mcp-server-time"), os.X_OK)' \
    "legacy (handshake-era) test servers" 'mcp>=1.9,<2' 'mcp-server-time==2025.9.25' uvicorn
  export CLAUDESH_LEGACY_VENV="$venv"
}

# The two tars a backup is tested with, each as `tar` in a folder of its own under .build, for a
# test to put first on PATH: GNU tar (Linux's) in .build/tars/gnu and bsdtar (macOS's, Debian's
# libarchive-tools) in .build/tars/bsd. Exports CLAUDESH_TEST_TARS.
need_tars() {
  need libarchive-tools:bsdtar
  local gnu=tar
  if [[ $(uname) == Darwin ]]; then need gnu-tar:gtar; gnu=gtar; fi
  local tars="$root/.build/tars"
  mkdir -p "$tars/gnu" "$tars/bsd"
  ln -sfn "$(command -v "$gnu")" "$tars/gnu/tar"
  ln -sfn "$(command -v bsdtar)" "$tars/bsd/tar"
  "$tars/gnu/tar" --version | grep -q 'GNU tar' || { echo "claudesh: $tars/gnu/tar is not GNU tar" >&2; exit 1; }
  "$tars/bsd/tar" --version | grep -q 'bsdtar' || { echo "claudesh: $tars/bsd/tar is not bsdtar" >&2; exit 1; }
  export CLAUDESH_TEST_TARS="$tars"
}

# Compose v2 for the tests, next to Debian 12's v1 (docker-compose). Debian 13's docker-compose
# package is v2, a static Go binary that needs only libc6 >= 2.34: its one .deb is fetched with a
# sources list of its own (the system's sources, lists and caches are left alone), unpacked, and
# its CLI plugin put in the cli-plugins/ of a DOCKER_CONFIG folder under .build, so that
# `docker compose` works when DOCKER_CONFIG points there. Done once; exports
# CLAUDESH_TEST_COMPOSE_V2_CONFIG.
need_compose_v2() {
  local base="$root/.build/compose-v2"
  local config="$base/docker-config"
  if [[ ! -x $config/cli-plugins/docker-compose ]]; then
    echo "claudesh: fetching Compose v2 (Debian 13's docker-compose package) into $base" >&2
    rm -rf "$base"
    local apt="$base/apt"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/deb"
    echo "deb http://deb.debian.org/debian trixie main" >"$apt/sources.list"
    local options=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::lists=$apt/lists"
      -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root -qq)
    apt-get "${options[@]}" update
    (cd "$apt/deb" && apt-get "${options[@]}" download docker-compose/trixie)
    dpkg -x "$apt"/deb/docker-compose_*.deb "$apt/root"
    mkdir -p "$config/cli-plugins"
    mv "$apt/root/usr/libexec/docker/cli-plugins/docker-compose" "$config/cli-plugins/docker-compose"
    rm -rf "$apt"
  fi
  local version
  version=$(DOCKER_CONFIG=$config docker compose version 2>&1) || { echo "claudesh: Compose v2 does not run: $version" >&2; exit 1; }
  export CLAUDESH_TEST_COMPOSE_V2_CONFIG="$config"
}

# A private Docker engine for the tests, so a developer's own Docker is never touched: its own
# socket, data and exec roots, no bridge and no iptables (test services use network_mode: none).
# Builds the test image offline from busybox-static (no registry is reachable). Compose v1 is
# Debian's docker-compose, v2 comes from need_compose_v2. Exports CLAUDESH_TEST_DOCKER_HOST;
# `stop_test_engine` stops it by its pid. If it cannot start, its log is shown and the run fails:
# the Docker tests never skip.
start_test_engine() {
  need docker.io:dockerd docker-compose:docker-compose busybox-static:/bin/busybox
  need_compose_v2
  engine_dir=$(mktemp -d /tmp/claudesh-dockerd.XXXXXX)
  local socket="unix://$engine_dir/docker.sock"
  dockerd --host "$socket" --data-root "$engine_dir/data" --exec-root "$engine_dir/exec" \
    --pidfile "$engine_dir/pid" --bridge=none --iptables=false --ip-masq=false >"$engine_dir/log" 2>&1 &
  engine_pid=$!
  local tries=0
  until DOCKER_HOST=$socket docker version >/dev/null 2>&1; do
    if ! kill -0 "$engine_pid" 2>/dev/null || ((++tries > 240)); then
      echo "claudesh: the test Docker engine did not start; its log:" >&2
      cat "$engine_dir/log" >&2
      stop_test_engine
      exit 1
    fi
    sleep 0.25
  done
  local rootfs="$engine_dir/rootfs"
  mkdir -p "$rootfs/bin" "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  local tool
  for tool in sh sleep env cat echo ls ps true false kill printenv; do ln -s busybox "$rootfs/bin/$tool"; done
  tar -C "$rootfs" -c . | DOCKER_HOST=$socket docker import - claudesh-test/busybox:1 >/dev/null
  export CLAUDESH_TEST_DOCKER_HOST=$socket
}

stop_test_engine() {
  [[ -n ${engine_pid:-} ]] || return 0
  # Containers first (their shims outlive the engine otherwise), then the engine, by its pid.
  local ids
  ids=$(DOCKER_HOST="unix://$engine_dir/docker.sock" docker ps -aq 2>/dev/null || true)
  [[ -n $ids ]] && DOCKER_HOST="unix://$engine_dir/docker.sock" docker rm -f $ids >/dev/null 2>&1
  kill "$engine_pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$engine_pid" 2>/dev/null && ((waited++ < 60)); do sleep 0.25; done
  kill -9 "$engine_pid" 2>/dev/null || true
  rm -rf "$engine_dir" 2>/dev/null || true
  engine_pid=""
}
