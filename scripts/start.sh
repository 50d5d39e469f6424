#!/bin/sh
# `npm start`: the built app, with the memory settings bench:dispatch measures its peak RSS with
# (bench:dispatch and bench:ingest-latency start the app through this script too).
#
# Every thread that allocates gets a glibc arena of its own, which keeps what it once held; two
# arenas serve all of the app's threads. A setting of its own wins.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# The page thread's heap: with its default ceiling, in gigabytes on a machine with plenty of
# memory, V8 let the old generation grow to three times what it keeps (some 60 MB) before it
# collected; under a ceiling of 512 MB it collects sooner. A young generation of 8 MB instead of
# 32 is collected more often, each time faster, as little of it survives: the bench's collections
# took about as long in all. Node applies --max-semi-space-size to the worker threads too.
# APP_NODE_FLAGS adds flags of node's own, such as --cpu-prof, which NODE_OPTIONS refuses.
# shellcheck disable=SC2086
exec node --max-old-space-size=512 --max-semi-space-size=4 $APP_NODE_FLAGS node_modules/next/dist/bin/next start "$@"
