"""Object rules for accounts (django-rules predicates over an ``Actor``)."""

from __future__ import annotations

import rules

from hearth.core.rules import is_administrator

rules.add_rule("accounts.manage_agency_setup", is_administrator)
