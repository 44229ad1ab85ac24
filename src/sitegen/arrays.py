"""Small numpy helpers shared by the stages that hash text (stories, search)."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

T = TypeVar("T", bound=np.generic)


def sorted_unique(values: npt.NDArray[T]) -> npt.NDArray[T]:
    """np.unique(values) by sorting: numpy 2's hash-table unique takes several times as long on
    the short arrays a text gives (a few thousand integers)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    first = np.empty(len(ordered), dtype=np.bool_)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]
