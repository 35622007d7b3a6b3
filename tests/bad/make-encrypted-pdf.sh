#!/bin/sh
# Regenerates the committed encrypted PDFs of the malformed-input suite from
# badfiles.pdf() with qpdf (apt-get install qpdf): user password "secret",
# owner password "owner"; RC4 128-bit (R3) and AES-256 (R6). Committed so
# the suite needs no qpdf at test time.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -c 'import badfiles, sys; sys.stdout.buffer.write(badfiles.pdf(("Hello encrypted docnorm",)))' > "$tmp/plain.pdf"
qpdf --static-id --allow-weak-crypto --encrypt secret owner 128 --use-aes=n -- "$tmp/plain.pdf" data/encrypted-rc4.pdf
qpdf --static-id --encrypt secret owner 256 -- "$tmp/plain.pdf" data/encrypted-aes256.pdf
# Only an owner password: opens without one (permissions are not secrecy).
qpdf --static-id --encrypt "" owner 256 -- "$tmp/plain.pdf" data/owner-only-aes256.pdf
ls -l data/*.pdf
