"""The app process's malloc: fewer arenas, so memory freed on one thread is reused by
the others instead of staying resident in an arena of its own.

glibc gives each thread that allocates concurrently an arena of its own (up to 8 per
core). The app has a dozen threads (readers, the writer, the engine's periodic passes,
one per mailbox, Qt's); memory an engine pass freed in its arena stays resident there
while the window allocates in another. On the 1M-ticket demo store, bench_ui with the
engine passes: peak RSS 475 -> 448 MB with two arenas (MALLOC_ARENA_MAX=2), the private
part 167 -> 119 MB outside the main heap. Elsewhere (macOS, Windows, musl) nothing is
changed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's arenas for the threads started from now on; True if it applied."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))
