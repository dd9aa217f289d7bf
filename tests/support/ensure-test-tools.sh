# Sourced (". ./tests/support/ensure-test-tools.sh") by `npm test` before any test runs, in npm's POSIX sh, so
# that what it exports reaches every step of the test command. It gets what the tests need that npm does not:
# the dependencies on a fresh clone, Prisma's schema engine stand-in for the tests' migrations, Debian's
# Chromium for the end-to-end tests, Debian's PostgreSQL 15 for the suites that run on PostgreSQL and Debian's
# jemalloc for the end-to-end server, which runs as `npm start` runs it, and for the tests of that start script.
# Whatever it cannot get, it names in one line and stops before any test.
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

# What the tests need from Debian, each at a fixed path, installed with apt-get where it is missing: as root, or
# through passwordless sudo. Whatever cannot be installed is named in one line, and nothing runs.
#   ensure_test_tools_debian_package <path> <package> <what> <who needs it>
ensure_test_tools_debian_package() {
  ensure_test_tools_path="$1"
  ensure_test_tools_package="$2"
  ensure_test_tools_what="$3"
  ensure_test_tools_needs="$4"
  [ -f "$ensure_test_tools_path" ] && return 0
  ensure_test_tools_install="apt-get update && apt-get install -y --no-install-recommends $ensure_test_tools_package"
  if [ "$(id -u)" = 0 ]; then
    ensure_test_tools_sudo=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    ensure_test_tools_sudo="sudo"
  else
    echo "npm test: $ensure_test_tools_needs need Debian's $ensure_test_tools_what at $ensure_test_tools_path, and installing it needs root: run \"sudo apt-get update && sudo apt-get install -y --no-install-recommends $ensure_test_tools_package\", then npm test again." >&2
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "npm test: $ensure_test_tools_needs need $ensure_test_tools_what at $ensure_test_tools_path and this machine has no apt-get; install $ensure_test_tools_what there, then run npm test again." >&2
    return 1
  fi
  echo "--- installing Debian's $ensure_test_tools_what for $ensure_test_tools_needs ($ensure_test_tools_install)"
  if ! { $ensure_test_tools_sudo apt-get update &&
    $ensure_test_tools_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$ensure_test_tools_package"; }; then
    echo "npm test: installing $ensure_test_tools_what failed (see above); run \"$ensure_test_tools_install\" as root, then npm test again." >&2
    return 1
  fi
  if [ ! -f "$ensure_test_tools_path" ]; then
    echo "npm test: apt-get installed $ensure_test_tools_package but $ensure_test_tools_path is still missing; install Debian's $ensure_test_tools_package package, then run npm test again." >&2
    return 1
  fi
}

# The end-to-end tests drive Debian's Chromium and never download a browser (playwright.config.ts). Its path is
# fixed there; the suites on PostgreSQL start a server of their own from PostgreSQL 15's binaries, at the path
# tests/support/postgres-server.ts names (Debian 12's `postgresql` package); `npm start`, and so the end-to-end
# server, runs on jemalloc from the path lib/start-server.sh looks at first (`libjemalloc2`), which
# start-server.test.ts needs. ENSURE_TEST_TOOLS_CHROMIUM, ENSURE_TEST_TOOLS_POSTGRES and ENSURE_TEST_TOOLS_JEMALLOC
# exist only so that tests of this script can point them elsewhere.
ensure_test_tools_debian_package "${ENSURE_TEST_TOOLS_CHROMIUM:-/usr/bin/chromium}" chromium Chromium "the end-to-end tests" || exit 1
ensure_test_tools_debian_package "${ENSURE_TEST_TOOLS_POSTGRES:-/usr/lib/postgresql/15/bin/postgres}" postgresql "PostgreSQL 15" "the PostgreSQL tests" || exit 1
ensure_test_tools_debian_package "${ENSURE_TEST_TOOLS_JEMALLOC:-/usr/lib/x86_64-linux-gnu/libjemalloc.so.2}" libjemalloc2 jemalloc "the end-to-end server and npm start's tests" || exit 1
unset ensure_test_tools_engine ensure_test_tools_path ensure_test_tools_package ensure_test_tools_what ensure_test_tools_needs ensure_test_tools_install ensure_test_tools_sudo
unset -f ensure_test_tools_debian_package
