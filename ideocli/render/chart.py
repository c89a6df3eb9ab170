"""A year axis for the timeline chart: pure arithmetic, no Rich, so it can be tested on its own.

Political history is lopsided: a handful of entries from antiquity, hundreds after 1789. A linear
axis from 551 BCE to today would squeeze the modern bulk into a few columns, so long empty
stretches are cut out of the axis (drawn as a break) and each remaining stretch gets columns in
proportion to the number of entries in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
MIN_SEGMENT = 4  # columns
MIN_GAP_YEARS = 100  # a gap shorter than this is never cut
GAP_SHARE = 0.15  # ... nor one shorter than this share of the whole span
MIN_TICK_SPACING = 9  # columns between tick labels


def year_label(year: int) -> str:
    return f"{-year} BCE" if year < 0 else str(year)


@dataclass(frozen=True)
class Segment:
    first: int
    last: int
    start: int  # first column
    width: int  # columns

    def column(self, year: int) -> int:
        if self.last == self.first or self.width == 1:
            return self.start
        share = (year - self.first) / (self.last - self.first)
        return self.start + round(share * (self.width - 1))


class Axis:
    """Maps years to columns 0..width-1, with breaks where long empty stretches were cut out."""

    def __init__(self, years: Sequence[int], width: int) -> None:
        ordered = sorted(set(years))
        self.width = width
        span = ordered[-1] - ordered[0]
        threshold = max(MIN_GAP_YEARS, span * GAP_SHARE)
        groups: list[list[int]] = [[ordered[0]]]
        for year in ordered[1:]:
            if year - groups[-1][-1] > threshold:
                groups.append([year])
            else:
                groups[-1].append(year)
        while len(groups) > 1 and len(groups) * (MIN_SEGMENT + 1) > width:  # too narrow: merge the closest
            gaps = [groups[i + 1][0] - groups[i][-1] for i in range(len(groups) - 1)]
            i = gaps.index(min(gaps))
            groups[i : i + 2] = [groups[i] + groups[i + 1]]
        counts = [sum(1 for year in years if group[0] <= year <= group[-1]) for group in groups]
        usable = width - (len(groups) - 1)  # one column per break
        widths = [MIN_SEGMENT] * len(groups)
        spare = usable - MIN_SEGMENT * len(groups)
        total = sum(counts)
        for i, count in enumerate(counts):
            widths[i] += spare * count // total
        widths[counts.index(max(counts))] += usable - sum(widths)  # rounding leftovers
        self.segments: list[Segment] = []
        self.breaks: list[int] = []
        column = 0
        for group, segment_width in zip(groups, widths, strict=True):
            if self.segments:
                self.breaks.append(column)
                column += 1
            self.segments.append(Segment(group[0], group[-1], column, segment_width))
            column += segment_width

    @property
    def first(self) -> int:
        return self.segments[0].first

    @property
    def last(self) -> int:
        return self.segments[-1].last

    def column(self, year: int) -> int:
        """Return the column of a year (years in a cut-out stretch go to the nearer side of the break)."""
        for number, segment in enumerate(self.segments):
            if year <= segment.last:
                if year >= segment.first or number == 0:
                    return segment.column(max(year, segment.first))
                previous = self.segments[number - 1]
                nearer_previous = year - previous.last < segment.first - year
                return previous.start + previous.width - 1 if nearer_previous else segment.start
        return self.segments[-1].column(self.segments[-1].last)

    def ticks(self) -> list[tuple[int, str]]:
        """Return (column, label) pairs that fit without touching: each stretch's start, then round years."""
        wanted: list[tuple[int, int]] = []  # (priority, year)
        for segment in self.segments:
            wanted.append((0, segment.first))
            step = next(
                (s for s in NICE_STEPS if (segment.last - segment.first) / s * MIN_TICK_SPACING <= segment.width),
                NICE_STEPS[-1],
            )
            year = (segment.first // step + 1) * step
            while year <= segment.last:
                if year:  # there is no year 0
                    wanted.append((1, year))
                year += step
        placed: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []
        for _, year in sorted(wanted, key=lambda item: (item[0], item[1])):
            label = year_label(year)
            start = self.column(year)
            end = start + len(label)
            if end > self.width:
                start, end = self.width - len(label), self.width
            if start < 0 or any(start <= b and a <= end for a, b in taken):
                continue
            taken.append((start, end))
            placed.append((start, label))
        return sorted(placed)
