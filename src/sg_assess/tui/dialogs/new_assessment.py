"""Start an assessment: the child's name and date of birth (or due date), the date, the questionnaire."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Label, Select, Static

from sg_assess.tui.dialogs.forms import Form
from sg_assess.tui.text import literal_line
from sg_assess.tui.widgets.marks import MarkedCheckbox
from sg_assess.tui.widgets.inputs import DateValidator


@dataclass(frozen=True)
class NewAssessment:
    child_name: str | None
    dob: str | None
    unborn: bool
    due: str | None
    assessment_date: str
    questionnaire_id: str | None
    child_id: str | None = None


@dataclass(frozen=True)
class ChildDetails:
    """What is already known of a child being re-assessed."""

    id: str
    name: str
    dob: str | None
    due_date: str | None


class NewAssessmentDialog(Form[NewAssessment]):
    SAVE_LABEL = "Create (ctrl+s)"

    def __init__(self, questionnaires: list[tuple[str, str]], child: ChildDetails | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__()
        self.attempted = False  # what is missing is said after the first Create, not before anything is typed
        self.questionnaires = questionnaires  # (title, id)
        self.child = child
        self.today = today or dt.date.today()
        self.TITLE_TEXT = "Re-assess " + child.name if child else "New assessment"

    def fields(self) -> ComposeResult:
        child = self.child
        yield Label("Child's name")
        yield Input(child.name if child else "", id="name", placeholder="Full name")
        unborn = bool(child and child.dob is None)
        yield MarkedCheckbox("Unborn (a pre-birth assessment)", value=unborn, id="unborn")
        yield Label("Date of birth", id="dob-label")
        yield Input((child.dob or "") if child else "", id="dob", placeholder="YYYY-MM-DD", validators=[DateValidator()])
        yield Label("Due date", id="due-label")
        yield Input((child.due_date or "") if child else "", id="due", placeholder="YYYY-MM-DD",
                    validators=[DateValidator()])
        yield Label("Assessment date")
        yield Input(self.today.isoformat(), id="date", placeholder="YYYY-MM-DD", validators=[DateValidator()])
        if len(self.questionnaires) > 1:
            yield Label("Questionnaire")
            yield Select([(literal_line(t), i) for t, i in self.questionnaires], id="questionnaire",
                         value=self.questionnaires[0][1], allow_blank=False)

    def on_mount(self) -> None:
        self._show_birth_fields()
        self.query_one("#name", Input).focus()

    def _show_birth_fields(self) -> None:
        unborn = self.query_one("#unborn", Checkbox).value
        for wid in ("#dob", "#dob-label"):
            self.query_one(wid).display = not unborn
        for wid in ("#due", "#due-label"):
            self.query_one(wid).display = unborn

    @on(Checkbox.Changed, "#unborn")
    def _unborn(self) -> None:
        self._show_birth_fields()
        self.problem()

    @on(Input.Changed)
    def _typed(self) -> None:
        self.problem()

    def problem(self) -> str | None:
        """Check the form as it is typed; show and return the first problem."""
        message = self._first_problem()
        shown = message if (self.attempted or (message and ":" in message)) else None  # bad dates: as typed
        self.query_one("#problem", Static).update(shown or "")
        return message

    def _first_problem(self) -> str | None:
        name = self.query_one("#name", Input).value.strip()
        unborn = self.query_one("#unborn", Checkbox).value
        birth_id = "#due" if unborn else "#dob"
        birth_label = "Due date" if unborn else "Date of birth"
        for wid, label in ((birth_id, birth_label), ("#date", "Assessment date")):
            result = self.query_one(wid, Input).validate(self.query_one(wid, Input).value)
            if result is not None and not result.is_valid:
                return f"{label}: {result.failure_descriptions[0]}"
        if not name:
            return "Enter the child's name."
        birth = self.query_one(birth_id, Input).value.strip()
        on_date = self.query_one("#date", Input).value.strip()
        if not birth:
            return f"Enter the {birth_label.lower()} (YYYY-MM-DD)."
        if not on_date:
            return "Enter the assessment date (YYYY-MM-DD)."
        from sg_assess import plausible
        from sg_assess.errors import ValidationError

        try:
            on = dt.date.fromisoformat(on_date)
            plausible.check_assessment_date(on, self.today if self.today > dt.date.today() else dt.date.today())
            (plausible.check_due if unborn else plausible.check_dob)(dt.date.fromisoformat(birth), on)
        except ValidationError as exc:
            text = str(exc).replace("use --unborn --due", "tick Unborn")
            return f"Cannot assess: {text}."
        except ValueError:
            return None  # not a date: the field's own validator says so
        return None

    def result(self) -> NewAssessment | str:
        self.attempted = True
        problem = self.problem()
        if problem:
            return problem
        unborn = self.query_one("#unborn", Checkbox).value
        chosen = self.query("#questionnaire")
        qid = chosen.first(Select).value if chosen else (self.questionnaires[0][1] if self.questionnaires else None)
        return NewAssessment(
            child_name=self.query_one("#name", Input).value.strip(),
            dob=None if unborn else self.query_one("#dob", Input).value.strip(),
            unborn=unborn,
            due=self.query_one("#due", Input).value.strip() if unborn else None,
            assessment_date=self.query_one("#date", Input).value.strip(),
            questionnaire_id=qid,
            child_id=self.child.id if self.child else None,
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()
