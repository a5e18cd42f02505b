"""The team database enforces the rules itself: an app login with a SQL client (psycopg, psql) cannot break them.

Records are built through the Store as the right login; then each rule is attacked in plain SQL on a
connection of an app login (autocommit: each statement stands alone, as in a SQL tool).  Every rule has a
test that fires it and a legitimate path that still works.  Refusals are one line: the app shows them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import psycopg
import pytest
from psycopg import sql as pgsql

from sg_assess.errors import DatabaseError, Refused
from sg_assess.store.repository import Store

pytestmark = [pytest.mark.xdist_group("postgresql"), pytest.mark.postgresql]

PAT = {"actor": "pat", "role": "practitioner"}
PIP = {"actor": "pip", "role": "practitioner"}
SUE = {"actor": "sue", "role": "supervisor"}
SAM = {"actor": "sam", "role": "supervisor"}
ROLES = {"pat": "practitioner", "pip": "practitioner", "sue": "supervisor", "sam": "supervisor"}
FROZEN = "signed off and cannot be changed"
NO_PRIVILEGE = "permission denied|must be owner|must have admin option|must be superuser"


class Team:
    """One team database: a Store and a raw psycopg connection for each login."""

    def __init__(self, server, database: str, clock):
        self.server, self.database, self.clock = server, database, clock
        self.stores: dict[str, Store] = {}
        self.conns: dict[str, psycopg.Connection] = {}

    def url(self, login: str) -> str:
        if login == "nemo":  # a login on the server, in neither group
            c = self.server.conn
            if c.execute("SELECT 1 FROM pg_roles WHERE rolname = 'nemo'").fetchone() is None:
                c.execute("CREATE ROLE nemo LOGIN PASSWORD 'sg-test-password'")
            c.execute("REVOKE sg_practitioner, sg_supervisor FROM nemo")
            return self.server.url(self.database, "nemo")
        return self.server.login(self.database, login, ROLES[login])

    def store(self, login: str) -> Store:
        if login not in self.stores:
            self.stores[login] = Store.open(self.url(login), clock=self.clock)
        return self.stores[login]

    def sql(self, login: str) -> psycopg.Connection:
        if login not in self.conns:
            self.conns[login] = psycopg.connect(self.url(login), autocommit=True)
        return self.conns[login]

    def close(self) -> None:
        for conn in self.conns.values():
            conn.close()
        for store in self.stores.values():
            store.close()


@pytest.fixture
def team(pg_server, team_db, clock):
    t = Team(pg_server, team_db, clock)
    yield t
    t.close()


def refused(conn: psycopg.Connection, statement: str, params: tuple = (), *, match: str) -> str:
    """Run ``statement``; it must be refused by a rule or a missing privilege, in one line matching ``match``."""
    with pytest.raises(psycopg.Error) as info:
        conn.execute(statement, params)
    message = info.value.diag.message_primary or ""
    assert info.value.sqlstate in ("P0001", "42501"), f"{info.value.sqlstate}: {message}"
    assert "\n" not in message and re.search(match, message), message
    return message


def one(conn: psycopg.Connection, statement: str, params: tuple = ()):
    return conn.execute(statement, params).fetchone()


@pytest.fixture
def draft(team: Team, questionnaire) -> str:
    """pat's draft, two answers."""
    s = team.store("pat")
    aid = s.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                              assessment_date="2026-03-02", **PAT)
    s.save_answer(aid, "danger_statements", "Worried about the stairs", **PAT)
    s.save_answer(aid, "next_steps", [{"what": "Stair gate", "who": "Mum", "by_when": "2026-03-09",
                                       "review_date": "2026-03-20"}], **PAT)
    return aid


@pytest.fixture
def submitted(team: Team, draft: str) -> str:
    team.store("pat").submit(draft, reason="Sent now; the rest follows", **PAT)
    return draft


@pytest.fixture
def signed(team: Team, submitted: str) -> str:
    team.store("sue").sign_off(submitted, score=6, reason="The stair gate is in", outcome="Early help", **SUE)
    return submitted


def problems(team: Team) -> list[str]:
    from sg_assess.store.dialect import driver_sql
    from sg_assess.store.freeze import verify

    with team.store("pat").engine.connect() as conn:
        return verify(driver_sql(conn), "postgresql")


# -- the legitimate paths, through the store, on the server ----------------------------------------


