#!/usr/bin/env bash
# Installs what CoeInsights needs on a fresh Debian machine of this kind, and nothing that is already there.
#   - PostgreSQL server binaries (the embedded cluster and the tests start their own server from them)
#   - libgdiplus (ClosedXML 0.95 measures text through System.Drawing for column auto-fit)
#   - python3-grpcio, python3-protobuf (the Python client in clients/python and its tests)
#   - libreoffice-calc-nogui, poppler-utils (tests open every deck in LibreOffice and render a page)
#   - chromium, chromium-driver (the web pages are tested in a real headless browser)
#   - npm (buf, the protos' lint and breaking-change checker, is an npm package pinned in eng/buf)
#   - nginx-light (the load balancer in front of several replicas, docs/deploy.md)
#   - python3-aiosmtpd (the real SMTP server the alert delivery tests mail through)
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
dpkg -s libgdiplus >/dev/null 2>&1 || need+=(libgdiplus)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
# Decks are opened in a real spreadsheet program by the tests: LibreOffice headless, pdftoppm.
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# The stakeholder web pages are tested in Debian's headless Chromium through its chromedriver (tests/CoeInsights.Web.Tests).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
# The Python client and its tests run on Debian's grpcio/protobuf (matching the generated stubs).
/usr/bin/python3 -c "import grpc, google.protobuf" >/dev/null 2>&1 || need+=(python3-grpcio python3-protobuf)
# Debian's nginx is the load balancer of docs/deploy.md (grpc_pass, per-call balancing over HTTP/2).
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
# Alert delivery is tested against a real SMTP server: aiosmtpd, run by the tests as a subprocess.
/usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1 || need+=(python3-aiosmtpd)
# `pip install clients/python` is tested in a venv (offline, with Debian's setuptools).
/usr/bin/python3 -c "import ensurepip, setuptools" >/dev/null 2>&1 || need+=(python3-venv python3-setuptools)

# buf comes from npm (eng/buf/package.json); node runs its launcher.
command -v npm >/dev/null 2>&1 || need+=(npm)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK (dotnet, 10.0) is not on PATH. Install it, then run this again." >&2
  exit 1
fi

if ((${#need[@]})); then
  if [[ $(id -u) -eq 0 ]]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "error: missing Debian packages: ${need[*]}. Install them as root: apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Our local NuGet feed (Patched.DistributedLock.Postgres metapackage; see eng/make-feed.sh).
here="$(cd "$(dirname "$0")/.." && pwd)"
ls "$here"/eng/feed/*.nupkg >/dev/null 2>&1 || "$here/eng/make-feed.sh"

# buf, pinned by eng/buf/package-lock.json (run by eng/buf-check.sh from ./test.sh).
[[ -x "$here/eng/buf/node_modules/.bin/buf" ]] || npm ci --prefix "$here/eng/buf" --no-audit --no-fund --loglevel=error
