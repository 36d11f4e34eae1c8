#!/usr/bin/env bash
# Runs the devm-lifetime lint over drivers/ of Debian's linux-source-6.1 and -6.12 (pinned
# package versions), times it warm (CPU time and peak memory too), and, when coccinelle is
# installed, times a simple SmPL rule over the same tree with -j 2 and prints both ratios.
#
# Usage: Scripts/lint-corpus.sh [--no-download] [--no-cocci] [--install-cocci] [--whole]
#                               [--compare REFERENCE_LINT] [6.1|6.12 ...]
#   --whole     also lint (and spatch) the whole tree, not only drivers/
#   --compare   also run REFERENCE_LINT (a devmodel-lint built from another commit, e.g.
#               `git worktree add /tmp/base REV && cd /tmp/base && swift build -c release
#               --product devmodel-lint`) on the same trees and fail unless its findings are
#               identical (text output less the summary line): the check that a speed
#               change kept every finding
# Env:   CORPUS_DIR   where kernel trees are unpacked (default: .corpus/ in this package,
#                     git-ignored; kernel sources are never committed)
#        SCRATCH      SwiftPM scratch path for the release build (default .build-lint)
#        LINUX_SOURCE_6_1, LINUX_SOURCE_6_12   Debian package versions to download
#                     (defaults below: the versions docs/lint-results.md was measured on)
#        COCCI_FULL=1 also time spatch without its token prefilter (slow)
#
# Requires bash 3.2 or later. Downloading needs apt-get and dpkg-deb (Debian or Ubuntu);
# elsewhere unpack the trees into $CORPUS_DIR/linux-source-<v> and pass --no-download.
# Peak memory needs GNU time (`time -v`) or BSD time (`time -l`) at /usr/bin/time.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS_DIR="${CORPUS_DIR:-$ROOT/.corpus}"
SCRATCH="${SCRATCH:-.build-lint}"
LINUX_SOURCE_6_1="${LINUX_SOURCE_6_1:-6.1.192-3}"
LINUX_SOURCE_6_12="${LINUX_SOURCE_6_12:-6.12.117-1~deb12u1}"
DOWNLOAD=1; COCCI=1; INSTALL_COCCI=0; VERSIONS=""; WHOLE=0; REFERENCE=""; SAME=1
while [ $# -gt 0 ]; do
  a="$1"; shift
  case "$a" in
    --whole) WHOLE=1 ;;
    --compare)
      [ $# -gt 0 ] && [ -x "$1" ] || { echo "--compare needs an executable reference lint" >&2; exit 2; }
      REFERENCE="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; shift ;;
    --no-download) DOWNLOAD=0 ;;
    --no-cocci) COCCI=0 ;;
    --install-cocci) INSTALL_COCCI=1 ;;
    6.1|6.12) VERSIONS="$VERSIONS $a" ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done
[ -n "$VERSIONS" ] || VERSIONS="6.1 6.12"

