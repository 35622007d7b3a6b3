#!/bin/sh
# Exports the seed reports' DOCX (samples/docx/seed-NNN-manual.docx, made by
# make-docx.py) to PDF with LibreOffice headless: samples/pdf/seed-NNN.pdf.
# Embedded CJK font subsets make each PDF 300 KB - 1 MB, so only SEEDS
# (default 001 002 003: cover grid, itinerary, summary sheet, figures) are
# exported and committed; SEEDS="000 001 002 003 004" makes all five. The
# office renditions (below) are exported for all five. Then
# runs make-pdf-samples.py for the hand-made feature and bad-PDF samples.
#
# Needs: libreoffice-writer-nogui fonts-arphic-ukai fonts-noto-cjk qpdf
# python3-docx. The outputs are committed; tests never run this script.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$(dirname "$here")")
docx="$root/samples/docx"
out="$root/samples/pdf"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

export_pdf() { # DOCX OUTPUT
  # A private profile keeps the run independent of any user settings.
  soffice -env:UserInstallation="file://$tmp/profile" --headless \
    --convert-to pdf --outdir "$tmp" "$1" >/dev/null 2>&1
  mv "$tmp/$(basename "${1%.docx}").pdf" "$2"
}

for n in ${SEEDS:-001 002 003}; do
  export_pdf "$docx/seed-$n-manual.docx" "$out/seed-$n.pdf"
done
# The renditions offices send (seed-NNN-office.docx: a running header on
# every page, the cover's too; Word's TOC styles with dot leaders and page
# numbers; long headings that wrap), for all five seeds: the cross-format
# test compares each with the DOCX it was exported from.
for n in ${OFFICE_SEEDS:-000 001 002 003 004}; do
  export_pdf "$docx/seed-$n-office.docx" "$out/seed-$n-office.pdf"
done

/usr/bin/python3 "$here/make-pdf-samples.py" "$out"