def test_the_whole_round_through_the_store(team: Team, draft: str, questionnaire, clock) -> None:
    pat, sue = team.store("pat"), team.store("sue")
    assert pat.team.login == "pat" and sue.team.role == "supervisor"
    clock.advance(minutes=1)
    pat.save_answer(draft, "danger_statements", "Worried about the stairs and the cooker", **PAT)  # folds
    pat.save_answer(draft, "existing_strengths", "Grandma visits", **PAT)
    pat.save_answer(draft, "existing_strengths", None, **PAT)  # changed back: the folded entry goes
    kinds = [(h.kind, h.question_id) for h in pat.history(draft)]
    assert kinds.count(("answer", "danger_statements")) == 1 and ("answer", "existing_strengths") not in kinds
    pat.submit(draft, reason="Sent now; the rest follows", **PAT)
    sue.return_assessment(draft, comment="Please add the father's view", **SUE)
    pat.save_answer(draft, "existing_strengths", "Grandma visits daily", **PAT)
    clock.advance(minutes=5)
    pat.submit(draft, reason="Sent now; the rest follows", **PAT)
    sue.sign_off(draft, score=7, reason="Safety plan holding", outcome="Early help", **SUE)
    team.store("pip").add_comment(draft, "Seen at school today", **PIP)
    pat.add_addendum(draft, reason="Date typo", addendum="The visit was on the 3rd", **PAT)
    record = pat.get(draft)
    assert record.summary.status == "signed_off" and [r.actor for r in record.reviews] == ["sue", "sue"]
    # Another practitioner re-assesses the child with new details: the signed-off record keeps its own.
    team.store("pip").create_assessment(questionnaire=questionnaire, child_id=record.child.id,
                                        child_name="Ada Newname", assessment_date="2026-03-02", **PIP)
    assert pat.get(draft).child.name == "Ada Example"
    assert problems(team) == []


def test_hand_over_goes_to_a_team_login_only(team: Team, draft: str) -> None:
    pat = team.sql("pat")
    refused(pat, "UPDATE assessment SET owner = 'ghost' WHERE id = %s", (draft,), match="ghost is not a login on the team")
    refused(pat, "UPDATE assessment SET owner = %s WHERE id = %s", (team.server.admin.username, draft),
            match="not a login on the team")  # the administrator is trusted, but not on the team
    team.store("pat").hand_over(draft, to="pip", **PAT)
    team.store("pip").save_answer(draft, "ethnicity", "x", **PIP)
    with pytest.raises(Refused, match="only pip can edit"):
        team.store("pat").save_answer(draft, "ethnicity", "y", **PAT)


# -- only the owner edits a draft -------------------------------------------------------------------


def test_only_the_owner_edits_a_draft(team: Team, draft: str) -> None:
    pip, pat = team.sql("pip"), team.sql("pat")
    only_pat = "only pat can edit this assessment"
    refused(pip, "UPDATE answer SET value = '\"gone\"', updated_by = 'pip' WHERE assessment_id = %s", (draft,),
            match=only_pat)
    refused(pip, "INSERT INTO answer (assessment_id, question_id, value, updated_at, updated_by) "
                 "VALUES (%s, 'ethnicity', '\"x\"', 'now', 'pip')", (draft,), match=only_pat)
    refused(pip, "DELETE FROM answer WHERE assessment_id = %s", (draft,), match=only_pat)
    refused(pip, "DELETE FROM action_due WHERE assessment_id = %s", (draft,), match=only_pat)
    refused(pip, "DELETE FROM assessment_fts WHERE rowid = (SELECT seq FROM assessment WHERE id = %s)",
            (draft,), match=only_pat)
    refused(pip, "UPDATE assessment SET owner = 'pip' WHERE id = %s", (draft,), match=only_pat)  # hand it to yourself
    refused(pip, "UPDATE assessment SET status = 'submitted', submitted_at = 'now' WHERE id = %s", (draft,),
            match="only pat can submit")
    # The legitimate path: the owner edits, in their own name.
    pat.execute("UPDATE answer SET value = '\"Worried\"', updated_by = 'pat' WHERE assessment_id = %s "
                "AND question_id = 'danger_statements'", (draft,))
    refused(pat, "UPDATE answer SET updated_by = 'pip' WHERE assessment_id = %s", (draft,),
            match="pat cannot save an answer in the name of pip")
    # Every client on the team reads answers back as JSON: one that is not would break their lists.
    refused(pat, "UPDATE answer SET value = 'not json' WHERE assessment_id = %s", (draft,), match="stored as JSON")


