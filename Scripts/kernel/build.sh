#!/usr/bin/env bash
# Downloads Debian's linux-source at a pinned version, unpacks it outside the tracked
# tree and builds a User-Mode Linux kernel from defconfig plus Scripts/kernel/uml.config.
# A second run with the same source and fragment rebuilds nothing: the kernel binary is
# stamped with a hash of the fragment.
#
# Usage: Scripts/kernel/build.sh            (prints the path of the built `linux` binary last)
# Env:   KERNEL_CACHE   cache folder (default: .kernel-cache/ in the package, git-ignored)
#        KERNEL_VERSION Debian package version (default: the pinned one below; another
#                       version is used only with KERNEL_ALLOW_OTHER=1, with a warning)
#        JOBS           make -j (default: nproc)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# Pinned: the version the results in README.md were measured on.
PINNED_VERSION="6.12.117-1~deb12u1"
SERIES="6.12"
KERNEL_VERSION="${KERNEL_VERSION:-$PINNED_VERSION}"
KERNEL_CACHE="${KERNEL_CACHE:-$ROOT/.kernel-cache}"
JOBS="${JOBS:-$(nproc)}"
FRAGMENT="$ROOT/Scripts/kernel/uml.config"

if [ "$KERNEL_VERSION" != "$PINNED_VERSION" ]; then
  if [ "${KERNEL_ALLOW_OTHER:-0}" = 1 ]; then
    echo "warning: linux-source-$SERIES $KERNEL_VERSION is not the pinned $PINNED_VERSION" >&2
  else
    echo "refusing linux-source-$SERIES $KERNEL_VERSION: pinned is $PINNED_VERSION (KERNEL_ALLOW_OTHER=1 to override)" >&2
    exit 2
  fi
fi
for tool in flex bison bc gcc make; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install flex bison bc gcc make)" >&2; exit 1; }
done

mkdir -p "$KERNEL_CACHE"
SRC="$KERNEL_CACHE/linux-source-$KERNEL_VERSION"
OUT="$KERNEL_CACHE/build-uml-$KERNEL_VERSION"

if [ ! -f "$SRC/Makefile" ]; then
  ( cd "$KERNEL_CACHE"
    deb="linux-source-${SERIES}_${KERNEL_VERSION}_all.deb"
    if [ ! -f "$deb" ]; then
      apt-get update -qq
      apt-get download "linux-source-$SERIES=$KERNEL_VERSION"
      # apt escapes ':' and '~' differently across versions; normalise the name we look for.
      got=$(ls linux-source-"$SERIES"_*.deb | head -1)
      [ "$got" = "$deb" ] || mv "$got" "$deb"
    fi
    got_version=$(dpkg-deb -f "$deb" Version)
    [ "$got_version" = "$KERNEL_VERSION" ] || { echo "downloaded $got_version, wanted $KERNEL_VERSION" >&2; exit 1; }
    rm -rf pkg; mkdir pkg; dpkg-deb -x "$deb" pkg
    tarball=$(ls pkg/usr/src/linux-source-"$SERIES".tar.* | head -1)
    rm -rf "linux-source-$SERIES" "$SRC"
    tar -xaf "$tarball"
    mv "linux-source-$SERIES" "$SRC"
    echo "$KERNEL_VERSION" > "$SRC/.debian-version"
    rm -rf pkg )
fi

stamp="$(sha256sum "$FRAGMENT" | cut -c1-16)"
if [ -x "$OUT/linux" ] && [ "$(cat "$OUT/.fragment-stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "cached: $OUT/linux (linux-source-$SERIES $KERNEL_VERSION, fragment $stamp)" >&2
  echo "$OUT/linux"
  exit 0
fi

mkdir -p "$OUT"
start=$(date +%s)
make -s -C "$SRC" O="$OUT" ARCH=um defconfig >/dev/null
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OUT" "$OUT/.config" "$FRAGMENT" >/dev/null
make -s -C "$SRC" O="$OUT" ARCH=um olddefconfig >/dev/null
# merge_config only warns; a symbol the fragment asks for that Kconfig dropped would make
# every later result meaningless, so stop here.
missing=0
while IFS= read -r line; do
  case "$line" in CONFIG_*=*) grep -qx "$line" "$OUT/.config" || { echo "config: $line not set" >&2; missing=1; } ;; esac
done < "$FRAGMENT"
[ "$missing" = 0 ] || exit 1
make -s -C "$SRC" O="$OUT" ARCH=um -j"$JOBS" linux modules >"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; exit 1; }
end=$(date +%s)
echo "$stamp" > "$OUT/.fragment-stamp"
echo "built $OUT/linux in $((end - start)) s with -j$JOBS (linux-source-$SERIES $KERNEL_VERSION)" >&2
echo "$OUT/linux"
