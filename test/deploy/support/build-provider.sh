#!/usr/bin/env bash
# Builds one Terraform provider from the Go module proxy into DIR (terraform-provider-TYPE, then a
# `done` marker), the way the registry is unreachable here: `go mod download` of MODULE@VERSION,
# the module copied out of the read-only module cache, built with -mod=mod (the copy has no
# vendor tree and its go.sum may lag its go.mod). Arguments: MODULE VERSION TYPE DIR.
set -euo pipefail
module="$1" version="$2" type="$3" dir="$4"
work="$dir.partial"
rm -rf "$work" && mkdir -p "$work"
src="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -n "$src" ] || { echo "go mod download named no directory for $module@$version" >&2; exit 1; }
cp -r "$src" "$work/src" && chmod -R u+w "$work/src"
(cd "$work/src" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "../terraform-provider-$type" .)
rm -rf "$work/src"
echo "$module@$version" > "$work/done"
rm -rf "$dir" && mv "$work" "$dir"
