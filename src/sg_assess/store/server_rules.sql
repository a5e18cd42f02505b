-- The rules a team database enforces itself, whatever client connects (sg-assess, psql, a SQL tool).
--
-- The person is the login (session_user); SET ROLE cannot change it, and SET SESSION AUTHORIZATION needs a
-- superuser.  Their role is membership of sg_practitioner or sg_supervisor; a login in neither group has no
-- privilege on any table.  Run by migration 0005 as the database owner, and again by 'sg-assess team init'
-- (every statement can run twice).  The app checks the same rules first, to say them clearly; these are the
-- backstop, and each refusal is one plain line (SQLSTATE P0001, or 42501 for a privilege never granted).
--
-- Enforced for every app login: only the owner edits a draft or returned assessment (answers, search
-- document, next steps, hand-over, and the history entries that record edits); a hand-over goes only to a
-- team login; only a supervisor returns or signs off, only with their own review recorded in the same
-- transaction, and never an assessment they wrote or edited (author, owner, anyone who saved an answer);
-- each workflow step changes only what that step changes; nothing of a signed-off record changes (answers,
-- next steps, review, history, comments, the child's details it recorded, its seal) but appended comments
-- and addenda; reviews, comments and addenda are never changed or deleted, history only by folding (below);
-- every row is written in the login's own name and role; assessments are never deleted; nobody on the team
-- grants roles, alters or disables a trigger, creates objects in the schema, or writes team_member,
-- restore_log or alembic_version.  Row-level security is not used: reading is open to the whole team, and a
-- trigger can say in words why a write is refused where a policy would only hide the row.
--
-- Trusted, and not bound by them: the database owner and superusers (they can drop or disable a trigger,
-- rewrite a rule or widen a grant), which is why 'sg-assess check' (store/server_check.py) verifies every
-- seal, every trigger, every rule function's text and the grants.  Not enforced here: what an answer says
-- (the app validates it), the times clients record (their clocks), and the seal's hashes (check verifies
-- them); a login can hold the write lock and so delay others' saves, but not change anything.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sg_practitioner') THEN
        CREATE ROLE sg_practitioner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sg_supervisor') THEN
        CREATE ROLE sg_supervisor NOLOGIN;
    END IF;
END
$$;

-- Who may do what: reading is open to the team; writing is granted where a rule below then checks the row.
-- Column grants keep the keys a client must never choose (the serial ids the history's order rests on, an
-- assessment's author, child and questionnaire) out of reach before any trigger runs; they are worked out from
-- the tables as they are, so a column a later migration adds is granted when 'team init' runs this again.
-- Nobody but the owner creates objects in the schema, so no one can put a table or function in a rule's way.
DO $$
DECLARE
    grp text := 'sg_practitioner, sg_supervisor';
    t text;
    cols text;
BEGIN
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', current_schema());
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %s', current_schema(), grp);
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO %s', current_schema(), grp);
    EXECUTE 'REVOKE ALL ON child, questionnaire_def, assessment, answer, history, review, comment, addendum, '
            'action_due, assessment_fts, team_member, restore_log, alembic_version FROM PUBLIC, ' || grp;
    EXECUTE 'GRANT SELECT ON child, questionnaire_def, assessment, answer, history, review, comment, addendum, '
            'action_due, assessment_fts, team_member, restore_log, alembic_version TO ' || grp;
    EXECUTE 'GRANT INSERT ON child, questionnaire_def, answer, action_due, assessment_fts TO ' || grp;
    FOREACH t IN ARRAY ARRAY['assessment', 'history', 'review', 'comment', 'addendum'] LOOP
        SELECT string_agg(quote_ident(column_name), ', ') INTO cols FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = t AND column_name NOT IN ('id', 'seq');
        IF t = 'assessment' THEN  -- its text id is the record's id, chosen by the client; seq is the server's
            cols := cols || ', id';
        END IF;
        EXECUTE format('GRANT INSERT (%s) ON %I TO %s', cols, t, grp);
    END LOOP;
    SELECT string_agg(quote_ident(column_name), ', ') INTO cols FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'assessment' AND column_name NOT IN
            ('id', 'seq', 'child_id', 'questionnaire_hash', 'questionnaire_id', 'questionnaire_version',
             'practitioner', 'created_at');
    EXECUTE format('GRANT UPDATE (%s) ON assessment TO %s', cols, grp);
    EXECUTE 'GRANT UPDATE (value, updated_at, updated_by) ON answer TO ' || grp;
    EXECUTE 'GRANT UPDATE ("after", "at") ON history TO ' || grp;  -- folding moves an entry's end on, nothing else
    EXECUTE 'GRANT UPDATE (name, dob, due_date, updated_at) ON child TO ' || grp;
    EXECUTE 'GRANT UPDATE ON action_due TO ' || grp;
    EXECUTE 'GRANT DELETE ON answer, history, action_due, assessment_fts TO ' || grp;
END
$$;

CREATE OR REPLACE FUNCTION sg_is_supervisor() RETURNS boolean LANGUAGE sql STABLE
AS $$ SELECT pg_has_role(session_user, 'sg_supervisor', 'MEMBER') $$;

-- The role this login has on the team (supervisor over practitioner, as the app reads it), or NULL.
CREATE OR REPLACE FUNCTION sg_role() RETURNS text LANGUAGE sql STABLE
AS $$
    SELECT CASE WHEN pg_has_role(session_user, 'sg_supervisor', 'MEMBER') THEN 'supervisor'
                WHEN pg_has_role(session_user, 'sg_practitioner', 'MEMBER') THEN 'practitioner' END
$$;

-- Whether a name is a login on the team (a draft can be handed only to someone who can then open it).
CREATE OR REPLACE FUNCTION sg_on_team(who text) RETURNS boolean LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = who AND r.rolcanlogin AND NOT r.rolsuper
                   AND (pg_has_role(r.oid, 'sg_practitioner', 'MEMBER') OR pg_has_role(r.oid, 'sg_supervisor', 'MEMBER')))
