"""'sg-assess check' on a team database: the seals, and that the rules the server enforces are all in place.

The rules (server_rules.sql) bind every app login, but not the database owner
or a superuser, who can drop or disable a trigger, rewrite a rule's function,
widen a grant or give a login the power to make roles.  So 'check' reads, in
one read-only snapshot:

- every signed-off record against its seal (store/freeze.py);
- every trigger of ``freeze.SERVER_TRIGGERS``: present and enabled;
- every rule function: the text ``server_rules.sql`` gives it, with its fixed search path;
- no grant that would let the team change what is only ever added to;
- no login on the team that can make roles (it could make itself a supervisor) or bypass the rules;
- the search document of every assessment.

One line per problem, each saying what to do.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from sg_assess.errors import DatabaseError
from sg_assess.store.dialect import POSTGRESQL, driver_sql

RULES = Path(__file__).with_name("server_rules.sql")
GROUPS = ("sg_practitioner", "sg_supervisor")
_FUNCTION = re.compile(r"CREATE OR REPLACE FUNCTION (sg_\w+)\(.*?\bAS \$\$(.*?)\$\$", re.S)
# Table privileges the team never has: what is only ever added to stays so.
NEVER = {
    "assessment": ("DELETE", "TRUNCATE", "TRIGGER"),
    "child": ("DELETE", "TRUNCATE", "TRIGGER"),
    "questionnaire_def": ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER"),
    "review": ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER"),
    "comment": ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER"),
    "addendum": ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER"),
    "history": ("TRUNCATE", "TRIGGER"),
    "answer": ("TRUNCATE", "TRIGGER"),
    "action_due": ("TRUNCATE", "TRIGGER"),
    "assessment_fts": ("TRUNCATE", "TRIGGER"),
    "team_member": ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER"),
    "alembic_version": ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER"),
    "restore_log": ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER"),
}
# Columns nobody on the team may change once written.
KEYS = {"assessment": ("id", "seq", "child_id", "questionnaire_hash", "practitioner", "created_at"),
        "history": ("id", "assessment_id", "question_id", "kind", "actor", "role", "started_at", "before")}
RESTORE = "run 'sg-assess team init' as the database owner to put the rules back, then check again"


def rule_functions() -> dict[str, str]:
    """Each rule function's body as server_rules.sql defines it (PostgreSQL keeps it verbatim)."""
    return {name: body for name, body in _FUNCTION.findall(RULES.read_text(encoding="utf-8"))}


def check_team_database(location, *, password: str | None = None) -> list[str]:  # noqa: ANN001 - a db.Location
    """Every problem found in the team database at ``location``, read-only; empty when it is sound."""
    from sg_assess.store import db

    engine = db.open_server(location, password=password)
    try:
        with engine.connect() as conn, conn.begin():
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _problems(driver_sql(conn))
    except DBAPIError as exc:
        if db.lost_connection(exc):
            raise DatabaseError(db.explain_failure(exc)) from None
        raise DatabaseError(f"{location}: the check could not read the database ({db.explain_failure(exc)}); "
                            "run it as a team member or the database owner") from None
    finally:
        engine.dispose()


def _problems(run) -> list[str]:  # noqa: ANN001 - dialect.driver_sql's run
    from sg_assess.store.freeze import verify

    problems = verify(run, POSTGRESQL)  # every seal, and every trigger present
    disabled = [r[0] for r in run("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D' AND "
                                  "tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = "
                                  "current_schema()::regnamespace) ORDER BY tgname")]
    if disabled:
        problems.append(f"the rule triggers {', '.join(disabled)} are disabled (ALTER TABLE ... DISABLE TRIGGER): "
                        f"the server is not enforcing the rules; {RESTORE}")
    stored = {r[0]: (r[1], r[2]) for r in run(
        "SELECT proname, prosrc, array_to_string(proconfig, ',') FROM pg_proc "
        "WHERE pronamespace = current_schema()::regnamespace AND proname LIKE 'sg!_%' ESCAPE '!'")}
    changed = sorted(name for name, body in rule_functions().items()
                     if name not in stored or stored[name][0] != body or "search_path=" not in (stored[name][1] or ""))
    if changed:
        problems.append(f"the rule functions {', '.join(changed)} are missing or not as sg-assess wrote them "
                        f"(changed with a SQL tool?); {RESTORE}")
    granted = []
    for group in GROUPS:
        for table, privileges in NEVER.items():
            for privilege in privileges:
                if run("SELECT has_table_privilege(?, ?, ?)", (group, table, privilege)).scalar():
                    granted.append(f"{privilege} on {table} to {group}")
        for table, columns in KEYS.items():
            for column in columns:
                if run("SELECT has_column_privilege(?, ?, ?, 'UPDATE')", (group, table, column)).scalar():
                    granted.append(f"UPDATE of {table}.{column} to {group}")
    if granted:
        problems.append(f"the team has been granted what the rules never give ({'; '.join(granted)}); {RESTORE}")
    powerful = [r[0] for r in run(
        "WITH RECURSIVE team(oid) AS (SELECT oid FROM pg_roles WHERE rolname IN ('sg_practitioner', 'sg_supervisor') "
        "UNION SELECT m.member FROM pg_auth_members m JOIN team t ON m.roleid = t.oid) "
        "SELECT r.rolname FROM pg_roles r JOIN team t ON t.oid = r.oid WHERE r.rolcanlogin "
        "AND (r.rolcreaterole OR r.rolbypassrls OR r.rolsuper) ORDER BY r.rolname")]
    if powerful:
        problems.append(f"the team logins {', '.join(powerful)} can create roles or are superusers, so they could "
                        "make themselves supervisors or pass the rules; ask IT to give them a plain login "
                        "(ALTER ROLE ... NOCREATEROLE NOSUPERUSER)")
    if run("SELECT pg_has_role('sg_practitioner', 'sg_supervisor', 'MEMBER') "
           "OR pg_has_role('sg_supervisor', 'sg_practitioner', 'MEMBER')").scalar():
        problems.append("one team group is a member of the other (GRANT sg_supervisor TO sg_practitioner?): every "
                        "practitioner counts as a supervisor, or the reverse; ask IT to revoke it")
    indexed = run("SELECT count(*) FROM assessment_fts").scalar()
    total = run("SELECT count(*) FROM assessment").scalar()
    if indexed != total:
        problems.append(f"search index: {indexed} documents for {total} assessments")
    return problems