def test_a_submitted_assessment_is_read_only_until_returned(team: Team, submitted: str) -> None:
    pat = team.sql("pat")
    refused(pat, "UPDATE answer SET value = '\"x\"' WHERE assessment_id = %s", (submitted,), match="read-only")
    refused(pat, "UPDATE assessment SET status = 'draft' WHERE id = %s", (submitted,),
            match="cannot go from submitted to draft")
    refused(pat, "UPDATE assessment SET latest_score = 9 WHERE id = %s", (submitted,), match="read-only")
    team.store("sue").return_assessment(submitted, comment="More on dad", **SUE)
    pat.execute("UPDATE answer SET value = '\"x\"' WHERE assessment_id = %s AND question_id = 'danger_statements'",
                (submitted,))


def test_nobody_creates_in_another_name_or_born_submitted(team: Team, draft: str) -> None:
    pat = team.sql("pat")
    child, q_hash = one(pat, "SELECT child_id, questionnaire_hash FROM assessment WHERE id = %s", (draft,))
    insert = ("INSERT INTO assessment (id, child_id, questionnaire_hash, questionnaire_id, questionnaire_version, "
              "assessment_date, age_band, status, practitioner, created_at, updated_at, owner, submitted_at, "
              "required_answered, required_total, revision) VALUES (gen_random_uuid()::text, %s, %s, "
              "'safeguarding-assessment', 1, '2026-03-02', 'x', %s, %s, 'now', 'now', %s, %s, 0, 0, 0)")
    refused(pat, insert, (child, q_hash, "draft", "pip", "pip", None), match="pat cannot create an assessment in the "
                                                                             "name of pip")
    refused(pat, insert, (child, q_hash, "signed_off", "pat", "pat", None), match="created as a draft")
    refused(pat, insert, (child, q_hash, "draft", "pat", "pat", "now"), match="created as a draft")
    pat.execute(insert, (child, q_hash, "draft", "pat", "pat", None))  # the legitimate one


def test_the_keys_of_a_record_are_out_of_reach(team: Team, draft: str) -> None:
    pat = team.sql("pat")
    refused(pat, "UPDATE assessment SET practitioner = 'pip' WHERE id = %s", (draft,), match=NO_PRIVILEGE)
    refused(pat, "UPDATE assessment SET child_id = child_id WHERE id = %s", (draft,), match=NO_PRIVILEGE)
    refused(pat, "UPDATE assessment SET seal = '{}' WHERE id = %s", (draft,), match="sealed only as a supervisor")
    refused(pat, "UPDATE assessment SET status = 'signed_off' WHERE id = %s", (draft,),
            match="cannot go from draft to signed_off")
    refused(pat, "UPDATE assessment SET submitted_at = 'now' WHERE id = %s", (draft,), match="only by submitting")
    # A history entry with an id of the client's choosing would put it before others, or jam the sequence.
    refused(pat, "INSERT INTO history (id, assessment_id, kind, actor, started_at, at) VALUES (999999, %s, 'note', "
                 "'pat', 'now', 'now')", (draft,), match=NO_PRIVILEGE)
    refused(pat, "INSERT INTO questionnaire_def (hash, qid, version, title, source, stored_at) "
                 "VALUES ('0000', 'x', 1, 'x', 'x = 1', 'now')", match="exact text its hash names")
    pat.execute("UPDATE assessment SET assessment_date = '2026-03-01' WHERE id = %s", (draft,))  # the owner's to edit


# -- only a supervisor returns or signs off, never their own work ----------------------------------


def test_a_practitioner_cannot_review_or_sign_off(team: Team, submitted: str) -> None:
    pip = team.sql("pip")
    refused(pip, "INSERT INTO review (assessment_id, decision, actor, role, at, score) VALUES "
                 "(%s, 'signed_off', 'pip', 'practitioner', 'z', 9)", (submitted,), match="only a supervisor")
    refused(pip, "INSERT INTO review (assessment_id, decision, actor, role, at, score) VALUES "
                 "(%s, 'signed_off', 'pip', 'supervisor', 'z', 9)", (submitted,), match="pip is not a supervisor")
    refused(pip, "UPDATE assessment SET status = 'signed_off', signed_off_at = 'z', seal = '{}' WHERE id = %s",
            (submitted,), match="only a supervisor can sign off")
    refused(pip, "UPDATE assessment SET status = 'returned' WHERE id = %s", (submitted,),
            match="only a supervisor can return")
    refused(pip, "INSERT INTO history (assessment_id, kind, actor, role, started_at, at) VALUES "
                 "(%s, 'signed_off', 'pip', 'practitioner', 'z', 'z')", (submitted,),
            match="only with the supervisor's review")