$$;

-- Whoever wrote or edited an assessment: its author, its owner, and everyone who saved an answer.
CREATE OR REPLACE FUNCTION sg_edited_by(aid text, who text) RETURNS boolean LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (SELECT 1 FROM assessment WHERE id = aid AND (practitioner = who OR owner = who))
        OR EXISTS (SELECT 1 FROM history WHERE assessment_id = aid AND actor = who
                   AND kind IN ('created', 'answer', 'conflict'))
        OR EXISTS (SELECT 1 FROM answer WHERE assessment_id = aid AND updated_by = who)
$$;

-- The child's details as the child row holds them, in the form an assessment keeps them (child_snapshot).
CREATE OR REPLACE FUNCTION sg_child_details(cid text) RETURNS jsonb LANGUAGE sql STABLE
AS $$ SELECT jsonb_build_object('id', c.id, 'name', c.name, 'dob', c.dob, 'due_date', c.due_date) FROM child c
      WHERE c.id = cid $$;

-- Whether a text is JSON (answers and history values are read back as JSON by every client on the team).
CREATE OR REPLACE FUNCTION sg_is_json(doc text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    PERFORM doc::jsonb;
    RETURN true;
EXCEPTION WHEN others THEN
    RETURN false;
END
$$;

-- The columns whose values differ between two versions of a row.
CREATE OR REPLACE FUNCTION sg_changed(old_row jsonb, new_row jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE
AS $$ SELECT coalesce(array_agg(n.key ORDER BY n.key), '{}') FROM jsonb_each(new_row) n
      WHERE n.value IS DISTINCT FROM old_row -> n.key $$;

CREATE OR REPLACE FUNCTION sg_refuse(message text) RETURNS void LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION USING MESSAGE = message, ERRCODE = 'P0001'; END $$;

CREATE OR REPLACE FUNCTION sg_frozen() RETURNS void LANGUAGE sql
AS $$ SELECT sg_refuse('this assessment is signed off and cannot be changed; add an addendum instead') $$;

-- An assessment: created as its author's draft; moved on only by the steps of the workflow, each changing only
-- what that step changes.  The child's details it recorded are set once (at creation, or when a re-assessment
-- keeps the details an older record was made with), always as the child row holds them, and never change.
CREATE OR REPLACE FUNCTION sg_assessment_rules() RETURNS trigger LANGUAGE plpgsql
AS $$
DECLARE
    changed text[];
    others text[];
    allowed text[];
    step text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' OR NEW.signed_off_at IS NOT NULL OR NEW.seal IS NOT NULL
                OR NEW.submitted_at IS NOT NULL THEN
            PERFORM sg_refuse('an assessment is created as a draft; it becomes signed off only through review');
        END IF;
        IF NEW.practitioner <> session_user OR NEW.owner <> session_user THEN
            PERFORM sg_refuse(format('%s cannot create an assessment in the name of %s', session_user,
                                     CASE WHEN NEW.practitioner <> session_user THEN NEW.practitioner
                                          ELSE NEW.owner END));
        END IF;
        IF NEW.child_snapshot IS NOT NULL
                AND NEW.child_snapshot::jsonb IS DISTINCT FROM sg_child_details(NEW.child_id) THEN
            PERFORM sg_refuse('an assessment records the child''s details as the child''s record holds them');
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'signed_off' THEN PERFORM sg_frozen(); END IF;
        PERFORM sg_refuse('an assessment is never deleted: the record is kept');
    END IF;
    IF OLD.status = 'signed_off' THEN PERFORM sg_frozen(); END IF;
    changed := sg_changed(to_jsonb(OLD), to_jsonb(NEW));
    IF changed && ARRAY['id', 'seq', 'child_id', 'questionnaire_hash', 'questionnaire_id', 'questionnaire_version',
                        'practitioner', 'created_at'] THEN
        PERFORM sg_refuse('who wrote an assessment, for which child and with which questionnaire never changes');
    END IF;
    IF 'child_snapshot' = ANY (changed) AND (OLD.child_snapshot IS NOT NULL
            OR NEW.child_snapshot::jsonb IS DISTINCT FROM sg_child_details(OLD.child_id)) THEN
        PERFORM sg_refuse('the child''s details an assessment recorded never change');
    END IF;
    IF changed && ARRAY['seal', 'signed_off_at'] AND NEW.status <> 'signed_off' THEN
        PERFORM sg_refuse('an assessment is sealed only as a supervisor signs it off');
    END IF;
    others := array_remove(changed, 'child_snapshot');
    IF NEW.status = OLD.status THEN
        IF cardinality(others) = 0 THEN
            RETURN NEW;  -- keeping the child's details as recorded: no one's work changes
        END IF;
        IF OLD.status NOT IN ('draft', 'returned') THEN
            PERFORM sg_refuse('this assessment is submitted for review and read-only until a supervisor returns it');
        END IF;
        IF OLD.owner <> session_user THEN
            PERFORM sg_refuse(format('only %s can edit this assessment; they can hand it over to you', OLD.owner));
        END IF;
        IF 'submitted_at' = ANY (others) THEN
            PERFORM sg_refuse('the time of a submission is set only by submitting');
        END IF;
        IF 'owner' = ANY (others) AND NOT sg_on_team(NEW.owner) THEN
            PERFORM sg_refuse(format('%s is not a login on the team; hand the assessment to a team member''s login',
                                     NEW.owner));
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status IN ('draft', 'returned') AND NEW.status = 'submitted' THEN
        IF OLD.owner <> session_user THEN
            PERFORM sg_refuse(format('only %s can submit this assessment', OLD.owner));
        END IF;
        IF NEW.submitted_at IS NULL THEN
            PERFORM sg_refuse('a submission records when it was made');
        END IF;
        IF NOT others <@ ARRAY['status', 'submitted_at', 'updated_at', 'revision'] THEN
            PERFORM sg_refuse('a submission changes nothing but the status; save answers before submitting');
        END IF;
    ELSIF OLD.status = 'submitted' AND NEW.status IN ('returned', 'signed_off') THEN
        step := CASE NEW.status WHEN 'returned' THEN 'return' ELSE 'sign off' END;
        IF NOT sg_is_supervisor() THEN
            PERFORM sg_refuse(format('only a supervisor can %s an assessment', step));
        END IF;
        IF sg_edited_by(OLD.id, session_user) THEN
            PERFORM sg_refuse(format('%s wrote or edited this assessment, so cannot %s it; another supervisor must',
                                     session_user, step));
        END IF;
        IF NOT EXISTS (SELECT 1 FROM review WHERE assessment_id = OLD.id AND decision = NEW.status
                       AND actor = session_user AND at >= OLD.submitted_at) THEN
            PERFORM sg_refuse('a return or sign-off needs the supervisor''s review, recorded first');
        END IF;
        IF NEW.status = 'signed_off' AND (NEW.seal IS NULL OR NEW.signed_off_at IS NULL) THEN
            PERFORM sg_refuse('a sign-off needs a submission, a review by someone other than the author, and a seal');
        END IF;
        allowed := ARRAY['status', 'updated_at', 'revision'];
        IF NEW.status = 'signed_off' THEN
            allowed := allowed || ARRAY['signed_off_at', 'seal'];
        END IF;
        IF NOT others <@ allowed THEN
            PERFORM sg_refuse(format('a %s changes nothing of the assessment but its status', step));
        END IF;
    ELSE
        PERFORM sg_refuse(format('an assessment cannot go from %s to %s', OLD.status, NEW.status));
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS assessment_rules ON assessment;
CREATE TRIGGER assessment_rules BEFORE INSERT OR UPDATE OR DELETE ON assessment
    FOR EACH ROW EXECUTE FUNCTION sg_assessment_rules();

-- Answers, the search document and the actions due: only the owner, while a draft or returned.
CREATE OR REPLACE FUNCTION sg_owner_edits() RETURNS trigger LANGUAGE plpgsql
AS $$
DECLARE
    aid text;
    a record;
BEGIN
    -- Each field is read in its own statement: PL/pgSQL checks a statement against the row type it meets.
    IF TG_TABLE_NAME = 'assessment_fts' THEN
        IF TG_OP = 'DELETE' THEN
            SELECT * INTO a FROM assessment WHERE seq = OLD.rowid;
        ELSE
            SELECT * INTO a FROM assessment WHERE seq = NEW.rowid;
        END IF;
    ELSE
        IF TG_OP = 'DELETE' THEN
            aid := OLD.assessment_id;
        ELSE
            aid := NEW.assessment_id;
        END IF;
        SELECT * INTO a FROM assessment WHERE id = aid;
    END IF;
    IF a.status = 'signed_off' THEN PERFORM sg_frozen(); END IF;
    IF a.status = 'submitted' THEN
        PERFORM sg_refuse('this assessment is submitted for review and read-only until a supervisor returns it');
    END IF;
    IF a.owner <> session_user THEN
        PERFORM sg_refuse(format('only %s can edit this assessment; they can hand it over to you', a.owner));
    END IF;
    IF TG_TABLE_NAME = 'answer' AND TG_OP <> 'DELETE' THEN
        IF NEW.updated_by <> session_user THEN
            PERFORM sg_refuse(format('%s cannot save an answer in the name of %s', session_user, NEW.updated_by));
        END IF;
        IF NOT sg_is_json(NEW.value) THEN
            PERFORM sg_refuse('an answer is stored as JSON, as sg-assess writes it');
        END IF;
        IF TG_OP = 'UPDATE' THEN
            IF NEW.assessment_id <> OLD.assessment_id OR NEW.question_id <> OLD.question_id THEN
                PERFORM sg_refuse('an answer stays with its assessment and question');
            END IF;
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'action_due' THEN
        IF NEW.assessment_id <> OLD.assessment_id THEN
            PERFORM sg_refuse('a row stays with its assessment');
        END IF;
    ELSIF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'assessment_fts' THEN
        IF NEW.rowid <> OLD.rowid THEN
            PERFORM sg_refuse('a row stays with its assessment');
        END IF;
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS answer_rules ON answer;
CREATE TRIGGER answer_rules BEFORE INSERT OR UPDATE OR DELETE ON answer
    FOR EACH ROW EXECUTE FUNCTION sg_owner_edits();
DROP TRIGGER IF EXISTS assessment_fts_rules ON assessment_fts;
CREATE TRIGGER assessment_fts_rules BEFORE INSERT OR UPDATE OR DELETE ON assessment_fts
    FOR EACH ROW EXECUTE FUNCTION sg_owner_edits();
DROP TRIGGER IF EXISTS action_due_rules ON action_due;
CREATE TRIGGER action_due_rules BEFORE INSERT OR UPDATE OR DELETE ON action_due
    FOR EACH ROW EXECUTE FUNCTION sg_owner_edits();

-- History: each entry in its author's name and role; only ever added to.  An entry that says an answer changed
-- is the owner's, while the draft is theirs to edit; one that says it was created is its author's; a submission
-- is recorded by the owner as they submit; a return or sign-off by the supervisor whose review made it.  The one
-- exception to adding only is folding: the author's latest entry for a question in a draft never submitted,
-- with no workflow event after it, may still move on (or go, when the answer is changed back) -- no one else
-- has relied on it yet.
CREATE OR REPLACE FUNCTION sg_history_rules() RETURNS trigger LANGUAGE plpgsql
AS $$
DECLARE
    a record;
    foldable boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.actor <> session_user THEN
            PERFORM sg_refuse(format('%s cannot add history in the name of %s', session_user, NEW.actor));
        END IF;
        IF NEW.role IS NOT NULL AND NEW.role IS DISTINCT FROM sg_role() THEN
            PERFORM sg_refuse(format('%s is not a %s on the team', session_user, NEW.role));
        END IF;
        IF NOT (sg_is_json(NEW.before) AND sg_is_json(NEW.after)) THEN
            PERFORM sg_refuse('a history entry''s values are stored as JSON, as sg-assess writes them');
        END IF;
        SELECT * INTO a FROM assessment WHERE id = NEW.assessment_id;
        IF a.status = 'signed_off' AND NOT (NEW.question_id IS NULL AND NEW.kind IN ('comment', 'addendum', 'restored')) THEN
            PERFORM sg_frozen();
        END IF;
        IF NEW.question_id IS NOT NULL OR NEW.kind IN ('answer', 'conflict') THEN
            IF a.status NOT IN ('draft', 'returned') THEN
                PERFORM sg_refuse('this assessment is submitted for review and read-only until a supervisor returns it');
            END IF;
            IF a.owner <> session_user THEN
                PERFORM sg_refuse(format('only %s can edit this assessment; they can hand it over to you', a.owner));
            END IF;
        ELSIF NEW.kind = 'created' THEN
            IF a.practitioner <> session_user
                    OR EXISTS (SELECT 1 FROM history h WHERE h.assessment_id = NEW.assessment_id AND h.kind = 'created') THEN
                PERFORM sg_refuse('an assessment''s creation is recorded once, by its author');
            END IF;
        ELSIF NEW.kind = 'submitted' THEN
            IF a.status <> 'submitted' OR a.owner <> session_user THEN
                PERFORM sg_refuse('a submission is recorded by the owner as they submit');
            END IF;
        ELSIF NEW.kind IN ('returned', 'signed_off') THEN
            IF NOT EXISTS (SELECT 1 FROM review r WHERE r.assessment_id = NEW.assessment_id AND r.decision = NEW.kind
                           AND r.actor = session_user AND r.at >= coalesce(a.submitted_at, '')) THEN
                PERFORM sg_refuse('a return or sign-off is recorded only with the supervisor''s review');
            END IF;
        END IF;
        RETURN NEW;
    END IF;
    SELECT * INTO a FROM assessment WHERE id = OLD.assessment_id;
    foldable := OLD.kind = 'answer' AND OLD.actor = session_user AND a.status = 'draft' AND a.submitted_at IS NULL
        AND a.owner = session_user
        AND NOT EXISTS (SELECT 1 FROM history later WHERE later.assessment_id = OLD.assessment_id AND later.id > OLD.id
                        AND (later.question_id IS NULL OR later.question_id = OLD.question_id));
    IF foldable AND TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF foldable AND TG_OP = 'UPDATE' AND NOT sg_is_json(NEW.after) THEN
        PERFORM sg_refuse('a history entry''s values are stored as JSON, as sg-assess writes them');
    END IF;
    IF foldable AND NEW.id = OLD.id AND NEW.assessment_id = OLD.assessment_id
            AND NEW.question_id IS NOT DISTINCT FROM OLD.question_id AND NEW.kind = OLD.kind AND NEW.actor = OLD.actor
            AND NEW.role IS NOT DISTINCT FROM OLD.role AND NEW.started_at = OLD.started_at
            AND NEW.before IS NOT DISTINCT FROM OLD.before THEN
        RETURN NEW;
    END IF;
    IF a.status = 'signed_off' THEN PERFORM sg_frozen(); END IF;
    PERFORM sg_refuse('the record is only ever added to: reviews, comments, addenda and history are never changed '
                      'or deleted');
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS history_rules ON history;
CREATE TRIGGER history_rules BEFORE INSERT OR UPDATE OR DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION sg_history_rules();

-- Reviews: only a supervisor, in their own name and role, of a submitted assessment they did not write or edit,
-- and only as the step it records (review_decides, at commit: the assessment was returned or signed off by it).
-- Comments and addenda: anyone on the team, in their own name and role, at any stage (addenda once signed off);
-- a reply answers a comment on the same assessment.  None of the three is ever changed or deleted.
CREATE OR REPLACE FUNCTION sg_addition_rules() RETURNS trigger LANGUAGE plpgsql
AS $$
DECLARE
    who text;
    status text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT a.status INTO status FROM assessment a WHERE a.id = OLD.assessment_id;
        IF status = 'signed_off' THEN PERFORM sg_frozen(); END IF;
        PERFORM sg_refuse('the record is only ever added to: reviews, comments, addenda and history are never '
                          'changed or deleted');
    END IF;
    IF TG_TABLE_NAME = 'review' THEN
        who := NEW.actor;
    ELSE
        who := NEW.author;
    END IF;
    IF who IS DISTINCT FROM session_user THEN
        PERFORM sg_refuse(format('%s cannot add a %s in the name of %s', session_user, TG_TABLE_NAME,
                                 coalesce(who, 'nobody')));
    END IF;
    IF NEW.role IS DISTINCT FROM sg_role() THEN
        PERFORM sg_refuse(format('%s is not a %s on the team', session_user, coalesce(NEW.role, '(no role given)')));
    END IF;
    SELECT a.status INTO status FROM assessment a WHERE a.id = NEW.assessment_id;
    IF TG_TABLE_NAME = 'review' THEN
        IF status = 'signed_off' THEN PERFORM sg_frozen(); END IF;
        IF NOT sg_is_supervisor() THEN
            PERFORM sg_refuse('only a supervisor can return or sign off an assessment');
        END IF;
        IF status <> 'submitted' THEN
            PERFORM sg_refuse('only a submitted assessment can be returned or signed off');
        END IF;
        IF sg_edited_by(NEW.assessment_id, session_user) THEN
            PERFORM sg_refuse(format('%s wrote or edited this assessment, so cannot review it; another supervisor must',
                                     session_user));
        END IF;
        IF NEW.decision NOT IN ('returned', 'signed_off') THEN
            PERFORM sg_refuse('a review returns an assessment or signs it off');
        END IF;
    ELSIF TG_TABLE_NAME = 'addendum' AND status IS DISTINCT FROM 'signed_off' THEN
        PERFORM sg_refuse('addenda are for signed-off assessments; change the answers instead');
    ELSIF TG_TABLE_NAME = 'comment' THEN
        IF NEW.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM comment c WHERE c.id = NEW.parent_id
                                                     AND c.assessment_id = NEW.assessment_id) THEN
            PERFORM sg_refuse('a reply answers a comment on the same assessment');
        END IF;
    END IF;
    RETURN NEW;
