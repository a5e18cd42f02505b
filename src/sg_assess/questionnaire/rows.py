"""The rows of repeating groups: ONE definition of each group kind's fields.

The store's validation (values.py), the exports (markdown.py, jsonexport.py),
the app's group table and row dialog and the rule engine all read these
definitions, so a field is added in one place.  Every field added after
version 1 is optional, so version-1 data stays valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Field types: "text", "bool", "date", "score" (0-10), "choice" (one of ``choices``: stored as the id).


@dataclass(frozen=True)
class RowField:
    name: str
    type: str
    label: str  # shown in the app's dialog and table header
    header: str = ""  # the export's table header (default: label)
    width: int = 0  # column width in the app's table; 0: not a column (shown in the row dialog only)
    choices: tuple[tuple[str, str], ...] = ()  # (id, words) for "choice" fields
    free_text_ok: bool = False  # a "choice" field that also keeps version 1's free text
    default_true: bool = False  # a "bool" checked by default in a new row
    added: bool = False  # added after version 1: exports show it only when some row has it

    @property
    def export_header(self) -> str:
        return self.header or self.label

    def words(self, value: Any) -> str:
        """A stored value in words (a choice id becomes its words; free text stays as it is)."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "Yes" if value else "No"
        for cid, words in self.choices:
            if value == cid:
                return words
        return str(value)

    def choice_id(self, value: str) -> str | None:
        """The id a typed value stands for: the id itself or its words, in any case."""
        def fold(text: str) -> str:
            return " ".join(text.replace("_", " ").casefold().split())

        folded = fold(value)
        for cid, words in self.choices:
            if folded in (fold(cid), fold(words)):
                return cid
        return None


@dataclass(frozen=True)
class RowType:
    kind: str
    fields: tuple[RowField, ...]
    required: tuple[str, ...]
    description: str  # what one row is, for dialog titles and docs
    column_order: tuple[str, ...] = ()  # the app table's columns, short and telling first (default: field order)

    def field(self, name: str) -> RowField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def columns(self) -> tuple[RowField, ...]:
        """The app table's columns (fields with a width), in ``column_order``."""
        order = self.column_order or self.names
        by_name = {f.name: f for f in self.fields}
        return tuple(by_name[n] for n in order if by_name[n].width)


CARER_ROLES = (("mother", "Mother"), ("father", "Father"), ("male_carer", "Male carer"),
               ("female_carer", "Female carer"), ("other_carer", "Other carer"), ("not_carer", "Not a carer"))
SCALE_ROLES = (("practitioner", "Practitioner"), ("parent_carer", "Parent or carer"), ("child", "Child"),
               ("network", "Network member"), ("professional", "Other professional"), ("supervisor", "Supervisor"))
OWNER_ROLES = (("professional", "Professional"), ("parent_carer", "Parent or carer"), ("child", "Child"),
               ("network", "Network member"))

ROW_TYPES: dict[str, RowType] = {
    "people": RowType("people", (
        RowField("name", "text", "Name", width=16),
        RowField("relationship", "text", "Relationship or role", width=14),
        RowField("carer_role", "choice", "Carer role", choices=CARER_ROLES, added=True),
        RowField("parental_responsibility", "bool", "Parental responsibility", added=True),
        RowField("agency", "text", "Agency", width=12),
        RowField("involved", "bool", "Involved", width=8, default_true=True),
        RowField("reason_not_involved", "text", "Reason if not involved", width=16),
        RowField("seen_and_checked", "bool", "Seen, and agency checks done", added=True),
    ), ("name",), "a person", ("name", "relationship", "involved", "reason_not_involved", "agency")),
    "scale": RowType("scale", (
        RowField("who", "text", "Who", width=14),
        RowField("role", "choice", "Role", width=12, choices=SCALE_ROLES, free_text_ok=True),
        RowField("score", "score", "Score", header="Score (0-10)", width=5),
        RowField("reason", "text", "Reason", width=24),
        RowField("date", "date", "Date", width=10),
    ), ("who", "score"), "a safety scale score", ("score", "who", "role", "date", "reason")),
    "actions": RowType("actions", (
        RowField("what", "text", "What", width=20),
        RowField("who", "text", "Who", width=12),
        RowField("owner_role", "choice", "Owner is a", choices=OWNER_ROLES, added=True),
        RowField("by_when", "date", "By when", width=10),
        RowField("review_date", "date", "Review date", width=11),
        RowField("done", "bool", "Done", width=4),
        RowField("done_date", "date", "Date done", added=True),
        RowField("what_changed", "text", "What changed", added=True),
    ), ("what",), "a next step"),
    "events": RowType("events", (
        RowField("date", "date", "Date", width=10),
        RowField("event", "text", "Event", width=26),
        RowField("source", "text", "Source", width=12),
        RowField("impact", "text", "Impact on the child", width=20),
    ), ("date", "event"), "a significant event"),
    "goals": RowType("goals", (
        RowField("danger", "text", "Danger it answers", width=22),
        RowField("goal", "text", "What must be shown", width=28),
        RowField("how_long", "text", "For how long", width=12),
    ), ("goal",), "a safety goal"),
}

GROUP_KINDS: tuple[str, ...] = tuple(ROW_TYPES)


def row_type(kind: str) -> RowType:
    return ROW_TYPES[kind]