def test_a_sign_off_by_raw_update_needs_the_review_first(team: Team, submitted: str) -> None:
    sue = team.sql("sue")
    refused(sue, "UPDATE assessment SET status = 'signed_off', signed_off_at = 'z', seal = '{}' WHERE id = %s",
            (submitted,), match="needs the supervisor's review")
    # A review on its own, that signs nothing off, is refused when its transaction ends.
    refused(sue, "INSERT INTO review (assessment_id, decision, actor, role, at, score) VALUES "
                 "(%s, 'signed_off', 'sue', 'supervisor', 'z', 9)", (submitted,),
            match="recorded only as the assessment is signed off by it")
    # Review and status together, in one transaction: the legitimate step.
    with sue.transaction():
        sue.execute("INSERT INTO review (assessment_id, decision, actor, role, at, comment) VALUES "
                    "(%s, 'returned', 'sue', 'supervisor', 'z', 'more please')", (submitted,))
        sue.execute("UPDATE assessment SET status = 'returned' WHERE id = %s", (submitted,))
    assert one(sue, "SELECT status FROM assessment WHERE id = %s", (submitted,))[0] == "returned"


def test_nobody_signs_off_what_they_wrote(team: Team, questionnaire) -> None:
    sam_store = team.store("sam")
    aid = sam_store.create_assessment(questionnaire=questionnaire, child_name="Bo Example", dob="2018-05-01",
                                      assessment_date="2026-03-02", **SAM)
    sam_store.save_answer(aid, "danger_statements", "x", **SAM)
    sam_store.submit(aid, reason="Sent now; the rest follows", **SAM)
    sam = team.sql("sam")
    refused(sam, "INSERT INTO review (assessment_id, decision, actor, role, at, score) VALUES "
                 "(%s, 'signed_off', 'sam', 'supervisor', 'z', 9)", (aid,), match="sam wrote or edited this assessment")
    with pytest.raises(psycopg.Error, match="wrote or edited"), sam.transaction():
        sam.execute("UPDATE assessment SET status = 'signed_off', signed_off_at = 'z', seal = '{}' WHERE id = %s",
                    (aid,))
    with pytest.raises(Refused, match="you wrote or edited"):
        sam_store.sign_off(aid, score=5, reason="x", outcome="Early help", **SAM)
    team.store("sue").sign_off(aid, score=5, reason="Fine", outcome="Early help", **SUE)  # someone else may


def test_nobody_signs_off_what_they_only_edited(team: Team, draft: str) -> None:
    pat, sue = team.store("pat"), team.store("sue")
    pat.hand_over(draft, to="sue", **PAT)
    sue.save_answer(draft, "ethnicity", "x", **SUE)
    sue.hand_over(draft, to="pat", **SUE)
    pat.submit(draft, reason="Sent now; the rest follows", **PAT)
    refused(team.sql("sue"), "INSERT INTO review (assessment_id, decision, actor, role, at, score) VALUES "
                             "(%s, 'returned', 'sue', 'supervisor', 'z', NULL)", (draft,), match="sue wrote or edited")
    team.store("sam").return_assessment(draft, comment="Add the father's view", **SAM)


# -- nothing of a signed-off record changes ----------------------------------------------------------


