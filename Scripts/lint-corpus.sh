#!/usr/bin/env bash
# Runs the devm-lifetime lint over drivers/ of Debian's linux-source-6.1 and -6.12,
# times it, and (when coccinelle is installed) times a simple SmPL rule over the same
# tree with -j 2 and prints the speed ratio. Kernel sources are unpacked OUTSIDE the repo
# (default /work/corpus) and are never committed.
#
# Usage: Scripts/lint-corpus.sh [--no-download] [--no-cocci] [--install-cocci] [6.1|6.12 ...]
# Env:   CORPUS_DIR (default /work/corpus), SCRATCH (default .build-lint),
#        COCCI_FULL=1 to also time spatch without its token prefilter (slow)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS_DIR="${CORPUS_DIR:-/work/corpus}"
SCRATCH="${SCRATCH:-.build-lint}"
DOWNLOAD=1; COCCI=1; INSTALL_COCCI=0; VERSIONS=()
for a in "$@"; do
  case "$a" in
    --no-download) DOWNLOAD=0 ;;
    --no-cocci) COCCI=0 ;;
    --install-cocci) INSTALL_COCCI=1 ;;
    6.*) VERSIONS+=("$a") ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done
[ ${#VERSIONS[@]} -eq 0 ] && VERSIONS=(6.1 6.12)
case "$CORPUS_DIR" in "$ROOT"/*) echo "CORPUS_DIR must be outside the repository" >&2; exit 2 ;; esac
mkdir -p "$CORPUS_DIR"

fetch() {  # $1 = 6.1 | 6.12 ; leaves the tree at $CORPUS_DIR/linux-source-$1
  local v="$1" dir="$CORPUS_DIR/linux-source-$1"
  [ -d "$dir/drivers" ] && return 0
  [ "$DOWNLOAD" = 1 ] || { echo "missing $dir and --no-download given" >&2; exit 1; }
  ( cd "$CORPUS_DIR"
    [ -f "$CORPUS_DIR/.apt-updated" ] || { apt-get update -qq; touch "$CORPUS_DIR/.apt-updated"; }
    ls linux-source-"$v"_*.deb >/dev/null 2>&1 || apt-get download "linux-source-$v"
    local deb; deb=$(ls linux-source-"$v"_*.deb | sort | tail -1)
    rm -rf "pkg-$v"; mkdir "pkg-$v"; dpkg-deb -x "$deb" "pkg-$v"
    local tarball; tarball=$(ls "pkg-$v"/usr/src/linux-source-"$v".tar.* | head -1)
    tar -xaf "$tarball" -C "$CORPUS_DIR"
    rm -rf "pkg-$v" )
  [ -d "$dir/drivers" ] || { echo "unpacking linux-source-$v failed" >&2; exit 1; }
}

echo "== building devmodel-lint (release)"
( cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --product devmodel-lint 2>&1 | tail -2 )
LINT="$ROOT/$SCRATCH/release/devmodel-lint"

if [ "$COCCI" = 1 ] && ! command -v spatch >/dev/null && [ "$INSTALL_COCCI" = 1 ]; then
  apt-get install -y -qq coccinelle >/dev/null
fi

for v in "${VERSIONS[@]}"; do
  fetch "$v"
  tree="$CORPUS_DIR/linux-source-$v"
  nfiles=$(find "$tree/drivers" -name '*.c' | wc -l)
  echo "== linux-source-$v: $nfiles .c files under drivers/"
  out="$CORPUS_DIR/lint-$v"
  start=$(date +%s.%N)
  set +e
  "$LINT" --root "$tree" --format text "$tree/drivers" > "$out.txt" 2> "$out.err"
  rc=$?
  set -e
  end=$(date +%s.%N)
  "$LINT" --root "$tree" --format json "$tree/drivers" > "$out.json" 2>/dev/null || true
  lint_s=$(echo "$end - $start" | bc)
  tail -1 "$out.txt"
  echo "lint: ${lint_s}s wall, exit $rc, findings in $out.txt / $out.json"
  if [ "$COCCI" = 1 ] && command -v spatch >/dev/null; then
    # Default spatch first parses only the files that hold the rule's mandatory tokens
    # (its "worth trying" prefilter); COCCI_FULL=1 also times it parsing every file,
    # which is the work the lint does (it parses every file of a relevant directory).
    modes=(default); [ "${COCCI_FULL:-0}" = 1 ] && modes+=(full)
    for mode in "${modes[@]}"; do
      extra=(); [ "$mode" = full ] && extra=(--disable-worth-trying-opt)
      start=$(date +%s.%N)
      # spatch -j leaves per-worker output folders in its working directory: keep them
      # out of the repository.
      ( cd "$CORPUS_DIR" && spatch -j 2 --very-quiet --no-includes "${extra[@]}" --sp-file "$ROOT/Scripts/devm-cdev.cocci" \
        --dir "$tree/drivers" > "$out.cocci-$mode.txt" 2> "$out.cocci-$mode.err" ) || true
      end=$(date +%s.%N)
      cocci_s=$(echo "$end - $start" | bc)
      echo "coccinelle ($mode) -j 2: ${cocci_s}s, $(grep -c 'registered as misc/cdev' "$out.cocci-$mode.txt" || true) matches"
      echo "speed ratio coccinelle($mode)/lint: $(echo "scale=2; $cocci_s / $lint_s" | bc)x"
    done
  fi
done
