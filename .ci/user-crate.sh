#!/usr/bin/env bash
# Builds a crate of a user's, outside this repository, from the examples the docs show, and
# runs its tests. A doc example compiles in this repository's doc tests with all of its
# dependencies and dev-dependencies at hand (tower_layer, http, ...); a user has only the
# crate's public API and what they add themselves. So every Rust block of the README and of
# the crate's docs is written into the user crate, as rustdoc would run it:
#
#   - the README's first block is the crate's `src/main.rs`;
#   - a block with `#[tokio::test]` or `#[test]` is a test file (its tests run);
#   - a block with its own `fn main` is an example, as it is;
#   - any other block is an example whose `main` runs it in a closure (as rustdoc wraps it).
#
# Hidden lines (`# ...`) are shown; `# #[cfg(feature = "...")]` lines, which only gate a doc
# test on this crate's own features, are dropped: the user crate has the features it uses.
#
# The user has axum, serde_json (events are written back with it), tokio, tower and
# tower-http, and the crate with the features `axum`,
# `redis` and `chat` (with `testing` for tests). Versions come from this repository's
# Cargo.lock, so that nothing new needs fetching. CARGO_TARGET_DIR is shared when set.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/room-webhook-user.XXXXXX")"
# KEEP=1 keeps the crate, to look at what was built.
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"

mkdir -p "$work/src" "$work/examples" "$work/tests" "$work/blocks"
cat >"$work/Cargo.toml" <<EOF
[package]
name = "room-webhook-user"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
tencent-room-webhook = { path = "$repo", features = ["axum", "redis", "chat"] }
axum = "0.8"
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread", "net", "time"] }
tower = { version = "0.5", features = ["util"] }
tower-http = { version = "0.6", features = ["trace", "timeout"] }

[dev-dependencies]
tencent-room-webhook = { path = "$repo", features = ["axum", "redis", "chat", "testing"] }
EOF
cp "$repo/Cargo.lock" "$work/Cargo.lock"

# Writes each Rust block of file $1 to $work/blocks/$2_<n>.rs.
blocks() {
  awk -v out="$work/blocks/$2" -v markdown="${1%.md}" -v file="$1" '
    BEGIN { n = 0; inside = 0; rust = 0; is_md = (markdown != file) }
    {
      line = $0
      if (!is_md) {
        # Doc comments only; any other line ends a block.
        if (line !~ /^[ \t]*\/\/[!\/]/) { inside = 0; next }
        sub(/^[ \t]*\/\/[!\/] ?/, "", line)
      }
      if (line ~ /^```/) {
        if (inside) { inside = 0; if (rust) close(path); next }
        lang = substr(line, 4)
        inside = 1
        rust = (lang == "" || lang ~ /^(rust|no_run|should_panic)(,(rust|no_run|should_panic))*$/)
        if (rust) { n++; path = out "_" n ".rs"; printf "" > path }
        next
      }
      if (!inside || !rust) next
      if (line ~ /^# *#\[cfg\(feature *=/) next
      if (line == "#") line = ""
      else if (line ~ /^# /) line = substr(line, 3)
      print line > path
    }
  ' "$1"
}

blocks "$repo/README.md" readme
# Every source file, at any depth (a module may be a folder of its own).
find "$repo/src" -name '*.rs' | sort | while read -r source; do
  name="${source#"$repo"/src/}"
  name="${name%.rs}"
  blocks "$source" "${name//\//_}"
done

mv "$work/blocks/readme_1.rs" "$work/src/main.rs"
for block in "$work"/blocks/*.rs; do
  [ -e "$block" ] || continue
  name="$(basename "$block")"
  if grep -Eq '#\[(tokio::)?test\]' "$block"; then
    # The test harness brings its own main.
    grep -Ev '^fn main\(\) \{\}$' "$block" >"$work/tests/$name"
  elif grep -Eq '^(async )?fn main\(' "$block" || grep -Eq '^#\[tokio::main' "$block"; then
    { echo '#![allow(unused)]'; cat "$block"; } >"$work/examples/$name"
  else
    {
      echo '#![allow(unused)]'
      echo 'fn main() {'
      echo '    let _ = (|| {'
      cat "$block"
      echo '    })();'
      echo '}'
    } >"$work/examples/$name"
  fi
done
echo "user crate in $work: src/main.rs (the README), $(ls "$work/examples" | wc -l) examples, $(ls "$work/tests" | wc -l) test files"

cd "$work"
# Offline when the lock file's versions are all here already; else fetch what is missing.
cargo fetch --offline >/dev/null 2>&1 || cargo fetch
cargo build --all-targets --offline
cargo test --offline
