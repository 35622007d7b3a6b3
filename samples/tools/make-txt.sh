#!/bin/sh
# Builds samples/txt/ from the seed reports: UTF-8 copies of all five, plus the
# encodings older ministry files come in (Big5 / CP950, UTF-16 with BOM, UTF-8
# with BOM and CRLF line ends). Run from the repository root; needs iconv.
set -eu
seeds=${1:-../shared/seeds}
out=samples/txt
mkdir -p "$out"
for f in "$seeds"/*.txt; do
  cp "$f" "$out/seed-$(basename "$f" | cut -c1-3).txt"
done
# 001 is pure Big5 repertoire; 003's HTML-in-cells layout is a good UTF-16 test.
iconv -f UTF-8 -t CP950 "$out/seed-001.txt" > "$out/seed-001.big5.txt"
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$out/seed-003.txt"; } > "$out/seed-003.utf16le.txt"
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE "$out/seed-002.txt"; } > "$out/seed-002.utf16be.txt"
{ printf '\357\273\277'; sed 's/$/\r/' "$out/seed-002.txt"; } > "$out/seed-002.bom-crlf.txt"
