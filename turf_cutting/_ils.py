"""Iterated 2-opt + Or-opt local search over a cyclic tour, compiled with numba; private.

The tour has a zero-cost dummy node (index ``k``) at position 0, which turns the open walking
path into a tour; with a fixed start (index ``k + 1``) the start follows the dummy.  Positions
below ``fixed`` never move.  Moves come from K-nearest candidate lists with the usual gain
pruning (a new edge must be shorter than the edge it replaces) and don't-look bits (a queue of
active nodes).  Kicks are double bridges: mostly two short neighbouring blocks swapped, 30% at
cuts drawn in proportion to leg length.  Budgets are counts, never wall-clock, and the random
stream is seeded per call, so results are reproducible.

Why numba: ordering is most of the work of cutting a plan (thousands of 60-stop turfs), and
the search is branchy scalar code over small arrays, where a compiled loop is 20-50x faster
than Python and numpy calls would only add overhead.  The compiled code is cached on disk, so
the compile cost (about 10 s) is paid once per installation.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def _compiled(func):  # type: ignore[no-untyped-def]
    """``njit`` with the compiled code cached on disk where there is a writable place for it.

    numba looks next to this file, then in the user's cache directory; when neither is
    writable (a read-only install run by a user without a home) it refuses to cache at all, and
    importing would fail: compiling in memory at each start is slower but works.
    """
    try:
        return njit(cache=True)(func)
    except RuntimeError:
        return njit(func)


_KICK_SPAN = 30  # maximum block length of a local double-bridge kick
_GLOBAL_KICKS = 0.3  # share of kicks with blocks of any length
_FULL_2OPT_MAX = 400  # tour nodes; exhaustive final 2-opt pass up to this size


@_compiled
def _set_pos(t, pos):  # type: ignore[no-untyped-def]
    for p in range(len(t)):
        pos[t[p]] = p


@_compiled
def _tour_length(dm, t):  # type: ignore[no-untyped-def]
    m = len(t)
    total = 0.0
    for p in range(m):
        q = p + 1 if p + 1 < m else 0
        total += dm[t[p], t[q]]
    return total


@_compiled
def _reverse(t, pos, a, b):  # type: ignore[no-untyped-def]
    """Reverse positions a..b inclusive."""
    while a < b:
        x, y = t[a], t[b]
        t[a], t[b] = y, x
        pos[y], pos[x] = a, b
        a += 1
        b -= 1


@_compiled
def _move(t, pos, buf, s, e, c, rev):  # type: ignore[no-untyped-def]
    """Move positions s..e to just after position c (reversed if ``rev``)."""
    n_seg = e - s + 1
    for q in range(n_seg):
        buf[q] = t[e - q] if rev else t[s + q]
    if c < s:
        # t[c+1 .. s-1] shifts right by n_seg
        for q in range(s - 1, c, -1):
            t[q + n_seg] = t[q]
        for q in range(n_seg):
            t[c + 1 + q] = buf[q]
        lo, hi = c + 1, e
    else:
        # t[e+1 .. c] shifts left by n_seg
        for q in range(e + 1, c + 1):
            t[q - n_seg] = t[q]
        for q in range(n_seg):
            t[c - n_seg + 1 + q] = buf[q]
        lo, hi = s, c
    for q in range(lo, hi + 1):
        pos[t[q]] = q


@_compiled
def _improve(dm, nbr, t, pos, buf, u, fixed, lo_ins, eps, touched):  # type: ignore[no-untyped-def]
    """Apply the first improving move around ``u``; return (gain, number of touched nodes)."""
    m = len(t)
    kk = nbr.shape[1]
    i = pos[u]
    # 2-opt, successor side: new edges (u, v) and (succ u, succ v)
    su = t[i + 1 if i + 1 < m else 0]
    g = dm[u, su]
    for c in range(kk):
        v = nbr[u, c]
        duv = dm[u, v]
        if duv >= g:
            break
        j = pos[v]
        sv = t[j + 1 if j + 1 < m else 0]
        delta = duv + dm[su, sv] - g - dm[v, sv]
        if delta < -eps:
            _reverse(t, pos, min(i, j) + 1, max(i, j))
            touched[0], touched[1], touched[2], touched[3] = u, v, su, sv
            return delta, 4
    # 2-opt, predecessor side: new edges (u, v) and (pred u, pred v)
    if i >= fixed:
        pu = t[i - 1]
        g = dm[u, pu]
        for c in range(kk):
            v = nbr[u, c]
            duv = dm[u, v]
            if duv >= g:
                break
            j = pos[v]
            pv = t[j - 1]
            delta = duv + dm[pu, pv] - g - dm[pv, v]
            if delta < -eps:
                _reverse(t, pos, min(i, j), max(i, j) - 1)
                touched[0], touched[1], touched[2], touched[3] = u, v, pu, pv
                return delta, 4
    # Or-opt: move a segment of 1-3 stops with u at one end elsewhere, either orientation
    for seg_len in range(1, 4):
        for side in range(2 if seg_len > 1 else 1):
            s = i if side == 0 else i - seg_len + 1
            e = s + seg_len - 1
            if s < fixed or e > m - 1:
                continue
            first, last = t[s], t[e]
            p = t[s - 1]
            nx = t[e + 1 if e + 1 < m else 0]
            g1 = dm[p, first] + dm[last, nx] - dm[p, nx]
            if g1 <= eps:
                continue
            for orient in range(2 if seg_len > 1 else 1):
                end = first if orient == 0 else last
                other = last if orient == 0 else first
                for c in range(kk):
                    v = nbr[end, c]
                    dv = dm[end, v]
                    if dv >= g1:
                        break
                    jv = pos[v]
                    if s <= jv <= e:
                        continue
                    if jv != s - 1:  # between v and its successor: v, end ... other, b
                        b = t[jv + 1 if jv + 1 < m else 0]
                        delta = dv + dm[other, b] - dm[v, b] - g1
                        if delta < -eps:
                            _move(t, pos, buf, s, e, jv, end == last)
                            touched[0], touched[1], touched[2] = p, nx, first
                            touched[3], touched[4], touched[5] = last, v, b
                            return delta, 6
                    if jv != e + 1 and jv > lo_ins:  # between a and v: a, other ... end, v
                        a = t[jv - 1]
                        delta = dm[a, other] + dv - dm[a, v] - g1
                        if delta < -eps:
                            _move(t, pos, buf, s, e, jv - 1, end == first)
                            touched[0], touched[1], touched[2] = p, nx, first
                            touched[3], touched[4], touched[5] = last, a, v
                            return delta, 6
    return 0.0, 0


@_compiled
def _local_search(dm, nbr, t, pos, buf, queue, queued, active, n_active, fixed, lo_ins, eps):  # type: ignore[no-untyped-def]
    """Improve until no active node has an improving move; return the total gain (<= 0)."""
    cap = len(queue)
    head = 0
    size = 0
    for q in range(n_active):
        x = active[q]
        if not queued[x]:
            queued[x] = 1
            queue[(head + size) % cap] = x
            size += 1
    touched = np.empty(6, dtype=np.int64)
    total = 0.0
    while size > 0:
        u = queue[head]
        head = (head + 1) % cap
        size -= 1
        queued[u] = 0
        delta, n_touched = _improve(dm, nbr, t, pos, buf, u, fixed, lo_ins, eps, touched)
        if n_touched == 0:
            continue
        total += delta
        for q in range(n_touched):
            x = touched[q]
            if not queued[x]:
                queued[x] = 1
                queue[(head + size) % cap] = x
                size += 1
    return total


@_compiled
def _kick(dm, t, pos, fixed, touched):  # type: ignore[no-untyped-def]
    """Double bridge: swap two adjacent blocks; return the change of length."""
    m = len(t)
    room = m - fixed
    if room >= 3 and np.random.random() < _GLOBAL_KICKS:
        # cut before positions p1 < p2 < p3, favouring long legs (likely mistakes)
        n_cuts = m + 1 - fixed
        weights = np.empty(n_cuts)
        total = 0.0
        for q in range(n_cuts):
            p = fixed + q
            weights[q] = dm[t[p - 1], t[p % m]]
            total += weights[q]
        mean = total / n_cuts
        for q in range(n_cuts):
            weights[q] += mean
        cum = np.cumsum(weights)
        chosen = np.full(3, -1, dtype=np.int64)
        n_chosen = 0
        while n_chosen < 3:
            r = np.random.random() * cum[-1]
            c = fixed + min(int(np.searchsorted(cum, r, side="right")), n_cuts - 1)
            dup = False
            for q in range(n_chosen):
                if chosen[q] == c:
                    dup = True
            if not dup:
                chosen[n_chosen] = c
                n_chosen += 1
        chosen.sort()
        p1, p2, p3 = chosen[0], chosen[1], chosen[2]
    else:
        span = max(1, min(_KICK_SPAN, room // 3))
        l1 = np.random.randint(1, span + 1)
        l2 = np.random.randint(1, span + 1)
        p1 = np.random.randint(fixed, m - l1 - l2 + 1)
        p2, p3 = p1 + l1, p1 + l1 + l2
    a, b, c, d, e, f = t[p1 - 1], t[p1], t[p2 - 1], t[p2], t[p3 - 1], t[p3 % m]
    delta = dm[a, d] + dm[e, b] + dm[c, f] - dm[a, b] - dm[c, d] - dm[e, f]
    block = t[p1:p2].copy()
    n2 = p3 - p2
    for q in range(n2):
        t[p1 + q] = t[p2 + q]
    for q in range(p2 - p1):
        t[p1 + n2 + q] = block[q]
    for q in range(p1, p3):
        pos[t[q]] = q
    touched[0], touched[1], touched[2], touched[3], touched[4], touched[5] = a, b, c, d, e, f
    return delta


@_compiled
def _ils(dm, nbr, t, pos, buf, queue, queued, length, kicks, fixed, lo_ins, eps):  # type: ignore[no-untyped-def]
    """Kick and repair ``kicks`` times from ``t``; ``t`` ends as the shortest; return its length."""
    best_t = t.copy()
    best_len = length
    touched = np.empty(6, dtype=np.int64)
    for _ in range(kicks):
        length += _kick(dm, t, pos, fixed, touched)
        length += _local_search(dm, nbr, t, pos, buf, queue, queued, touched, 6, fixed, lo_ins, eps)
        if length <= best_len + eps:
            best_t[:] = t
            best_len = min(best_len, length)
        else:
            t[:] = best_t
            _set_pos(t, pos)
            length = best_len
    return length


@_compiled
def _full_2opt(dm, t, pos, fixed, eps, length):  # type: ignore[no-untyped-def]
    """Exhaustive best-improvement 2-opt, so the result is 2-opt optimal."""
    m = len(t)
    while True:
        best = -eps
        ba, bb = -1, -1
        for a in range(max(fixed - 1, 0), m):
            ta, tan = t[a], t[a + 1 if a + 1 < m else 0]
            ea = dm[ta, tan]
            for b in range(a + 2, m):
                tb, tbn = t[b], t[b + 1 if b + 1 < m else 0]
                d = dm[ta, tb] + dm[tan, tbn] - ea - dm[tb, tbn]
                if d < best:
                    best, ba, bb = d, a, b
        if ba < 0:
            return length
        _reverse(t, pos, ba + 1, bb)
        length += best


@_compiled
def _nearest_neighbour(dm, k, has_start, first):  # type: ignore[no-untyped-def]
    """Nearest-neighbour path from the start (if any), else from stop ``first``; ties: lowest."""
    m = len(dm)
    t = np.empty(m, dtype=np.int64)
    seen = np.zeros(k, dtype=np.bool_)
    t[0] = k
    p = 1
    if has_start:
        t[1] = k + 1
        cur = k + 1
        p = 2
    else:
        t[1] = first
        seen[first] = True
        cur = first
        p = 2
    while p < m:
        best, arg = np.inf, -1
        for x in range(k):
            if not seen[x] and dm[cur, x] < best:
                best, arg = dm[cur, x], x
        seen[arg] = True
        t[p] = arg
        cur = arg
        p += 1
    return t


@_compiled
def search(dm, nbr, k, has_start, seed, restarts, kicks, initial):  # type: ignore[no-untyped-def]
    """Order ``k`` stops; ``dm`` is (k+1[+1]) square with the dummy at k and the start at k+1.

    With a non-empty ``initial`` (an order of the k stops) the search starts from it alone;
    otherwise from ``restarts`` nearest-neighbour paths begun at spread-out stops, sharing
    ``kicks`` kicks, with the remainder given to the best.  Returns the stops in order.
    """
    np.random.seed(seed)
    m = len(dm)
    fixed = 2 if has_start else 1
    lo_ins = 1 if has_start else 0
    dmax = 0.0
    for a in range(m):
        for b in range(m):
            dmax = max(dmax, dm[a, b])
    eps = 1e-9 * max(1.0, dmax)
    pos = np.empty(m, dtype=np.int64)
    buf = np.empty(m, dtype=np.int64)
    queue = np.empty(m + 1, dtype=np.int64)
    queued = np.zeros(m, dtype=np.uint8)
    queued[k] = 1  # the dummy never moves on its own
    everyone = np.empty(m, dtype=np.int64)
    for x in range(m):
        everyone[x] = x
    if len(initial) == k:
        t = np.empty(m, dtype=np.int64)
        t[0] = k
        off = 1
        if has_start:
            t[1] = k + 1
            off = 2
        t[off:] = initial
        _set_pos(t, pos)
        length = _tour_length(dm, t)
        length += _local_search(
            dm, nbr, t, pos, buf, queue, queued, everyone, m, fixed, lo_ins, eps
        )
        length = _ils(dm, nbr, t, pos, buf, queue, queued, length, kicks, fixed, lo_ins, eps)
    else:
        # first stops of the constructions: stop 0 (lowest x, then y), then the stop farthest
        # from those chosen so far; with a start every construction begins there
        n_runs = min(restarts, k)
        firsts = np.empty(n_runs, dtype=np.int64)
        firsts[0] = 0
        far = dm[0, :k].copy()
        for r in range(1, n_runs):
            nxt = int(np.argmax(far))
            firsts[r] = nxt
            for x in range(k):
                far[x] = min(far[x], dm[nxt, x])
        per_run = kicks // n_runs
        best_t = np.empty(m, dtype=np.int64)
        best_len = np.inf
        for r in range(n_runs):
            t = _nearest_neighbour(dm, k, has_start, firsts[r])
            _set_pos(t, pos)
            length = _tour_length(dm, t)
            length += _local_search(
                dm, nbr, t, pos, buf, queue, queued, everyone, m, fixed, lo_ins, eps
            )
            length = _ils(dm, nbr, t, pos, buf, queue, queued, length, per_run, fixed, lo_ins, eps)
            if length < best_len - eps:
                best_t[:] = t
                best_len = length
        t = best_t
        _set_pos(t, pos)
        length = _ils(
            dm,
            nbr,
            t,
            pos,
            buf,
            queue,
            queued,
            best_len,
            kicks - per_run * n_runs,
            fixed,
            lo_ins,
            eps,
        )
    if m <= _FULL_2OPT_MAX:
        length = _full_2opt(dm, t, pos, fixed, eps, length)
    return t[fixed:].copy()