# A corpus inside the package must be git-ignored, or a `git add -A` would take a kernel.
# The folder is made first: a pattern with a trailing slash (`/.corpus/`) matches only a
# directory, so git cannot tell that a path which does not exist yet is ignored.
mkdir -p "$CORPUS_DIR"
case "$CORPUS_DIR" in
  "$ROOT"/*)
    if command -v git >/dev/null && git -C "$ROOT" rev-parse >/dev/null 2>&1 \
        && ! git -C "$ROOT" check-ignore -q "$CORPUS_DIR"; then
      echo "CORPUS_DIR $CORPUS_DIR is inside the package but not git-ignored" >&2; exit 2
    fi ;;
esac

pin() {  # $1 = 6.1 | 6.12
  case "$1" in 6.1) echo "$LINUX_SOURCE_6_1" ;; 6.12) echo "$LINUX_SOURCE_6_12" ;; esac
}

fetch() {  # $1 = 6.1 | 6.12 ; leaves the tree at $CORPUS_DIR/linux-source-$1
  local v="$1" dir="$CORPUS_DIR/linux-source-$1" ver deb tarball
  [ -d "$dir/drivers" ] && return 0
  [ "$DOWNLOAD" = 1 ] || { echo "missing $dir and --no-download given" >&2; exit 1; }
  ver="$(pin "$v")"
  ( cd "$CORPUS_DIR"
    deb="linux-source-${v}_${ver}_all.deb"
    if [ ! -f "$deb" ]; then
      apt-get download "linux-source-$v=$ver" || {
        echo "apt does not serve linux-source-$v=$ver (run apt-get update, or set LINUX_SOURCE_${v/./_} to a version" \
             "that \`apt-cache policy linux-source-$v\` lists, and record it beside the figures)" >&2
        exit 1; }
    fi
    rm -rf "pkg-$v"; mkdir "pkg-$v"; dpkg-deb -x "$deb" "pkg-$v"
    tarball="$(ls "pkg-$v"/usr/src/linux-source-"$v".tar.* | head -1)"
    tar -xf "$tarball" -C "$CORPUS_DIR"
    rm -rf "pkg-$v" )
  [ -d "$dir/drivers" ] || { echo "unpacking linux-source-$v failed" >&2; exit 1; }
}

# measure OUT ERR CMD... : runs CMD with stdout to OUT and stderr to ERR, and sets
# M_WALL, M_CPU (user+sys, seconds) and M_RSS (peak resident set, MB, or "?").
TIME_STYLE=none
if /usr/bin/time -v true >/dev/null 2>&1; then TIME_STYLE=gnu
elif /usr/bin/time -l true >/dev/null 2>&1; then TIME_STYLE=bsd; fi
measure() {
  local out="$1" err="$2" tf="$CORPUS_DIR/.time.$$"; shift 2
  local TIMEFORMAT='%R %U %S'
  case "$TIME_STYLE" in
    gnu) { time /usr/bin/time -v -o "$tf.rss" "$@" > "$out" 2> "$err" ; } 2> "$tf" || true
         M_RSS=$(awk '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$tf.rss") ;;
    bsd) { time /usr/bin/time -l "$@" > "$out" 2> "$err" ; } 2> "$tf" || true
         M_RSS=$(awk '/maximum resident set size/ { printf "%.0f", $1 / 1048576 }' "$err") ;;
    *)   { time "$@" > "$out" 2> "$err" ; } 2> "$tf" || true
         M_RSS="?" ;;
  esac
  M_WALL=$(awk '{ print $1 }' "$tf")
  M_CPU=$(awk '{ printf "%.2f", $2 + $3 }' "$tf")
  rm -f "$tf" "$tf.rss"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "?" && b != "?") printf "%.2fx", a / b; else print "n/a" }'; }

echo "== building devmodel-lint (release)"
( cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --product devmodel-lint 2>&1 | tail -2 )
case "$SCRATCH" in /*) LINT="$SCRATCH/release/devmodel-lint" ;; *) LINT="$ROOT/$SCRATCH/release/devmodel-lint" ;; esac

if [ "$COCCI" = 1 ] && ! command -v spatch >/dev/null && [ "$INSTALL_COCCI" = 1 ]; then
  apt-get install -y -qq coccinelle >/dev/null
fi

# findings FILE: the text report less its summary line (which carries the run time).
findings() { grep -v '^devmodel-lint: [0-9]* finding' "$1" || true; }

for v in $VERSIONS; do
  fetch "$v"
  tree="$CORPUS_DIR/linux-source-$v"
  scopes="drivers"; [ "$WHOLE" = 1 ] && scopes="drivers whole"
  for scope in $scopes; do
    if [ "$scope" = drivers ]; then dir="$tree/drivers"; out="$CORPUS_DIR/lint-$v"; label="drivers/"
    else dir="$tree"; out="$CORPUS_DIR/lint-$v-whole"; label="whole tree"; fi
    nfiles=$(find "$dir" -name '*.[ch]' | wc -l | tr -d ' ')
    echo "== linux-source-$v ($(pin "$v")), $label: $nfiles .c/.h files"
    # One unmeasured run warms the page cache: the figures are for a warm tree.
    "$LINT" --root "$tree" --format text "$dir" > /dev/null 2>&1 || true
    measure "$out.txt" "$out.err" "$LINT" --root "$tree" --format text "$dir"
    lint_wall=$M_WALL; lint_cpu=$M_CPU; lint_rss=$M_RSS
    "$LINT" --root "$tree" --format json "$dir" > "$out.json" 2>/dev/null || true
    tail -1 "$out.txt"
    echo "lint: ${lint_wall}s wall, ${lint_cpu}s CPU, ${lint_rss} MB peak; findings in $out.txt / $out.json"
    if [ -n "$REFERENCE" ]; then
      "$REFERENCE" --root "$tree" --format text "$dir" > "$out.reference.txt" 2>/dev/null || true
      if diff <(findings "$out.reference.txt") <(findings "$out.txt") > "$out.reference.diff"; then
        echo "findings identical to the reference lint's ($(findings "$out.txt" | grep -c ': \(error\|warning\): ' || true) findings)"
      else
        echo "FINDINGS DIFFER from the reference lint's: see $out.reference.diff"; SAME=0
      fi
    fi
    if [ "$COCCI" = 1 ] && command -v spatch >/dev/null; then
      # Default spatch first parses only the files that hold the rule's mandatory tokens
      # (its "worth trying" prefilter); COCCI_FULL=1 also times it parsing every file.
      modes="default"; [ "${COCCI_FULL:-0}" = 1 ] && modes="default full"
      for mode in $modes; do
        extra=""; [ "$mode" = full ] && extra="--disable-worth-trying-opt"
        # spatch -j leaves per-worker output folders in its working directory: run it in
        # the corpus folder. $extra is empty or one word, so it is left unquoted on purpose.
        ( cd "$CORPUS_DIR" && measure "$out.cocci-$mode.txt" "$out.cocci-$mode.err" \
            spatch -j 2 --very-quiet --no-includes $extra --sp-file "$ROOT/Scripts/devm-cdev.cocci" --dir "$dir"
          echo "$M_WALL $M_CPU $M_RSS" > "$out.cocci-$mode.m" )
        read -r c_wall c_cpu c_rss < "$out.cocci-$mode.m"
        echo "coccinelle ($mode) -j 2: ${c_wall}s wall, ${c_cpu}s CPU, ${c_rss} MB peak, $(grep -c 'registered as misc/cdev' "$out.cocci-$mode.txt" || true) matches"
        echo "ratio coccinelle($mode)/lint: time $(ratio "$c_wall" "$lint_wall") wall, $(ratio "$c_cpu" "$lint_cpu") CPU; peak memory $(ratio "$c_rss" "$lint_rss")"
      done
    fi
  done
done
echo "load average at the end: $(uptime | sed 's/.*load average[s]*: //')"
[ "$SAME" = 1 ] || exit 1
