"""A plain-text progress bar for long management commands (no extra dependency)."""

from __future__ import annotations

from typing import TextIO


class ProgressBar:
    """``[#####.....] 50/100 label`` redrawn in place on a terminal, one line per step
    tenth when the output is a file (so CI logs stay short)."""

    def __init__(self, total: int, out: TextIO, width: int = 30) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.out = out
        self.width = width
        self.tty = out.isatty() if hasattr(out, "isatty") else False

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
