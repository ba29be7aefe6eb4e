#!/usr/bin/env bash
# Fetches the manual-page corpus used by the quality tests and benchmarks into DEST_DIR.
#
# Usage: fetch-corpus.sh DEST_DIR [PINS_FILE]
#
# The corpus is a set of pinned Debian packages, listed with their SHA-256 in PINS_FILE (default: corpus.sha256
# next to this script; corpus-extra.sha256 holds the packages that take the large corpus past 10,000 documents). They are downloaded with `apt-get download pkg=version`, verified against the pins, and
# unpacked with `dpkg-deb -x`. DEST_DIR/.complete records the pins the tree was built from, so running
# the script again is a no-op unless the pins change. The tree is built in a staging directory and
# moved into place, so an interrupted run never leaves a half-extracted DEST_DIR that looks complete.
set -euo pipefail

die() { echo "fetch-corpus.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || [ $# -eq 2 ] || die "usage: fetch-corpus.sh DEST_DIR [PINS_FILE]"
dest=$1
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pins_file=${2:-"$script_dir/corpus.sha256"}
case $pins_file in /*) ;; *) pins_file="$script_dir/$pins_file" ;; esac
[ -f "$pins_file" ] || die "missing pin file $pins_file"

# The pins without comments or blank lines: "<sha256>  <file>.deb" per line. This is also the marker content.
pins=$(grep -Ev '^[[:space:]]*(#|$)' "$pins_file" | awk '{print $1 "  " $2}')
[ -n "$pins" ] || die "no pins in $pins_file"

marker_ok() { [ -f "$dest/.complete" ] && [ "$(cat "$dest/.complete")" = "$pins" ]; }

if marker_ok; then exit 0; fi

for tool in apt-get dpkg-deb sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required (a Debian-based system) to fetch the corpus"
done

# Never delete something that is not a corpus tree (e.g. a mistyped DEST_DIR): an existing, non-empty
# DEST_DIR must carry a marker (from other pins) to be replaced.
if [ -d "$dest" ] && [ ! -f "$dest/.complete" ] && [ -n "$(ls -A "$dest")" ]; then
  die "$dest exists, is not empty and has no .complete marker; refusing to replace it (remove it yourself if it is a stale corpus)"
fi

parent=$(dirname "$dest")
mkdir -p "$parent"

# Serialise concurrent builds (e.g. several modules' tests starting at once) on a lock next to DEST_DIR.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dest.lock"
  flock 9
  if marker_ok; then exit 0; fi
fi

work=$(mktemp -d "$parent/.fetch-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/debs" "$work/tree"
chmod 755 "$work"
# apt-get drops to the _apt user for downloads when run as root; let it write there to avoid the
# "unsandboxed" warning (harmless either way).
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
  chown _apt "$work/debs" 2>/dev/null || true
fi

specs=()
while read -r _ file; do
  [[ $file =~ ^([^_]+)_([^_]+)_([^_]+)\.deb$ ]] || die "unexpected pinned file name '$file' in $pins_file"
  version=${BASH_REMATCH[2]//%3a/:}
  specs+=("${BASH_REMATCH[1]}=$version")
done <<<"$pins"

download() { (cd "$work/debs" && apt-get download -q "${specs[@]}" >&2); }

echo "fetch-corpus.sh: downloading ${specs[*]}" >&2
if ! download; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "fetch-corpus.sh: download failed; running apt-get update once and retrying" >&2
    apt-get update -q >&2 || die "apt-get update failed"
    download || die "apt-get download ${specs[*]} failed even after apt-get update"
  else
    die "apt-get download ${specs[*]} failed. The package lists may be stale or lack these versions (Debian bookworm); run 'sudo apt-get update' and retry, or run this script as root."
  fi
fi

while read -r want file; do
  deb="$work/debs/$file"
  [ -f "$deb" ] || die "apt-get did not produce $file (found: $(ls "$work/debs" | tr '\n' ' '))"
  got=$(sha256sum "$deb" | awk '{print $1}')
  if [ "$got" != "$want" ]; then
    echo "fetch-corpus.sh: SHA-256 MISMATCH for $file" >&2
    echo "  expected $want" >&2
    echo "  actual   $got" >&2
    die "refusing to use an unverified corpus package; check the mirror or update $pins_file deliberately"
  fi
  dpkg-deb -x "$deb" "$work/tree"
done <<<"$pins"

printf '%s\n' "$pins" >"$work/tree/.complete"
# Replace any stale or partial tree, then move the finished one into place in one rename.
rm -rf "$dest"
mv "$work/tree" "$dest"
echo "fetch-corpus.sh: corpus ready in $dest" >&2
