# Puts the built claudesh where configs and scheduled jobs can keep pointing at it, and keeps
# an up-to-date build quiet. Sourced by scripts/claudesh; the tests source it too.

# build_quietly COMMAND...: runs the build; its output is shown from the first line that
# compiles, links or warns (the lines before it with it), and all of it when the build fails, so
# that a start with nothing to build prints nothing.
build_quietly() {
  local log status
  log=$(mktemp "${TMPDIR:-/tmp}/claudesh-build.XXXXXX")
  set +e
  "$@" 2>&1 | tee "$log" | awk '
    shown { print; fflush(); next }
    { held = held $0 "\n" }
    /Compiling|Linking|warning:|error:/ { printf "%s", held; fflush(); shown = 1 }' >&2
  status=${PIPESTATUS[0]}
  set -e
  if [[ $status -ne 0 ]] && ! grep -qE 'Compiling|Linking|warning:|error:' "$log"; then cat "$log" >&2; fi
  rm -f "$log"
  return "$status"
}

# release_flags: sets `flags` to the release build as it ships, which both the installer and the
# bench build. On Linux the Swift runtime is linked in, and libstdc++ with it: the Swift runtime
# needs only a little of libstdc++, but the shared one costs every start about 0.5 ms (1.1 million
# of the dynamic loader's 1.3 million cycles go to its symbol relocations). The toolchain's link
# arguments name `-lstdc++`; a folder that holds only the archive, searched first, makes the
# linker take the archive (the GCC runtime exception allows it).
release_flags() {
  flags=(-c release --package-path "$root")
  [[ $(uname) == Linux ]] || return 0
  # The Swift driver exports every symbol of an executable (--export-dynamic): 12,500 of them,
  # 7,300 SwiftNIO's, which nothing loaded here looks up, but which the loader and the runtime's
  # `dladdr` at start walk. Not exported, `claudesh -c help` starts 0.4 ms sooner.
  flags+=(--static-swift-stdlib -Xlinker --no-export-dynamic)
  local archive folder=$root/.build/static-libstdc++
  archive=$(clang -print-file-name=libstdc++.a)
  if [[ $archive == /* && -f $archive ]]; then
    mkdir -p "$folder"
    ln -sfn "$archive" "$folder/libstdc++.a"
    flags+=(-Xlinker "-L$folder")
  fi
}

# The folder claudesh is installed to: CLAUDESH_INSTALL_DIR, else /usr/local/bin as root, else
# ~/.local/bin.
install_folder() {
  if [[ -n ${CLAUDESH_INSTALL_DIR:-} ]]; then echo "$CLAUDESH_INSTALL_DIR"
  elif [[ $(id -u) -eq 0 ]]; then echo /usr/local/bin
  else echo "$HOME/.local/bin"; fi
}

# install_claudesh BUILT: copies BUILT to the install folder when its bytes differ from the
# installed one (a temp file in that folder, mode 755, renamed over it: a running claudesh or a
# job starting at that moment sees the old file or the new one, never half of one), and prints
# the installed path.
install_claudesh() {
  local built=$1 folder installed temporary
  folder=$(install_folder)
  installed=$folder/claudesh
  if ! cmp -s "$built" "$installed"; then
    mkdir -p "$folder"
    temporary=$(mktemp "$folder/.claudesh.XXXXXX")
    if ! { cp "$built" "$temporary" && chmod 755 "$temporary" && mv -f "$temporary" "$installed"; }; then
      rm -f "$temporary"
      echo "claudesh: could not install $installed (set CLAUDESH_INSTALL_DIR to a folder you can write)" >&2
      return 1
    fi
    echo "claudesh: installed $installed" >&2
    case ":$PATH:" in *":$folder:"*) ;; *) echo "claudesh: $folder is not on PATH: add it, so that 'claudesh' starts this one" >&2 ;; esac
  fi
  echo "$installed"
}
