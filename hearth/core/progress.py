"""A plain-text progress bar for long management commands (no extra dependency)."""

from __future__ import annotations

from typing import Protocol


class Output(Protocol):
    def write(self, text: str) -> object: ...

    def flush(self) -> object: ...


class ProgressBar:
    """``[#####.....] 50/100 label`` redrawn in place on a terminal, one line per step
    tenth when the output is a file (so CI logs stay short)."""

    def __init__(self, total: int, out: Output, width: int = 30) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.out = out
        self.width = width
        isatty = getattr(out, "isatty", None)
        self.tty = bool(isatty and isatty())

    def step(self, label: str = "") -> None:
        self.done += 1
        filled = self.width * self.done // self.total
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total}"
        if self.tty:
            self.out.write(f"\r{line} {label[:40]:<40}")
            self.out.flush()
        elif self.done == self.total or self.done % max(self.total // 10, 1) == 0:
            self.out.write(line + "\n")

    def finish(self) -> None:
        if self.tty:
            self.out.write("\n")