END
$$;

-- At commit: a review made the step it records (a review that changes nothing would be a sign-off in name only).
CREATE OR REPLACE FUNCTION sg_review_decides() RETURNS trigger LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM assessment a WHERE a.id = NEW.assessment_id AND a.status = NEW.decision) THEN
        PERFORM sg_refuse(format('a review is recorded only as the assessment is %s by it',
                                 replace(NEW.decision, '_', ' ')));
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS review_decides ON review;
CREATE CONSTRAINT TRIGGER review_decides AFTER INSERT ON review DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION sg_review_decides();
DROP TRIGGER IF EXISTS review_rules ON review;
CREATE TRIGGER review_rules BEFORE INSERT OR UPDATE OR DELETE ON review
    FOR EACH ROW EXECUTE FUNCTION sg_addition_rules();
DROP TRIGGER IF EXISTS comment_rules ON comment;
CREATE TRIGGER comment_rules BEFORE INSERT OR UPDATE OR DELETE ON comment
    FOR EACH ROW EXECUTE FUNCTION sg_addition_rules();
DROP TRIGGER IF EXISTS addendum_rules ON addendum;
CREATE TRIGGER addendum_rules BEFORE INSERT OR UPDATE OR DELETE ON addendum
    FOR EACH ROW EXECUTE FUNCTION sg_addition_rules();

