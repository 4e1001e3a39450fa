"""A child process that cuts chunks of doors (``python -m backend.services.cut_worker``).

Large auto-cuts run chunks of whole precincts in parallel. A plain subprocess fed pickles on
stdin, rather than a multiprocessing pool: a pool forked from a gunicorn worker's thread can
deadlock on locks held by other threads, and a spawned one re-imports the parent's
``__main__``, which breaks under scripts without a main guard.

stdin: pickle of ``(CutParams, seed, [list of Door, ...])``; stdout: pickle of
``[[Turf, ...], ...]``, one list per chunk, in order.
"""

from __future__ import annotations

import pickle
import sys

import turf_cutting as tc


def main() -> None:
    params, seed, chunks = pickle.load(sys.stdin.buffer)
    out = [list(tc.cut_turfs(chunk, params, seed=seed).turfs) for chunk in chunks]
    pickle.dump(out, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
