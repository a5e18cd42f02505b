"""Who someone is: names compared as people read them, roles checked in one place.

A name is recorded as typed (controls and invisible characters removed,
spaces collapsed), but two names are the same person when they read the same:
"Alice Worker", "alice  worker" and an "Alice Worker" typed with decomposed
accents are one person.  ``person_key`` is the form compared (Unicode NFKC,
white space collapsed, case folded); ``same_person`` compares two names.

Every path a name or a role comes in by (``--as``, ``--role``, the
environment, the config file, the app's first-run dialog, ``hand-over --to``)
goes through ``check_name`` and ``check_role`` here.
"""

from __future__ import annotations

import re
import unicodedata

from sg_assess.errors import UsageError

ROLES = ("practitioner", "supervisor")
MAX_NAME_CHARS = 200

_SPACES = re.compile(r"\s+")


def _visible_chars(name: str) -> str:
    """``name`` without control, format (zero-width, bidi) and unassigned characters."""
    return "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cn", "Co", "Cs"))


def person_key(name: str) -> str:
    """The form of a name that is compared: NFKC, invisible characters dropped, spaces collapsed, case folded."""
    text = unicodedata.normalize("NFKC", name)
    text = _SPACES.sub(" ", _visible_chars(_SPACES.sub(" ", text))).strip()
    return unicodedata.normalize("NFKC", text.casefold())


def shown_person(login: str, names: dict[str, str], role: str | None = None) -> str:
    """A person as readers see them: on a team database ``Display Name (login, role)`` when IT set a display
    name other than the login; otherwise the name as recorded, ``name (role)`` (a file records the name a
    person gave).  ``role`` is left out when not given."""
    from sg_assess.safetext import one_line

    name = one_line(names.get(login) or "")
    if name and name != login:
        return f"{name} ({login}{', ' + role if role else ''})"
    return f"{login} ({role})" if role else login


def same_person(a: str | None, b: str | None) -> bool:
    """True when two recorded names are the same person (see ``person_key``).

    An empty name matches nobody.  A name with nothing visible (which
    ``check_name`` refuses, but an old record may hold) matches only itself exactly.
    """
    if not a or not b:
        return False
    key = person_key(a)
    return key == person_key(b) if key else a == b


def check_name(name: str | None, *, what: str = "your name") -> str:
    """The name as it will be recorded, or a one-line UsageError.

    Invalid UTF-8 (which Python hands over as lone surrogates), a name made only
    of invisible or control characters, or an absurdly long one is refused.
    """
    if name is None:
        raise UsageError(f"{what} is needed")
    if any("\ud800" <= ch <= "\udfff" for ch in name):
        raise UsageError(f"{what} is not valid UTF-8 text; check the terminal's or the file's encoding")
    text = _SPACES.sub(" ", _visible_chars(_SPACES.sub(" ", unicodedata.normalize("NFC", name)))).strip()
    if not text:
        raise UsageError(f"{what} has no visible characters" if name.strip() else f"{what} cannot be empty")
    if len(text) > MAX_NAME_CHARS:
        raise UsageError(f"{what} is {len(text)} characters long; the limit is {MAX_NAME_CHARS}")
    return text


def check_role(role: str | None, *, source: str = "") -> str:
    """``practitioner`` or ``supervisor`` (any case, spaces around ignored), or a one-line UsageError naming ``source``."""
    cleaned = role.strip().lower() if isinstance(role, str) else role
    if cleaned not in ROLES:
        shown = _visible_chars(role) if isinstance(role, str) else role
        where = f" ({source})" if source else ""
        raise UsageError(f"the role must be practitioner or supervisor, not {shown!r}{where}; "
                         "set it with 'sg-assess config --role'")
    return cleaned