-- A child with assessments is kept, under the same id (each assessment keeps the details it was made with).
CREATE OR REPLACE FUNCTION sg_child_rules() RETURNS trigger LANGUAGE plpgsql
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM assessment WHERE child_id = OLD.id) THEN
        IF TG_OP = 'DELETE' THEN
            PERFORM sg_refuse('this child has assessments: their record is kept');
        END IF;
        IF NEW.id <> OLD.id THEN
            PERFORM sg_refuse('this child has assessments: their record is kept');
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS child_rules ON child;
CREATE TRIGGER child_rules BEFORE UPDATE OR DELETE ON child
    FOR EACH ROW EXECUTE FUNCTION sg_child_rules();

-- Search, newest first (the list's search; store/dialect.py).  Walking back through the documents newest first
-- finds a common word at once but reads every document for a rare one (each a TOASTed tsvector: 0.65 s for a
-- rare word and 2 s for a word in no document at 100,000 assessments); the GIN index finds a rare word at once
-- but lists every match of a common one.  The planner cannot tell them apart (it does not count the reading of
-- each document), so this says which: a walk through the newest WINDOW documents, then the index for the rest.
-- ``want`` is how many are needed (NULL: all of them, when the caller filters them further).
CREATE OR REPLACE FUNCTION sg_search_newest(q tsquery, want integer) RETURNS SETOF integer
LANGUAGE plpgsql STABLE ROWS 50
SET enable_bitmapscan = on SET enable_indexscan = on SET enable_seqscan = on
AS $$
DECLARE
    window_size CONSTANT integer := 500;
    newest integer;
    found integer;
BEGIN
    SELECT max(rowid) INTO newest FROM assessment_fts;
    IF newest IS NULL THEN
        RETURN;
    END IF;
    PERFORM set_config('enable_bitmapscan', 'off', true);  -- only for this function (its SET clause)
    PERFORM set_config('enable_seqscan', 'off', true);
    RETURN QUERY SELECT f.rowid FROM assessment_fts f WHERE f.doc @@ q AND f.rowid > newest - window_size
        ORDER BY f.rowid DESC LIMIT want;
    GET DIAGNOSTICS found = ROW_COUNT;
    IF want IS NOT NULL AND found >= want THEN
        RETURN;
    END IF;
    PERFORM set_config('enable_bitmapscan', 'on', true);
    PERFORM set_config('enable_indexscan', 'off', true);
    RETURN QUERY SELECT m.rowid FROM (SELECT f.rowid FROM assessment_fts f WHERE f.doc @@ q OFFSET 0) m
        WHERE m.rowid <= newest - window_size ORDER BY m.rowid DESC LIMIT want - found;  -- OFFSET 0: by the index
END
$$;

-- A stored questionnaire is the exact text its hash names (assessments are read with it for ever).
CREATE OR REPLACE FUNCTION sg_questionnaire_rules() RETURNS trigger LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.hash IS DISTINCT FROM encode(sha256(convert_to(NEW.source, 'UTF8')), 'hex') THEN
        PERFORM sg_refuse('a stored questionnaire must be the exact text its hash names');
    END IF;
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS questionnaire_rules ON questionnaire_def;
CREATE TRIGGER questionnaire_rules BEFORE INSERT ON questionnaire_def
    FOR EACH ROW EXECUTE FUNCTION sg_questionnaire_rules();

-- Every rule reads the tables of this schema, never a same-named temporary table or function a session made
-- (pg_temp is otherwise searched first): each function runs with its search path fixed.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace
                                           AND p.proname LIKE 'sg\_%' LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp', f, current_schema());
    END LOOP;
END
$$;
