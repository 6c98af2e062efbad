"""Record keys for the cell key method (DISCLOSURE-2, ``disclosure``): every fact gets a
key from 0 to 255 that looks random and never changes.

ONS draws each record's key at random and stores it. Hearth's facts are a copy of the
ledger, rebuilt at will, so a stored random draw would change with every rebuild, and
with it every adjusted figure (and a figure asked for before and after a rebuild could
be differenced). So the key is drawn from the fact's own identity instead: an HMAC of
its kind and the ledger id it copies, under a key derived from the deployment's
``SECRET_KEY``. It is as unpredictable as a random draw to anyone without the secret,
and the same on every rebuild. Rotating ``SECRET_KEY`` changes every key: rebuild the
statistics afterwards (``manage.py refresh_stats --rebuild``; docs/operations.md).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

from hearth.stats.disclosure import KEY_SPACE

_PURPOSE = b"hearth.stats.record-key"


@lru_cache(maxsize=4)
def _mac(secret: str) -> hmac.HMAC:
    derived = hashlib.blake2b(secret.encode(), key=_PURPOSE, digest_size=32).digest()
    return hmac.new(derived, digestmod=hashlib.blake2s)


def record_key(kind: str, *natural_id: object) -> int:
    """The record key of the fact of ``kind`` ("notification", "deadline", …) that
    copies the ledger row(s) ``natural_id``."""
    mac = _mac(settings.SECRET_KEY).copy()
    mac.update(f"{kind}:{':'.join(str(i) for i in natural_id)}".encode())
    return int.from_bytes(mac.digest()[:2], "big") % KEY_SPACE


# Each fact table: its kind and the ledger id(s) it copies (its natural key).
NATURAL_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "NotificationFact": ("notification", ("obligation_id",)),
    "DeadlineFact": ("deadline", ("deadline_id",)),
    "IncidentFact": ("incident", ("incident_id",)),
    "MaracFact": ("marac", ("obligation_id",)),
    "AssessmentFact": ("assessment", ("assessment_id",)),
    "KnownFact": ("known", ("incident_id", "child_id")),
    "SpecialistFact": ("specialist", ("obligation_id",)),
    "UnmetNeedFact": ("unmet", ("unmet_need_id",)),
}


def key_of(fact: object) -> int:
    """The record key of a fact (any of the fact models), from its natural key."""
    kind, fields = NATURAL_KEYS[type(fact).__name__]
    return record_key(kind, *(getattr(fact, f) for f in fields))
