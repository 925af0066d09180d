#!/usr/bin/env bash
# Installs the locked browser libraries (npm ci) and copies the files the inbox serves into
# src/main/resources/META-INF/resources/inbox/assets/vendor/. Takes about 10 s. Run it after
# changing the version in package.json (then `npm install` once to refresh package-lock.json)
# and commit the copied files with the lock file.
#   update.sh --check   installs from the lock file and fails unless the committed copies are
#                       exactly the locked package's files (.ci/run does this)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../resources/META-INF/resources/inbox/assets/vendor/bpmn-js"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error
dist=node_modules/bpmn-js/dist
# served file <- file of the locked package
files=("bpmn-viewer.production.min.js:$dist/bpmn-viewer.production.min.js"
       "diagram-js.css:$dist/assets/diagram-js.css"
       "bpmn-js.css:$dist/assets/bpmn-js.css"
       "LICENSE:node_modules/bpmn-js/LICENSE")
version="$(node -e 'process.stdout.write(require("bpmn-js/package.json").version)')"
if [ "${1:-}" = "--check" ]; then
  status=0
  for f in "${files[@]}"; do
    cmp -s "${f#*:}" "$out/${f%%:*}" || { echo "vendored $out/${f%%:*} differs from the locked bpmn-js $version"; status=1; }
  done
  [ "$(cat "$out/VERSION")" = "$version" ] || { echo "vendored VERSION $(cat "$out/VERSION") is not the locked $version"; status=1; }
  [ $status = 0 ] && echo "vendored bpmn-js $version matches package-lock.json"
  exit $status
fi
mkdir -p "$out"
for f in "${files[@]}"; do cp "${f#*:}" "$out/${f%%:*}"; done
echo "$version" > "$out/VERSION"
echo "bpmn-js $version copied to $out"
