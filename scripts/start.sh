#!/bin/sh
# `npm start`: the built app, with the memory settings its threads were measured with
# (bench:dispatch's peak RSS).
#
# Every thread that allocates gets a glibc arena of its own, which keeps what it once held;
# two arenas serve all of them at no cost that the bench could see. A setting of its own wins.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# The page thread's heap: with its default ceiling, in gigabytes on a machine with plenty of
# memory, V8 lets the old generation grow to several times what it keeps (some 60 MB) before it
# collects; under a ceiling of 512 MB it collects sooner. Its young generation collects as often
# as it fills, and a smaller one costs no more collection time, as what survives each is small.
# Node applies --max-semi-space-size to the worker threads too.
exec node --max-old-space-size=512 --max-semi-space-size=4 node_modules/next/dist/bin/next start "$@"
