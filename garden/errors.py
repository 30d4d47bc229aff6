"""One exception base, and the diagnostic record every stage reports problems with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


class GardenError(Exception):
    """A problem the user can fix; the CLI prints it without a traceback."""


class ConfigError(GardenError):
    pass


class OutputFolderError(GardenError):
    pass


class CacheMismatch(GardenError):
    """What the build cache says is on disk is not (a damaged cache, a site file removed by hand):
    the build is abandoned, leaving the site as it was, and made again from scratch."""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem in one file: `path:line: level: message (hint)`."""

    path: str
    line: int
    level: Level
    message: str
    hint: str = ""

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.level}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text
