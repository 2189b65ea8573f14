#!/usr/bin/env bash
# Seeds fuzz/corpus/<target> from tests/fixtures (the corpus folders are not committed).
#   callback: each fixture behind 24 zero bytes, the control header of a well-formed,
#             signed callback whose query command is the body's own (see the target).
#   decode:   each fixture behind one 0 byte (Event::from_json).
# Idempotent; run from anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../tests/fixtures"
mkdir -p "$here/corpus/callback" "$here/corpus/decode"
for file in "$fixtures"/room/*.json "$fixtures"/drift/*.json; do
  name="$(basename "$(dirname "$file")")-$(basename "$file" .json)"
  { head -c 24 /dev/zero; cat "$file"; } > "$here/corpus/callback/seed-$name"
  { head -c 1 /dev/zero; cat "$file"; } > "$here/corpus/decode/seed-$name"
done
echo "seeded $(ls "$here/corpus/callback" | wc -l) callback and $(ls "$here/corpus/decode" | wc -l) decode inputs"
