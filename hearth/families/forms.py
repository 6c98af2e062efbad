"""Forms of the family plan pages (GOV.UK patterns, plain words); the services check the
rules again."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from hearth.accounts.models import Team
from hearth.families import policy
from hearth.families.models import Goal, PlanMember
from hearth.people.forms import GovukDateField, GovukForm

_LONG = "This must be {limit} characters or fewer"


def _text(label: str, hint: str = "", required: str = "", limit: int = 4000) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required),
        max_length=limit,
        widget=forms.Textarea,
        error_messages={"required": required, "max_length": _LONG.format(limit=limit)},
    )


def _radios(label: str, choices: list[Choice], required: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": required},
    )


NOT_IN_PLAN = "none"


class PlanOpenForm(GovukForm):
    """Who is in the plan and their roles, who leads it, what it was opened from, the
    family's agreement and the safe-contact note."""

    lead_team = _radios("Which team leads the plan?", [], "Select the team that leads the plan")
    opened_from = _radios(
        "What is the plan opened from?",
        [Choice(o.value, label) for o, label in policy.OPENED_FROM_LABELS.items()],
        "Select what the plan was opened from",
    )
    opened_from_obligation = forms.ChoiceField(
        label="The decision or support it was opened from",
        help_text="Needed for a front door decision or an IDVA's support",
        required=False,
    )
    marac_case = forms.IntegerField(
        label="The MARAC meeting's case number",
        help_text="Needed for a MARAC meeting",
        required=False,
        min_value=1,
        error_messages={"invalid": "Enter the case number as digits"},
    )
    agreement = _radios(
        "Did the family agree to the plan?",
        [Choice(a.value, label) for a, label in policy.AGREEMENT_LABELS.items()],
        "Select whether the family agreed to the plan",
    )
    agreement_note = _text(
        "Why was agreement not sought? (or anything about their agreement)",
        "For example, asking would not be safe",
    )
    safe_contact_note = _text(
        "How can the family be contacted safely?",
        "Safe numbers and times, who it is safe to speak to, and who must not know",
        "Enter how to contact the family safely, or that there is no safe way",
    )

    def __init__(self, *args: Any, options: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        role_choices = [
            Choice(NOT_IN_PLAN, "Not in the plan"),
            *(Choice(r.value, label) for r, label in policy.ROLE_LABELS.items()),
        ]
        layout: list[Any] = []
        for choice in options.family:
            name = f"member_{choice.person.pk}"
            self.fields[name] = forms.ChoiceField(
                label=choice.person.full_name,
                help_text=choice.words,
                choices=role_choices,
                initial=choice.suggested_role,
                widget=forms.Select,
                error_messages={"invalid_choice": "Select a role from the list"},
            )
            layout.append(Field.select(name))
        lead = self.fields["lead_team"]
        assert isinstance(lead, forms.ChoiceField)
        lead.choices = [Choice(str(t.pk), t.name) for t in options.teams]
        if len(options.teams) == 1:
            lead.initial = str(options.teams[0].pk)
        source = self.fields["opened_from_obligation"]
        assert isinstance(source, forms.ChoiceField)
        source.choices = [
            ("", "None"),
            *(
                (str(o.pk), f"{o.get_route_display()}: {o.subject.full_name}")
                for o in options.sources
            ),
        ]
        self.helper.layout = Layout(
            Fieldset(*layout, legend="Who is in the plan?", legend_size=Size.MEDIUM),
            Field.radios("lead_team", legend_size=Size.MEDIUM, small=True),
            Field.radios("opened_from", legend_size=Size.MEDIUM, small=True),
            Field.select("opened_from_obligation"),
            Field.text("marac_case", field_width=10),
            Field.radios("agreement", legend_size=Size.MEDIUM, small=True),
            Field.textarea("agreement_note", rows=3),
            Field.textarea("safe_contact_note", rows=4),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("agreement") == policy.Agreement.NOT_SOUGHT
            and not (data.get("agreement_note") or "").strip()
        ):
            self.add_error("agreement_note", "Enter why the family's agreement was not sought")
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        members = {
            int(name.removeprefix("member_")): value
            for name, value in data.items()
            if name.startswith("member_") and value and value != NOT_IN_PLAN
        }
        return {
            "lead_team_id": int(data["lead_team"]) if data.get("lead_team") else None,
            "members": members,
            "agreement": data["agreement"],
            "agreement_note": data.get("agreement_note") or "",
            "safe_contact_note": data["safe_contact_note"],
            "opened_from": data["opened_from"],
            "opened_from_obligation_id": int(data["opened_from_obligation"])
            if data.get("opened_from_obligation")
            else None,
            "marac_case_id": data.get("marac_case"),
        }


def _member_choices(members: list[PlanMember]) -> list[Choice]:
    return [Choice(str(m.pk), f"{m.person.full_name} ({m.role_label.lower()})") for m in members]


class GoalForm(GovukForm):
    member = _radios("Whose goal is it?", [], "Select whose goal it is")
    words = _text(
        "What is the goal?",
        "In plain words the family would use: for example, Amy feels safe at home",
        "Enter the goal",
        policy.WORDS_MAX,
    )

    def __init__(self, *args: Any, members: list[PlanMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _member_choices(members)
        self.helper.layout = Layout(
            Field.radios("member", legend_size=Size.MEDIUM, small=True),
            Field.textarea("words", rows=3),
        )


class ActionForm(GovukForm):
    member = _radios("Who is the action for?", [], "Select who the action is for")
    goal = forms.ChoiceField(label="Which goal does it work towards? (optional)", required=False)
    team = forms.ChoiceField(
        label="Which team owns the action?",
        error_messages={"required": "Select the team that owns the action"},
    )
    what = _text("What is to be done?", "", "Enter what is to be done", policy.WORDS_MAX)
    due_on = GovukDateField(
        label="Due by", what="The due date", required="Enter the date it is due by"
    )

    def __init__(
        self, *args: Any, members: list[PlanMember], goals: list[Goal], teams: list[Team], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        member = self.fields["member"]
        goal = self.fields["goal"]
        team = self.fields["team"]
        assert isinstance(member, forms.ChoiceField)
        assert isinstance(goal, forms.ChoiceField) and isinstance(team, forms.ChoiceField)
        member.choices = _member_choices(members)
        goal.choices = [("", "None"), *((str(g.pk), g.words) for g in goals)]
        team.choices = [
            ("", "Select a team"),
            *((str(t.pk), f"{t.name} ({t.agency.name})") for t in teams),
        ]
        self.helper.layout = Layout(
            Field.radios("member", legend_size=Size.MEDIUM, small=True),
            Field.select("goal"),
            Field.select("team"),
            Field.textarea("what", rows=3),
            Field("due_on"),
        )


class SupportForm(GovukForm):
    member = _radios("Whose support is it?", [], "Select whose support it is")
    kind = _radios(
        "What support?",
        [Choice(k.value, label) for k, label in policy.SUPPORT_LABELS.items()],
        "Select a kind of support",
        hint="Each member may have the support for their role only",
    )
    status = _radios(
        "Has it started?",
        [Choice(s.value, label) for s, label in policy.SUPPORT_STATUS_LABELS.items()],
        "Select whether the support is planned, started or ended",
    )
    started_on = GovukDateField(label="When did it start?", what="The start date", required="")
    ended_on = GovukDateField(label="When did it end?", what="The end date", required="")
    obligation = forms.IntegerField(
        label="The referral or notification that delivers it (optional)",
        help_text="Its number in Hearth, if there is one",
        required=False,
        min_value=1,
        error_messages={"invalid": "Enter the number as digits"},
    )
    note = forms.CharField(
        label="A short note (optional)",
        required=False,
        max_length=policy.NOTE_MAX,
        widget=forms.Textarea,
        error_messages={"max_length": _LONG.format(limit=policy.NOTE_MAX)},
    )

    def __init__(self, *args: Any, members: list[PlanMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ChoiceField)
        member.choices = _member_choices(members)
        self.helper.layout = Layout(
            Field.radios("member", legend_size=Size.MEDIUM, small=True),
            Field.radios("kind", legend_size=Size.MEDIUM, small=True),
            Field.radios("status", legend_size=Size.MEDIUM, small=True),
            Field("started_on"),
            Field("ended_on"),
            Field.text("obligation", field_width=10),
            Field.textarea("note", rows=2),
        )


class SupportUpdateForm(GovukForm):
    status = _radios(
        "Has it started?",
        [Choice(s.value, label) for s, label in policy.SUPPORT_STATUS_LABELS.items()],
        "Select whether the support is planned, started or ended",
    )
    started_on = GovukDateField(label="When did it start?", what="The start date", required="")
    ended_on = GovukDateField(label="When did it end?", what="The end date", required="")
    note = forms.CharField(
        label="A short note (optional)",
        required=False,
        max_length=policy.NOTE_MAX,
        widget=forms.Textarea,
        error_messages={"max_length": _LONG.format(limit=policy.NOTE_MAX)},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("status", legend_size=Size.MEDIUM, small=True),
            Field("started_on"),
            Field("ended_on"),
            Field.textarea("note", rows=2),
        )


_CLOSE_CHOICES = [Choice(r.value, label) for r, label in policy.CLOSE_REASON_LABELS.items()]


class ReviewForm(GovukForm):
    held_on = GovukDateField(
        label="When was the review held?",
        what="The review date",
        required="Enter the date the review was held",
    )
    children_views = _text(
        "The children's views",
        "What each child wants and how they feel about the plan, in their words where you can",
    )
    continues = _radios(
        "Does the plan continue?",
        [Choice("yes", "Yes"), Choice("no", "No, it closes")],
        "Select whether the plan continues",
    )
    close_reason = forms.ChoiceField(
        label="If it closes, why?",
        choices=[("", "Select a reason"), *((c.value, c.label) for c in _CLOSE_CHOICES)],
        required=False,
    )
    close_note = _text("Anything more about why it closes (optional)")

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        progress = [Choice(p.value, label) for p, label in policy.PROGRESS_LABELS.items()]
        names = []
        for goal in goals:
            name = f"goal_{goal.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{goal.words} ({goal.member.person.full_name})",
                choices=progress,
                widget=forms.RadioSelect,
                error_messages={"required": "Select the progress made on this goal"},
            )
            names.append(Field.radios(name, legend_size=Size.SMALL, small=True, inline=True))
        parts: list[Any] = [Field("held_on")]
        if names:
            parts.append(Fieldset(*names, legend="Progress on each goal", legend_size=Size.MEDIUM))
        parts += [
            Field.textarea("children_views", rows=4),
            Field.radios("continues", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.select("close_reason"),
            Field.textarea("close_note", rows=2),
        ]
        self.helper.layout = Layout(*parts)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "progress": {
                int(k.removeprefix("goal_")): v for k, v in data.items() if k.startswith("goal_")
            },
            "children_views": data.get("children_views") or "",
            "continues": data["continues"] == "yes",
            "close_reason": data.get("close_reason") or "",
            "close_note": data.get("close_note") or "",
        }


class FirstMeetingForm(GovukForm):
    held_on = GovukDateField(
        label="When was the first meeting held?",
        what="The meeting date",
        required="Enter the date of the first meeting",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field("held_on"))


class CloseForm(GovukForm):
    reason = _radios("Why is the plan closing?", _CLOSE_CHOICES, "Select why the plan is closing")
    note = _text("Anything more about why it closes", "Needed for another reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("reason", legend_size=Size.MEDIUM, small=True),
            Field.textarea("note", rows=3),
        )


def _months_or_days(
    label: str, hint: str, what: str, bounds: tuple[int, int]
) -> forms.IntegerField:
    low, high = bounds
    between = f"Enter {what} from {low} to {high}"
    return forms.IntegerField(
        label=label,
        help_text=hint,
        min_value=low,
        max_value=high,
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a whole number",
            "min_value": between,
            "max_value": between,
        },
    )


class SettingsForm(GovukForm):
    """An area's review timescales for family plans (host administrators)."""

    first_meeting_working_days = _months_or_days(
        "Working days to the first meeting",
        f"From the plan opening. Default: {policy.DEFAULT_FIRST_MEETING_WORKING_DAYS}",
        "the working days to the first meeting",
        policy.SETTING_BOUNDS["first_meeting_working_days"],
    )
    first_review_months = _months_or_days(
        "Months to the first review",
        f"From the plan opening. Default: {policy.DEFAULT_FIRST_REVIEW_MONTHS}",
        "the months to the first review",
        policy.SETTING_BOUNDS["first_review_months"],
    )
    review_every_months = _months_or_days(
        "Months at most between reviews",
        f"After each review. Default: {policy.DEFAULT_REVIEW_EVERY_MONTHS}",
        "the months between reviews",
        policy.SETTING_BOUNDS["review_every_months"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.text("first_meeting_working_days", field_width=3),
            Field.text("first_review_months", field_width=3),
            Field.text("review_every_months", field_width=3),
        )
