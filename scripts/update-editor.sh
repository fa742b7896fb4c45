#!/usr/bin/env bash
# Vendors the WYSIWYG editor used by the article pages: downloads the pinned
# npm package, checks its integrity against the pin below, and copies only
# the browser bundle (minified JS + CSS) and its licence into
# crates/web/assets/vendor/wangeditor/, with a VERSION file. The web crate
# embeds these files and serves them under content-hashed URLs.
#
# To update: change VERSION, run once with INTEGRITY="" to print the new
# integrity, review the upstream changes, paste the integrity here, run again,
# and run `cargo test -p dangjian-web assets`.
set -euo pipefail

NAME=wangeditor
PACKAGE=@wangeditor-next/editor
VERSION=5.7.2
LICENCE=MIT
INTEGRITY=${INTEGRITY-sha512-jhwY3n30V+hLP+Q1NkHBpEF83+wQghzT3p1yL/CbThT6WkAJnwRRzq1GzqsP6Ya+f06oz5SZ6PdCNRhPlRFw2A==}

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/crates/web/assets/vendor/$NAME"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
# `npm pack` fetches the exact version's tarball through the ordinary npm
# client (and its configured registry) without installing or running scripts.
npm pack --json --ignore-scripts "$PACKAGE@$VERSION" > pack.json
read -r tarball got_integrity shasum < <(node -e '
  const p = JSON.parse(require("fs").readFileSync("pack.json", "utf8"))[0];
  console.log(p.filename, p.integrity, p.shasum);
')
if [ -z "$INTEGRITY" ]; then
  echo "integrity of $PACKAGE@$VERSION: $got_integrity" >&2
  exit 1
fi
if [ "$got_integrity" != "$INTEGRITY" ]; then
  echo "integrity mismatch for $PACKAGE@$VERSION: got $got_integrity, pinned $INTEGRITY" >&2
  exit 1
fi
tar -xzf "$tarball"

mkdir -p "$dest"
# The bundle ends with a source-map comment; the map is not vendored.
sed '$ s|//# sourceMappingURL=.*$||' package/dist/index.js > "$dest/editor.js"
sed '$ s|/\*# sourceMappingURL=.*\*/$||' package/dist/css/style.css > "$dest/editor.css"
cp package/LICENSE "$dest/LICENSE"
cat > "$dest/VERSION" <<VERSION_FILE
name: $PACKAGE
version: $VERSION
licence: $LICENCE
tarball: $tarball
integrity: $got_integrity
shasum: $shasum
files: editor.js <- dist/index.js, editor.css <- dist/css/style.css, LICENSE
VERSION_FILE

echo "vendored $PACKAGE@$VERSION into ${dest#"$root"/}:"
ls -l "$dest"
