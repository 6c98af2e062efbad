"""allauth adapter: accounts are made by administrators, never by signing up; errors are
worded the GOV.UK way."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


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
