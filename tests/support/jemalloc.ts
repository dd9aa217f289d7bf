/**
 * Where Debian's libjemalloc2 puts jemalloc on amd64: the path lib/start-server.sh looks at first and
 * tests/support/ensure-test-tools.sh installs the package for (ensure-test-tools.test.ts checks both say so).
 */
export const DEBIAN_JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
