#!/usr/bin/env bash
# The test command (README "Quick start"; .ci/run runs exactly this). Extra arguments go to dotnet test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-tools.sh"
exec dotnet test "$root/FilmTrip.Hook.sln" --logger "console;verbosity=normal" "$@"
