# Sourced (". ./tests/support/ensure-test-tools.sh") by `npm test` before any test runs, in npm's POSIX sh, so
# that what it exports reaches every step of the test command. It gets what the tests need that npm does not:
# the dependencies on a fresh clone, Prisma's schema engine stand-in for the tests' migrations, and Debian's
# Chromium for the end-to-end tests. Whatever it cannot get, it names in one line and stops before any test.
# `.ci/run` runs the README's test command and nothing else, so CI gets exactly this too.

# next build, next start and next typegen would otherwise ask Vercel's telemetry about every run.
export NEXT_TELEMETRY_DISABLED=1

# Prisma's CLI (`prisma generate` on install, `prisma migrate deploy` in the integration and end-to-end set-ups)
# downloads a native schema engine on first use. Where the offline stand-in lies beside the checkout, use it, as
# the README tells a reader on a machine that cannot download it; an engine chosen by the caller wins.
ensure_test_tools_engine="../shared/tools/prisma-schema-engine/schema-engine"
if [ -z "${PRISMA_SCHEMA_ENGINE_BINARY:-}" ] && [ -f "$ensure_test_tools_engine" ]; then
  PRISMA_SCHEMA_ENGINE_BINARY="$(cd "$(dirname "$ensure_test_tools_engine")" && pwd)/schema-engine"
  export PRISMA_SCHEMA_ENGINE_BINARY
fi

# A fresh clone has no node_modules: install exactly the locked versions. An existing install is left alone.
if [ ! -f node_modules/.package-lock.json ]; then
  echo "--- npm ci (no node_modules yet)"
  npm ci || { echo "npm test: \`npm ci\` failed (see above); fix that, then run npm test again." >&2; exit 1; }
fi

# The end-to-end tests drive Debian's Chromium and never download a browser (playwright.config.ts). Its path is
# fixed there; ENSURE_TEST_TOOLS_CHROMIUM exists only so that tests of this script can point it elsewhere.
ensure_test_tools_chromium="${ENSURE_TEST_TOOLS_CHROMIUM:-/usr/bin/chromium}"
ensure_test_tools_install="apt-get update && apt-get install -y --no-install-recommends chromium"
if [ ! -x "$ensure_test_tools_chromium" ]; then
  if [ "$(id -u)" = 0 ]; then
    ensure_test_tools_sudo=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    ensure_test_tools_sudo="sudo"
  else
    echo "npm test: the end-to-end tests need Debian's Chromium at $ensure_test_tools_chromium, and installing it needs root: run \"sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium\", then npm test again." >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "npm test: the end-to-end tests need Chromium at $ensure_test_tools_chromium and this machine has no apt-get; install Chromium there, then run npm test again." >&2
    exit 1
  fi
  echo "--- installing Debian's Chromium for the end-to-end tests ($ensure_test_tools_install)"
  if ! { $ensure_test_tools_sudo apt-get update &&
    $ensure_test_tools_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }; then
    echo "npm test: installing Chromium failed (see above); run \"$ensure_test_tools_install\" as root, then npm test again." >&2
    exit 1
  fi
  if [ ! -x "$ensure_test_tools_chromium" ]; then
    echo "npm test: apt-get installed chromium but $ensure_test_tools_chromium is still missing; install Debian's chromium package, then run npm test again." >&2
    exit 1
  fi
fi
unset ensure_test_tools_engine ensure_test_tools_chromium ensure_test_tools_install ensure_test_tools_sudo
