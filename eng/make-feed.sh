#!/usr/bin/env bash
# Builds the local NuGet feed (eng/feed) from the nuspecs kept in eng/. A .nupkg is a zip with the
# nuspec at its root; the metapackage has no files, so no NuGet tooling is needed to make it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$here/feed"
for spec in "$here"/*/*.nuspec; do
  python3 - "$spec" "$here/feed" <<'PY'
import sys, zipfile, re, pathlib
spec, feed = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
text = spec.read_text()
pid = re.search(r"<id>(.+?)</id>", text).group(1)
ver = re.search(r"<version>(.+?)</version>", text).group(1)
out = feed / f"{pid.lower()}.{ver}.nupkg"
types = ('<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="nuspec" ContentType="application/octet"/></Types>')
rels = ('<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/{pid}.nuspec" Id="R1"/></Relationships>')
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    # Fixed timestamps keep the file byte-identical between runs.
    for name, data in ((f"{pid}.nuspec", text), ("[Content_Types].xml", types), ("_rels/.rels", rels)):
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
print(f"feed: {out.name}")
PY
done
