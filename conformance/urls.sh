#!/usr/bin/env bash
# Conformance of a description whose files are fetched over HTTP: the split shop fixture
# (generator/tests/multi_file/shop) served by a loopback HTTP server (Python's http.server),
# and a root file in a temporary folder whose every reference to another file is a URL of that
# server, allowed by `[spec] allow_urls` in the configuration beside it. The tool fetches each
# file once, generates the crate and its driver from them, and serves Prism the gathered
# description (Prism fetches nothing); every operation must conform. Run by .ci/run after the
# other conformance runs; `conformance/urls.sh` from anywhere.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
shop=generator/tests/multi_file/shop

# A free loopback port, chosen by the kernel.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$shop" >/dev/null 2>&1 &
server=$!
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

base="http://127.0.0.1:$port/"
# The root as written, with each reference to another file made a URL under the server's root
# (references inside the fetched files stay relative and resolve against their URLs).
python3 - "$shop/openapi.yaml" "$work/openapi.yaml" "$base" <<'PY'
import re, sys
source, target, base = sys.argv[1:]
text = open(source).read()
rewritten, count = re.subn(r"(\$ref:[ \t]*)(['\"]?)(?![#'\" ])", lambda m: m.group(1) + m.group(2) + base, text)
if count == 0:
    sys.exit("no reference to another file in " + source)
open(target, "w").write(rewritten)
PY
printf '[spec]\nallow_urls = ["%s"]\n' "$base" > "$work/openapi.toml"

# Wait for the server to answer (it starts in well under a second).
for _ in $(seq 50); do
    if python3 -c "import urllib.request; urllib.request.urlopen('${base}openapi.yaml')" 2>/dev/null; then
        break
    fi
    sleep 0.1
done

cargo xtask conformance --spec "$work/openapi.yaml" --rounds 3
