"""Hand-off bundles: one assessment, lossless, with a SHA-256 of its content, for another machine.

The checksum detects damage (a truncated or changed file), not who made the
bundle: anyone can recompute it.  So an import believes nothing a bundle
claims that a live change could not have done (see ``claims``): known statuses
only, a sign-off only with its submission and a review by someone other than
the author, every answer valid for its question exactly as on entry, nothing
dated in the future.

An import never deletes anything recorded here.  A new assessment is added; a
copy already here is merged with the bundle, history entry by history entry
(``merge``): what only the bundle has is added, what was done only here is
kept, an answer changed in both places keeps both versions (the two-places
rule of ``Store.save_answer``), and the import's history entry holds the
answers it replaced.  What cannot be merged (a signed-off record over work
done here, both copies moved on in the workflow) is refused in one line that
says what differs.  Everything is written in one transaction.

Between a file and a team database, both ways: a bundle exported from the
server imports into a file as any other; into the server, a bundle from a
file brings its answers and their history into the importing login's own
draft, in that login's name, with everything else the file said kept in the
import's history entry (``merge.for_team``); a signed-off bundle is refused.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any


from sg_assess.errors import Refused, ValidationError
from sg_assess.store.dialect import driver_sql
from sg_assess.records import assessment_dict
from sg_assess.questionnaire.loader import from_source
from sg_assess.store import db
from sg_assess.store.claims import Claim, check_claims
from sg_assess.store.merge import ImportResult, insert_new, merge_into
from sg_assess.records import AssessmentRecord

if TYPE_CHECKING:
    from sg_assess.store.repository import Store

FORMAT = "sg-assess/bundle"
FORMAT_VERSION = 1
MAX_BUNDLE_BYTES = 200 * 1024 * 1024


def _canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def render_bundle(record: AssessmentRecord) -> str:
    from sg_assess import __version__

    content = assessment_dict(record, full=True)
    return json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, "exported_by": f"sg-assess {__version__}",
                       "sha256": hashlib.sha256(_canonical(content)).hexdigest(), "content": content},
                      ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def read_bundle(path: Path) -> dict[str, Any]:
    """The verified content of a bundle file, or a one-line error saying what is wrong with it."""
    from sg_assess.fileio import require_regular

    require_regular(path, "the bundle", error=ValidationError)  # a FIFO or device would hang or mislead
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise ValidationError(f"{path} is {size:,} bytes, too large for a bundle")
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError(f"{path} is not a complete bundle (truncated or damaged?); ask for it to be sent again") from None
    except RecursionError:  # thousands of nested brackets: no assessment looks like that
        raise ValidationError(f"{path} is not an sg-assess bundle (its data is nested too deeply)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(f"{path} is not an sg-assess bundle (export one with --format bundle)")
    if data.get("format_version") != FORMAT_VERSION:
        raise ValidationError(f"{path} is a bundle of format {data.get('format_version')!r}; this sg-assess reads "
                              f"format {FORMAT_VERSION}: upgrade sg-assess")
    content = data.get("content")
    try:
        digest = hashlib.sha256(_canonical(content)).hexdigest() if isinstance(content, dict) else None
    except (RecursionError, ValueError):  # nested too deeply to write back, or a number JSON cannot hold
        raise ValidationError(f"{path} is not an sg-assess bundle (its data is nested too deeply)") from None
    if digest is None or digest != data.get("sha256"):
        raise ValidationError(f"{path} has been changed or damaged since it was exported (its checksum does not "
                              "match); nothing was imported")
    return content


def import_bundle(store: Store, path: Path, *, actor: str, role: str, notes: list[str] | None = None) -> str:
    """Import a verified bundle; return the assessment id.  ``notes`` collects what the person must be told.

    On a team database the importer is the login, whatever ``actor`` and ``role`` say (the server records
    no other), and only what that login could have typed comes in (see ``merge``).
    """
    if store.team is not None:
        actor, role = store.team.login, store.team.role
    content = read_bundle(path)
    try:
        result = _import(store, content, path.name, actor=actor, role=role)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise ValidationError(f"{path} does not hold a complete assessment ({type(exc).__name__}: {exc}); "
                              "nothing was imported") from None
    if notes is not None:
        notes.extend(result.notes)
    return result.id


def _import(store: Store, a: dict[str, Any], source: str, *, actor: str, role: str) -> ImportResult:
    q = a["questionnaire"]
    questionnaire = from_source(q["source"], f"questionnaire in {source}")
    if questionnaire.content_hash != q["hash"]:
        raise ValidationError(f"the questionnaire in {source} does not match its recorded hash; nothing was imported")
    claim: Claim = check_claims(a, questionnaire, source, store.clock())
    now = store._now()
    with db.write_connection(store.engine) as conn:
        run = driver_sql(conn)
        run("INSERT INTO questionnaire_def (hash, qid, version, title, source, stored_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", (q["hash"], q["id"], q["version"], q["title"], q["source"], now))
        local = run("SELECT status FROM assessment WHERE id = ?", (claim.id,)).fetchone()
        team = store.team is not None
        if local is None:
            return insert_new(store, conn, claim, questionnaire, source, actor=actor, role=role, now=now,
                              team=team)
        if local[0] == "signed_off":
            raise Refused(f"assessment {claim.id[:8]} is signed off here; a signed-off record is never replaced")
        return merge_into(store, conn, claim, questionnaire, source, actor=actor, role=role, now=now, team=team)
