"""Box arithmetic over cell masks: the recursive sweep that finds what rules leave uncovered.

A box is a tuple of per-input bit masks (see cells.py). Rather than walking the full product of
cells, the sweep splits the region on one input at a time, along the edge of the first rule that
still cuts it, and keeps only the rules that can still match the smaller region.
"""

from __future__ import annotations

from collections.abc import Sequence

Box = tuple[int, ...]


def intersects(a: Box, b: Box) -> bool:
    """Is there an input matched by both boxes?"""
    return all(x & y for x, y in zip(a, b, strict=True))


def intersection(a: Box, b: Box) -> Box:
    """The cells in both boxes."""
    return tuple(x & y for x, y in zip(a, b, strict=True))


def contains(outer: Box, inner: Box) -> bool:
    """Does outer match every input inner matches?"""
    return all(i & ~o == 0 for o, i in zip(outer, inner, strict=True))


def is_empty(box: Box) -> bool:
    """Does the box match no input at all?"""
    return any(m == 0 for m in box)


def uncovered(region: Box, rules: Sequence[Box], limit: int = 50) -> list[Box]:
    """Disjoint boxes that together are the part of region no rule matches (at most limit)."""
    out: list[Box] = []
    _sweep(region, [r for r in rules if intersects(r, region)], out, limit)
    return _merge(out)


def _sweep(region: Box, live: list[Box], out: list[Box], limit: int) -> None:
    if len(out) >= limit:
        return
    if not live:
        out.append(region)
        return
    first = live[0]
    if contains(first, region):
        return
    # Split on the first input where the first live rule does not cover the whole region.
    i = next(k for k, (r, g) in enumerate(zip(first, region, strict=True)) if g & ~r)
    inside = region[:i] + (region[i] & first[i],) + region[i + 1:]
    outside = region[:i] + (region[i] & ~first[i],) + region[i + 1:]
    # Inside, the first rule keeps cutting on other inputs; outside, it can never match.
    _sweep(inside, [r for r in live if intersects(r, inside)], out, limit)
    _sweep(outside, [r for r in live[1:] if intersects(r, outside)], out, limit)


def _merge(boxes: list[Box]) -> list[Box]:
    """Join boxes that differ on a single input, so a gap reads as one region, not fragments."""
    boxes = list(boxes)
    changed = True
    while changed:
        changed = False
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                diff = [k for k, (x, y) in enumerate(zip(boxes[a], boxes[b], strict=True))
                        if x != y]
                if len(diff) <= 1:
                    if diff:
                        merged = list(boxes[a])
                        merged[diff[0]] |= boxes[b][diff[0]]
                        boxes[a] = tuple(merged)
                    del boxes[b]
                    changed = True
                    break
            if changed:
                break
    return boxes


def first_bit(mask: int) -> int:
    """Index of the lowest cell in a mask."""
    return (mask & -mask).bit_length() - 1
