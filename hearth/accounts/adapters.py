"""allauth adapter: accounts are made by administrators, never by signing up; errors are
worded the GOV.UK way; every email allauth sends (password reset, "unknown account",
security notices) goes through Hearth's notify port like any other message, so it is
recorded, refused to a contact marked unsafe, and delivered (and retried) by the outbox's
worker."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from hearth.core import notify

# Why each of allauth's emails is sent (``OutboundMessage.purpose``), by its template.
EMAIL_PURPOSES = {
    "account/email/password_reset_key": "account_password_reset",
    "account/email/password_reset_code": "account_password_reset",
    "account/email/unknown_account": "account_unknown_account",
}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": "Your account has been closed. Ask your Hearth administrator",
        "email_password_mismatch": "Enter a correct email address and password",
        "enter_current_password": "Enter your current password",
        "incorrect_code": "Enter the correct code",
        "incorrect_password": "Enter the correct password",
        "invalid_login": "Enter a correct email address and password",
        "too_many_login_attempts": (
            "You have tried to sign in too many times. Wait 15 minutes and try again"
        ),
        "unknown_email": "Enter the email address of a Hearth account",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render allauth's email as allauth does, then hand it to the notify port instead
        of sending it: the outbox's worker delivers it (its plain text; allauth's HTML
        alternative, where a template has one, is not sent)."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        rendered = self.render_mail(template_prefix, email, ctx)
        user_id = getattr(context.get("user"), "pk", None)
        notify.send(
            notify.Message(
                to=[email],
                subject=str(rendered.subject),
                body=str(rendered.body),
                sender=str(rendered.from_email or ""),
                about=("accounts.user", str(user_id)) if user_id is not None else None,
                purpose=EMAIL_PURPOSES.get(
                    template_prefix, "account_" + template_prefix.rsplit("/", 1)[-1]
                ),
            )
        )
