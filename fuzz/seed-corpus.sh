#!/usr/bin/env bash
# Seeds fuzz/corpus/<target> from tests/fixtures (the corpus folders are not committed):
# the requests of room/, drift/, live/, chat/ and their variants/ (not the answers/).
#   callback: each fixture behind 24 zero bytes, the control header of a well-formed,
#             signed callback whose query command is the body's own (see the target).
#             The three bodies without a top-level CallbackCommand take their command
#             from the query, so their header names it: byte 8 = 2 + i and byte 11 = 1
#             pick COMMANDS[8 + i] of the target (QUERY_DECIDED_AT = 8), i = 0
#             Push.OfflinePush, 1 Push.AllMemberPush, 2 ContentCallback.ResultNotify.
#   decode:   each fixture behind one 0 byte (Event::from_json); the three above behind
#             the byte 8 + i, Event::decode with COMMANDS[7 + i] of that target.
# Idempotent; run from anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../tests/fixtures"
mkdir -p "$here/corpus/callback" "$here/corpus/decode"

# The index i above of a fixture whose body's command is the query's, or nothing.
query_decided() {
  case "$(basename "$1")" in
    push_offline_push.json | push_offline_push.*.json) echo 0 ;;
    push_all_member_push.json | push_all_member_push.*.json) echo 1 ;;
    content_callback_result_notify.json | content_callback_result_notify.*.json) echo 2 ;;
  esac
}

shopt -s nullglob
for file in "$fixtures"/room/*.json "$fixtures"/drift/*.json \
  "$fixtures"/live/*.json "$fixtures"/live/variants/*.json \
  "$fixtures"/chat/*.json "$fixtures"/chat/variants/*.json; do
  relative="${file#"$fixtures"/}"
  name="$(echo "${relative%.json}" | tr '/' '-')"
  i="$(query_decided "$file")"
  if [ -n "$i" ]; then
    # Bytes 0..8 zero, byte 8 = 2 + i, bytes 9, 10 zero, byte 11 = 1, bytes 12..24 zero.
    header="$(printf '\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x%02x\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00' $((2 + i)))"
    selector="$(printf '\\x%02x' $((8 + i)))"
  else
    header="$(printf '\\x00%.0s' {1..24})"
    selector='\x00'
  fi
  { printf "$header"; cat "$file"; } > "$here/corpus/callback/seed-$name"
  { printf "$selector"; cat "$file"; } > "$here/corpus/decode/seed-$name"
done
echo "seeded $(ls "$here/corpus/callback" | wc -l) callback and $(ls "$here/corpus/decode" | wc -l) decode inputs"