def test_nothing_of_a_signed_off_record_changes(team: Team, signed: str) -> None:
    pat, sue = team.sql("pat"), team.sql("sue")
    refused(pat, "UPDATE answer SET value = '\"rewritten\"' WHERE assessment_id = %s", (signed,), match=FROZEN)
    refused(pat, "DELETE FROM answer WHERE assessment_id = %s", (signed,), match=FROZEN)
    refused(pat, "INSERT INTO answer (assessment_id, question_id, value, updated_at, updated_by) "
                 "VALUES (%s, 'ethnicity', '\"x\"', 'now', 'pat')", (signed,), match=FROZEN)
    refused(pat, "DELETE FROM history WHERE assessment_id = %s", (signed,), match=FROZEN)
    refused(pat, "UPDATE history SET after = '\"x\"' WHERE assessment_id = %s", (signed,), match=FROZEN)
    refused(pat, "INSERT INTO history (assessment_id, question_id, kind, actor, role, started_at, at) VALUES "
                 "(%s, 'danger_statements', 'answer', 'pat', 'practitioner', 'z', 'z')", (signed,), match=FROZEN)
    refused(pat, "DELETE FROM action_due WHERE assessment_id = %s", (signed,), match=FROZEN)
    refused(pat, "DELETE FROM assessment_fts WHERE rowid = (SELECT seq FROM assessment WHERE id = %s)", (signed,),
            match=FROZEN)
    refused(pat, "UPDATE assessment SET child_snapshot = '{\"name\": \"Someone Else\"}' WHERE id = %s", (signed,),
            match=FROZEN)
    refused(pat, "UPDATE assessment SET status = 'returned' WHERE id = %s", (signed,), match=FROZEN)
    refused(pat, "DELETE FROM assessment WHERE id = %s", (signed,), match=NO_PRIVILEGE)
    refused(sue, "UPDATE review SET score = 10 WHERE assessment_id = %s", (signed,), match=NO_PRIVILEGE)
    refused(sue, "DELETE FROM review WHERE assessment_id = %s", (signed,), match=NO_PRIVILEGE)
    refused(sue, "INSERT INTO review (assessment_id, decision, actor, role, at, score) VALUES "
                 "(%s, 'signed_off', 'sue', 'supervisor', 'z', 1)", (signed,), match=FROZEN)
    refused(sue, "UPDATE comment SET text = 'x' WHERE assessment_id = %s", (signed,), match=NO_PRIVILEGE)
    refused(pat, "TRUNCATE history", match=NO_PRIVILEGE)
    # The child's row may change (for the next assessment); the signed-off record keeps the details it recorded.
    pat.execute("UPDATE child SET name = 'Ada Renamed' WHERE id = (SELECT child_id FROM assessment WHERE id = %s)",
                (signed,))
    refused(pat, "UPDATE child SET id = 'x' WHERE id = (SELECT child_id FROM assessment WHERE id = %s)", (signed,),
            match=NO_PRIVILEGE)
    assert team.store("pat").get(signed).child.name == "Ada Example"
    # What may still be added: comments and addenda, in your own name.
    pat.execute("INSERT INTO comment (assessment_id, author, role, at, text) VALUES (%s, 'pat', 'practitioner', "
                "'z', 'noted')", (signed,))
    pat.execute("INSERT INTO addendum (assessment_id, author, role, at, reason, text) VALUES (%s, 'pat', "
                "'practitioner', 'z', 'typo', 'the 3rd')", (signed,))
    refused(pat, "INSERT INTO addendum (assessment_id, author, role, at, reason, text) VALUES (%s, 'sue', "
                 "'supervisor', 'z', 'typo', 'the 3rd')", (signed,), match="pat cannot add a addendum in the name of sue")
    assert problems(team) == []


def test_a_submitted_records_child_details_never_change(team: Team, submitted: str) -> None:
    pip = team.sql("pip")
    child = one(pip, "SELECT child_id FROM assessment WHERE id = %s", (submitted,))[0]
    details = json.dumps({"id": child, "name": "Someone Else", "dob": "2019-01-15", "due_date": None})
    refused(pip, "UPDATE assessment SET child_snapshot = %s WHERE id = %s", (details, submitted),
            match="details an assessment recorded never change")


