"""Who may search the access log: administrators only (architecture §1, §5)."""

from __future__ import annotations

import rules

from hearth.core.rules import is_administrator

rules.add_rule("audit.search_access_log", is_administrator)
