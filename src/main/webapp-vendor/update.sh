#!/usr/bin/env bash
# Installs the locked browser libraries (npm ci) and copies the files the inbox serves into
# src/main/resources/META-INF/resources/inbox/assets/vendor/. Takes about 10 s. Run it after
# changing the version in package.json (then `npm install` once to refresh package-lock.json)
# and commit the copied files with the lock file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../resources/META-INF/resources/inbox/assets/vendor/bpmn-js"
cd "$here"
npm ci --no-audit --no-fund
dist=node_modules/bpmn-js/dist
mkdir -p "$out"
cp "$dist/bpmn-viewer.production.min.js" "$dist/assets/diagram-js.css" "$dist/assets/bpmn-js.css" "$out/"
cp node_modules/bpmn-js/LICENSE "$out/LICENSE"
node -e 'process.stdout.write(require("bpmn-js/package.json").version + "\n")' > "$out/VERSION"
echo "bpmn-js $(cat "$out/VERSION") copied to $out"