def test_psql_as_an_app_login_cannot_change_a_signed_off_record(team: Team, signed: str) -> None:
    psql = shutil.which("psql")
    assert psql, "psql is needed for this test (PostgreSQL's client)"
    done = subprocess.run([psql, "-X", "-v", "ON_ERROR_STOP=1", "-d", team.url("pat"), "-c",
                           f"UPDATE answer SET value = '\"rewritten\"' WHERE assessment_id = '{signed}'"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and FROZEN in done.stderr
    done = subprocess.run([psql, "-X", "-v", "ON_ERROR_STOP=1", "-d", team.url("pat"), "-c",
                           f"INSERT INTO comment (assessment_id, author, role, at, text) VALUES ('{signed}', 'pat', "
                           "'practitioner', 'z', 'from psql')"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


# -- history: append-only, in your own name ---------------------------------------------------------


def test_history_is_in_your_own_name_and_role(team: Team, draft: str) -> None:
    pat, pip = team.sql("pat"), team.sql("pip")
    entry = ("INSERT INTO history (assessment_id, question_id, kind, actor, role, started_at, at) "
             "VALUES (%s, %s, %s, %s, %s, 'z', 'z')")
    refused(pip, entry, (draft, None, "comment", "pat", "practitioner"), match="pip cannot add history in the name of pat")
    refused(pip, entry, (draft, "ethnicity", "answer", "pip", "practitioner"), match="only pat can edit")
    refused(pat, entry, (draft, None, "comment", "pat", "supervisor"), match="pat is not a supervisor")
    refused(pat, entry, (draft, None, "submitted", "pat", "practitioner"), match="recorded by the owner as they submit")
    refused(pat, entry, (draft, None, "created", "pat", "practitioner"), match="recorded once")
    refused(pat, "INSERT INTO history (assessment_id, kind, actor, started_at, at, after) VALUES (%s, 'comment', "
                 "'pat', 'z', 'z', '{oops')", (draft,), match="stored as JSON")
    with pytest.raises(psycopg.Error, match="pip cannot add history in the name of pat"):  # COPY fires them too
        with pip.cursor().copy("COPY history (assessment_id, kind, actor, started_at, at) FROM STDIN") as copy:
            copy.write_row((draft, "comment", "pat", "z", "z"))
    pat.execute(entry, (draft, "ethnicity", "answer", "pat", "practitioner"))  # the owner's own change
    pip.execute(entry, (draft, None, "comment", "pip", "practitioner"))  # a note, in your own name


def test_history_is_append_only_but_folds_the_latest_draft_entry(team: Team, draft: str) -> None:
    pat = team.sql("pat")
    first, latest = one(pat, "SELECT min(id), max(id) FROM history WHERE assessment_id = %s AND kind = 'answer'",
                        (draft,))
    pat.execute("UPDATE history SET after = '\"folded\"', at = 'z' WHERE id = %s", (latest,))  # folding
    refused(pat, "UPDATE history SET actor = 'pip' WHERE id = %s", (latest,), match=NO_PRIVILEGE)
    refused(team.sql("pip"), "UPDATE history SET after = '\"x\"' WHERE id = %s", (latest,), match="only ever added to")
    refused(pat, "DELETE FROM history WHERE assessment_id = %s AND kind = 'created'", (draft,),
            match="only ever added to")
    team.store("pat").submit(draft, reason="Sent now; the rest follows", **PAT)
    team.store("sue").return_assessment(draft, comment="More", **SUE)
    # Once submitted, every version is evidence: no more folding.
    refused(pat, "UPDATE history SET after = '\"again\"' WHERE id = %s", (latest,), match="only ever added to")
    refused(pat, "DELETE FROM history WHERE id = %s", (first,), match="only ever added to")


# -- the server's own defences: roles, triggers, sessions ------------------------------------------


def test_a_login_cannot_raise_itself_or_switch_off_the_rules(team: Team, draft: str) -> None:
    pat, sue = team.sql("pat"), team.sql("sue")
    refused(pat, "GRANT sg_supervisor TO pat", match=NO_PRIVILEGE)
    refused(sue, "REVOKE sg_practitioner FROM pat", match=NO_PRIVILEGE)
    refused(sue, "GRANT sg_supervisor TO pip", match=NO_PRIVILEGE)
    refused(pat, "SET ROLE sg_supervisor", match=NO_PRIVILEGE)
    refused(pat, "SET SESSION AUTHORIZATION sue", match=NO_PRIVILEGE)
    refused(pat, "SET session_replication_role = replica", match=NO_PRIVILEGE)  # would silence every trigger
    refused(pat, "ALTER TABLE answer DISABLE TRIGGER answer_rules", match=NO_PRIVILEGE)
    refused(pat, "DROP TRIGGER assessment_rules ON assessment", match=NO_PRIVILEGE)
    refused(pat, "CREATE TRIGGER mine BEFORE UPDATE ON answer FOR EACH ROW EXECUTE FUNCTION sg_refuse()",
            match=NO_PRIVILEGE)
    refused(pat, "CREATE OR REPLACE FUNCTION sg_is_supervisor() RETURNS boolean LANGUAGE sql AS 'SELECT true'",
            match=NO_PRIVILEGE)
    refused(pat, "INSERT INTO team_member (login, display_name) VALUES ('pat', 'Chief')", match=NO_PRIVILEGE)
    refused(pat, "UPDATE alembic_version SET version_num = '0001'", match=NO_PRIVILEGE)
    refused(pat, "SELECT setval(pg_get_serial_sequence('history', 'id'), 1)", match=NO_PRIVILEGE)
    assert one(pat, "SELECT count(*) FROM team_member")[0] >= 0  # reading stays open to the team


def test_set_role_does_not_change_who_you_are(team: Team, submitted: str) -> None:
    sue = team.sql("sue")
    sue.execute("SET ROLE sg_supervisor")  # allowed (sue is a member), and changes current_user only
    assert one(sue, "SELECT session_user, current_user") == ("sue", "sg_supervisor")
    refused(sue, "INSERT INTO comment (assessment_id, author, role, at, text) VALUES (%s, current_user, "
                 "'supervisor', 'z', 'x')", (submitted,), match="sue cannot add a comment in the name of sg_supervisor")
    sue.execute("INSERT INTO comment (assessment_id, author, role, at, text) VALUES (%s, session_user, "
                "'supervisor', 'z', 'x')", (submitted,))


def test_a_temporary_table_cannot_stand_in_for_the_record(team: Team, signed: str) -> None:
    pat = team.sql("pat")
    schema = one(pat, "SELECT current_schema()")[0]
    # A temporary table is searched before the schema by default: the rules must not read this one.
    pat.execute("CREATE TEMP TABLE assessment AS SELECT * FROM {}.assessment".format(schema))
    pat.execute("UPDATE pg_temp.assessment SET status = 'draft', owner = 'pat'")
    refused(pat, f"UPDATE {schema}.answer SET value = '\"rewritten\"' WHERE assessment_id = %s", (signed,),
            match=FROZEN)
    refused(pat, f"CREATE TABLE {schema}.mine (x int)", match=NO_PRIVILEGE)


def test_a_login_in_neither_group_can_do_nothing(team: Team, draft: str) -> None:
    nemo = team.sql("nemo")
    refused(nemo, "SELECT * FROM assessment", match=NO_PRIVILEGE)
    refused(nemo, "SELECT * FROM answer", match=NO_PRIVILEGE)
    refused(nemo, "INSERT INTO child (id, name, created_at, updated_at) VALUES ('c', 'x', 'z', 'z')",
            match=NO_PRIVILEGE)
    refused(nemo, "INSERT INTO comment (assessment_id, author, role, at, text) VALUES (%s, 'nemo', 'practitioner', "
                  "'z', 'x')", (draft,), match=NO_PRIVILEGE)
    with pytest.raises(DatabaseError, match="^the login .nemo. is not on the team"):
        Store.open(team.url("nemo"))
    refused(team.sql("pat"), pgsql.SQL("UPDATE assessment SET owner = 'nemo' WHERE id = %s").as_string(team.sql("pat")),
            (draft,), match="nemo is not a login on the team")


def test_the_store_shows_a_server_refusal_as_one_line(team: Team, draft: str) -> None:
    """Where the app's own checks let something through (a role claimed), the server's line reaches the user."""
    pat = team.store("pat")
    with pytest.raises(Refused) as info:
        pat.add_comment(draft, "As your supervisor...", actor="pat", role="supervisor")
    assert str(info.value) == "pat is not a supervisor on the team"
    with pytest.raises(Refused, match="^pat cannot add a comment in the name of Sue Supervisor$"):
        pat.add_comment(draft, "Signed, Sue", actor="Sue Supervisor", role="practitioner")
    assert pat.add_comment(draft, "Noted", **PAT) > 0


def test_a_row_that_names_nobody_is_refused_in_words(team: Team, draft: str) -> None:
    """A bare INSERT from a SQL tool, with no author or role, is told what is missing, not 'is not a  on the team'."""
    refused(team.sql("pat"), "INSERT INTO comment (assessment_id, at, text) VALUES (%s, 'z', 'x')", (draft,),
            match="cannot add a comment in the name of nobody")
