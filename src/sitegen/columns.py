"""Many articles' data as columns: one object per column, not one per article, to pickle, fork
and read (a forked process that reads an object writes its reference count, copying its page),
each item made only when asked for. An archive in parts keeps its parts' sketches so
(sitegen.older's shelves), and finding stories reads them in place (sitegen.stories,
sitegen.minhash); a leaf, as the stories are made where articles are normalized."""

from __future__ import annotations

from abc import abstractmethod
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TypeVar, overload

from sitegen.models import Sketch

T = TypeVar("T")


@dataclass(frozen=True)
class Blobs:
    """Many byte strings as one, and where each ends: one object to pickle, fork and read, not
    one per item (a forked process that reads an object writes its reference count, copying its
    page); each item made only when asked for."""

    data: bytes
    ends: array[int]

    @classmethod
    def of(cls, items: Iterable[bytes]) -> Blobs:
        kept = list(items)
        return cls(b"".join(kept), array("q", accumulate(map(len, kept))))

    @classmethod
    def texts_of(cls, texts: Iterable[str]) -> Blobs:
        return cls.of(text.encode() for text in texts)

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, k: int) -> bytes:
        return self.data[self.ends[k - 1] if k else 0 : self.ends[k]]

    def text(self, k: int) -> str:
        return self[k].decode()

    def texts(self) -> list[str]:
        return [self.text(k) for k in range(len(self))]


@dataclass(frozen=True)
class Sketches:
    """Articles' sketches (sitegen.models.Sketch) as columns."""

    minhash: Blobs
    exact: Blobs
    topics: Blobs
    sizes: array[int]

    @classmethod
    def of(cls, sketches: Sequence[Sketch]) -> Sketches:
        return cls(
            Blobs.of(s.minhash for s in sketches),
            Blobs.of(s.exact for s in sketches),
            Blobs.of(s.topics for s in sketches),
            array("q", (s.size for s in sketches)),
        )

    def __len__(self) -> int:
        return len(self.sizes)

    def sketch(self, k: int) -> Sketch:
        return Sketch(self.minhash[k], self.exact[k], self.topics[k], self.sizes[k])


class _Joined(Sequence[T]):
    """Columns read as one sequence: where each starts; each item read from its column when
    asked (`_read`), never all made at once."""

    def __init__(self, lengths: Iterable[int]) -> None:
        self._starts = list(accumulate(lengths, initial=0))

    def __len__(self) -> int:
        return self._starts[-1]

    @abstractmethod
    def _read(self, n: int, at: int) -> T:
        """Item `at` of column `n`."""

    def _at(self, k: int) -> tuple[int, int]:
        """The column item k is in, and its place there."""
        if not 0 <= k < len(self):
            raise IndexError(k)
        n = bisect_right(self._starts, k) - 1
        return n, k - self._starts[n]

    def __iter__(self) -> Iterator[T]:
        starts = self._starts
        return (
            self._read(n, k)
            for n in range(len(starts) - 1)
            for k in range(starts[n + 1] - starts[n])
        )

    @overload
    def __getitem__(self, k: int) -> T: ...
    @overload
    def __getitem__(self, k: slice) -> Sequence[T]: ...
    def __getitem__(self, k: int | slice) -> T | Sequence[T]:
        if isinstance(k, slice):
            return [self[i] for i in range(len(self))[k]]
        return self._read(*self._at(k))


class Chain(_Joined[Sketch]):
    """Columns of sketches read as one sequence, each sketch made when it is read: finding
    stories reads each a few times, and made all at once they would be ~400 bytes an article
    (at 300,000 articles, ~120 MiB of the finding process)."""

    def __init__(self, columns: Sequence[Sketches]) -> None:
        super().__init__(map(len, columns))
        self._columns = columns

    @property
    def columns(self) -> Sequence[Sketches]:
        return self._columns

    def _read(self, n: int, at: int) -> Sketch:
        return self._columns[n].sketch(at)


class Texts(_Joined[str]):
    """Columns of texts (Blobs) read as one sequence, each decoded when read: the finding
    process's ids, not a str per older article (~100 bytes each, with the list's pointer)."""

    def __init__(self, columns: Sequence[Blobs]) -> None:
        super().__init__(map(len, columns))
        self._columns = columns

    def _read(self, n: int, at: int) -> str:
        return self._columns[n].text(at)
