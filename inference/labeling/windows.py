"""Documents longer than the model's window are read in overlapping windows.

Each segment's prediction is taken from the window where it sits farthest from an edge, so every
segment is judged with as much context on both sides as the window allows.
"""

from __future__ import annotations


def windows(n: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """[start, end) windows covering n segments."""
    if n <= size:
        return [(0, n)]
    step = max(1, size - overlap)
    starts = list(range(0, n - size + 1, step))
    if starts[-1] + size < n:
        starts.append(n - size)
    return [(s, s + size) for s in starts]


def owners(n: int, spans: list[tuple[int, int]]) -> list[int]:
    """For each segment, the index of the window that sees it most centrally."""
    out = []
    for i in range(n):
        best, owner = -1, 0
        for w, (s, e) in enumerate(spans):
            if s <= i < e:
                margin = min(i - s, e - 1 - i)
                if margin > best:
                    best, owner = margin, w
        out.append(owner)
    return out
