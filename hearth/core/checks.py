"""System checks that make Hearth's own safety settings part of ``check --deploy``.

Django's deploy checks cover HTTPS, cookies and HSTS; these add the rules from the
foundation issue: Argon2 first, a Content Security Policy without 'unsafe-inline' that
uses nonces, a Permissions-Policy, never the demo mode in production, and a cache every
web worker shares (sign-in lockouts are counted in it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def hearth_security_settings(app_configs: Any, **kwargs: Any) -> list[Warning]:
    problems: list[Warning] = []
    if not settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher"):
        problems.append(Warning("The first password hasher must be Argon2.", id="hearth.W001"))
    directives = getattr(settings, "CONTENT_SECURITY_POLICY", {}).get("DIRECTIVES", {})
    if not directives:
        problems.append(Warning("No Content Security Policy is set.", id="hearth.W002"))
    for name, sources in directives.items():
        if "'unsafe-inline'" in sources or "'unsafe-eval'" in sources:
            problems.append(
                Warning(f"CSP {name} allows unsafe inline code or eval.", id="hearth.W003")
            )
    from csp.constants import NONCE

    if NONCE not in directives.get("script-src", []):
        problems.append(Warning("CSP script-src must use nonces.", id="hearth.W004"))
    if not getattr(settings, "PERMISSIONS_POLICY", None):
        problems.append(Warning("No Permissions-Policy is set.", id="hearth.W005"))
    if settings.HEARTH_DEMO_MODE:
        problems.append(
            Warning("Demo mode (accounts without two factors) is on.", id="hearth.W006")
        )
    if settings.SESSION_COOKIE_AGE > 60 * 60:
        problems.append(
            Warning("Sessions should expire after at most an hour idle.", id="hearth.W007")
        )
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        problems.append(
            Warning(
                "The default cache is kept in each process: every web worker would count "
                "failed sign-ins alone, so lockouts would not hold.",
                hint="Use the database cache (the default) or Redis: CACHE_URL=redis://...",
                id="hearth.W008",
            )
        )
    return problems


# Caches that each process keeps for itself (issue 11 §2: lockout counted per worker).
PER_PROCESS_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)
