#!/usr/bin/env bash
# The test command (README "Quick start"; .ci/run runs exactly this). Extra arguments go to dotnet test.
# When a test fails, its name and message are printed again at the very end, where a CI log's tail shows them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-tools.sh"
log="$(mktemp -t filmtrip-test.XXXXXX)"
trap 'rm -f "$log"' EXIT
set +e
# Release: the sandbox tests run README's main job with --no-build on the daemon this build makes (a Release
# compile inside the run was about 20 CPU-s of a CPU-bound suite, an up-to-date one about 5).
dotnet test "$root/FilmTrip.Hook.sln" -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
set -e
if [ "$code" -ne 0 ]; then
  echo
  echo "== failed tests (dotnet test exited $code)"
  # Each "  Failed NAME" block up to the next test's line, at most 40 lines of it.
  awk '/^  Failed /{on=1; n=0} /^  Passed |^\[xUnit/{on=0} on && n++ < 40' "$log"
fi
exit "$code"
