#!/usr/bin/env bash
# Re-creates internal/gojq from github.com/itchyny/gojq at a version, with
# the one change flexusl needs: gojq builds its function tables (about 2,000
# allocations, 0.2 ms) in init(), so every flexusl run paid for them, --jq or
# not; here they are built on the first Compile. Nothing else differs from
# upstream (the tests, the CLI and the tools are left out).
#
#   scripts/gojq/vendor.sh v0.12.19
set -euo pipefail
version=${1:?usage: scripts/gojq/vendor.sh VERSION}
cd "$(dirname "$0")/../.."
src=$(go mod download -json "github.com/itchyny/gojq@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
[ -d "$src" ] || { echo "could not download gojq $version" >&2; exit 1; }
dst=internal/gojq
rm -rf "$dst"
mkdir -p "$dst"
for f in "$src"/*.go; do
	case "$f" in *_test.go) continue ;; esac
	cp "$f" "$dst/"
done
cp "$src/LICENSE" "$dst/LICENSE"
chmod -R u+w "$dst"
python3 scripts/gojq/lazyinit.py "$dst"
gofmt -w "$dst"
cat > "$dst/VERSION" <<EOT
github.com/itchyny/gojq $version, with scripts/gojq/lazyinit.py applied
(function tables built on first Compile instead of in init()).
EOT
echo "internal/gojq is gojq $version with lazy init"
