#!/bin/sh
# `npm start`: the production server (`next start`, with the arguments given), on jemalloc when the machine has it.
#
# Why: glibc's malloc keeps much of what the server's native side frees (Node's buffers, V8's compiler, SQLite) in
# the middle of its heap, where it cannot hand it back; jemalloc gives freed pages back after a few seconds
# (background_thread). After 10 000 requests the server rested at 313-337 MiB on glibc, 194-207 MiB on jemalloc
# (docs/performance.md, "Memory: jemalloc"). The library comes from the system (Debian and Ubuntu: libjemalloc2);
# without it, or with MEMORY_ALLOCATOR=system, the server runs on the system's malloc.
set -eu

case "${MEMORY_ALLOCATOR:-jemalloc}" in
  jemalloc)
    for candidate in \
      /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
      /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 \
      /usr/lib64/libjemalloc.so.2 \
      /usr/lib/libjemalloc.so.2; do
      if [ -r "$candidate" ]; then
        export LD_PRELOAD="$candidate${LD_PRELOAD:+:$LD_PRELOAD}"
        # Purge freed pages on jemalloc's own thread, also while the server is idle (otherwise only on allocation).
        export MALLOC_CONF="${MALLOC_CONF:-background_thread:true}"
        break
      fi
    done
    ;;
  system) ;;
  *)
    echo "MEMORY_ALLOCATOR must be jemalloc or system, not \"$MEMORY_ALLOCATOR\"" >&2
    exit 1
    ;;
esac

exec next start "$@"
