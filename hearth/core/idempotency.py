"""Creates that are safe to retry: the ``Idempotency-Key`` of style.md §15 (architecture §7).

A client sends a key of its choosing with each create. The first request with a key
creates the resource and remembers, in ``IdempotencyRecord``, the key, a hash of the
request and what was created. Then:

- the same key with the same request creates nothing and answers with the same resource;
- the same key with a different request is ``Conflict`` (409);
- a request that fails (a validation error, say) leaves nothing behind, so the client
  may correct it and send it again with the same key.

Keys are scoped (``agency:<id>`` for the API: see ``scope_for``). The request hash is
SHA-256 over the canonical JSON (sorted keys, no spaces) of the operation's name and the
body, so two requests that differ only in key order or spacing are the same request, and
one key cannot be reused across different kinds of create.

Concurrent retries: the key is claimed (inserted) in the same transaction as the create,
before it. The unique constraint on (scope, key) makes a second request with the key wait
for the first to commit (PostgreSQL) or fail to insert; it then reads the winner's record
and answers from it, and its own transaction, which created nothing, is rolled back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from hearth.core.actor import Actor
from hearth.core.errors import Conflict, ValidationFailed
from hearth.core.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Created:
    """What a create made (``resource_type`` is a model label, e.g. ``incidents.incident``),
    and whether this answer is a replay of an earlier request with the same key."""

    resource_type: str
    resource_id: str
    replayed: bool


def scope_for(actor: Actor) -> str:
    """Keys belong to the calling agency: a retry is recognised whichever of the agency's
    keys (or people) sends it, for example across a key rotation."""
    return f"agency:{actor.agency_id}"


def request_hash(operation: str, body: Any) -> str:
    canonical = json.dumps(
        {"operation": operation, "body": body},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def idempotent_create(
    *,
    scope: str,
    key: str,
    operation: str,
    body: Any,
    create: Callable[[], tuple[str, int | str]],
) -> Created:
    """Run ``create`` once per (``scope``, ``key``); it returns (resource type, id) and
    should be a service call (it runs inside this function's transaction).

    Raises ``Conflict`` when the key was used for a different request, and whatever
    ``create`` raises (nothing is then remembered)."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed.from_fields(
            {"Idempotency-Key": [f"Send a key of 1 to {MAX_KEY_LENGTH} characters"]}
        )
    digest = request_hash(operation, body)
    earlier = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if earlier is not None:
        return _replay(earlier, digest)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    scope=scope, key=key, request_hash=digest, resource_type="", resource_id=""
                )
        except IntegrityError:
            # Another request with this key got there first and has committed.
            return _replay(IdempotencyRecord.objects.get(scope=scope, key=key), digest)
        resource_type, resource_id = create()
        record.resource_type = resource_type
        record.resource_id = str(resource_id)
        record.save(update_fields=["resource_type", "resource_id"])
    return Created(resource_type, str(resource_id), replayed=False)


def _replay(record: IdempotencyRecord, digest: str) -> Created:
    if record.request_hash != digest:
        raise Conflict(
            "This Idempotency-Key was already used for a different request: "
            "use a new key for a new request"
        )
    return Created(record.resource_type, record.resource_id, replayed=True)
