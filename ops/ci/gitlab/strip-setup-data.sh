#!/bin/sh
# strip-setup-data.sh FILE — removes the top-level "setup_data" member from a k6 --summary-export
# file, in place.
#
# Why: k6's legacy export (docs/k6-semantics.md#summary-data) keeps whatever setup() returned. The tenant load
# bundle's setup() returns the tenants' tokens sealed (AES-256-GCM, key derived from the client
# secret: lib/token-seal.ts), so nothing usable; the export is published as a GitLab report and kept
# as an artefact, so setup data is dropped anyway as defence in depth, and for scripts that do not
# seal. (handleSummary's summary.json already drops setup_data.)
#
# POSIX sh + awk only: it runs inside the grafana/k6 image (Alpine, busybox). k6 writes the export
# with JSON.stringify(…, null, 4); members of the top-level object are the lines indented like the
# first one. A "setup_data" member is dropped up to the next top-level member or the closing brace,
# and a comma left dangling before that brace is removed. Exit 1 if FILE is missing, or if the
# result still mentions setup_data.
set -eu

usage() {
  echo "Usage: strip-setup-data.sh FILE   (a k6 --summary-export JSON file, edited in place)"
}

error() {
  echo "strip-setup-data: error: $*" >&2
}

if [ "$#" -ne 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  usage
  [ "$#" -eq 1 ] && exit 0
  exit 2
fi
file="$1"
[ -f "$file" ] || { error "$file does not exist (did k6 run with --summary-export=$file?)"; exit 1; }

tmp="$file.tmp.$$"
trap 'rm -f "$tmp"' EXIT

awk '
  NR == 2 { match($0, /^[ \t]*/); indent = substr($0, 1, RLENGTH) }
  # A top-level member starts with exactly the first members indentation, then a quote.
  function top(line) { return indent != "" && substr(line, 1, length(indent) + 1) == indent "\"" }
  {
    if (skipping) {
      if (top($0)) { skipping = 0 }
      else if ($0 ~ /^}[ \t]*$/) {
        skipping = 0
        # setup_data was the last member: drop the comma the previous member left behind.
        sub(/,[ \t]*$/, "", held)
      } else { next }
    }
    if (top($0) && substr($0, length(indent) + 1, 13) == "\"setup_data\":") { skipping = 1; next }
    if (have) print held
    held = $0; have = 1
  }
  END { if (have) print held }
' "$file" >"$tmp"

if grep -q '"setup_data"' "$tmp"; then
  error "$file still has a setup_data member after stripping; not publishing it"
  exit 1
fi
mv "$tmp" "$file"
trap - EXIT
