-- The rules a team database enforces itself, whatever client connects (sg-assess, psql, a SQL tool).
--
-- The person is the login (session_user); SET ROLE cannot change it.  Their role is membership of
-- sg_practitioner or sg_supervisor.  Run by migration 0005 as the database owner, and again by
-- 'sg-assess team init' (every statement can run twice).  The app checks the same rules first, to say
-- them clearly; these are the backstop.  Trusted, and not bound by them: the database owner and
-- superusers (they can drop a trigger), which is why 'sg-assess check' also verifies every seal.

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
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO sg_practitioner, sg_supervisor', current_schema());
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO sg_practitioner, sg_supervisor', current_schema());
END
$$;
REVOKE ALL ON child, questionnaire_def, assessment, answer, history, review, comment, addendum, action_due,
    assessment_fts, team_member, restore_log, alembic_version FROM PUBLIC, sg_practitioner, sg_supervisor;
GRANT SELECT ON child, questionnaire_def, assessment, answer, history, review, comment, addendum, action_due,
    assessment_fts, team_member, restore_log, alembic_version TO sg_practitioner, sg_supervisor;
GRANT INSERT ON child, questionnaire_def, assessment, answer, history, review, comment, addendum, action_due,
    assessment_fts TO sg_practitioner, sg_supervisor;
GRANT UPDATE ON child, assessment, answer, history, action_due TO sg_practitioner, sg_supervisor;
GRANT DELETE ON answer, history, action_due, assessment_fts TO sg_practitioner, sg_supervisor;

CREATE OR REPLACE FUNCTION sg_is_supervisor() RETURNS boolean LANGUAGE sql STABLE
AS $$ SELECT pg_has_role(session_user, 'sg_supervisor', 'MEMBER') $$;

-- Whoever wrote or edited an assessment: its author, its owner, and everyone who saved an answer.
CREATE OR REPLACE FUNCTION sg_edited_by(aid text, who text) RETURNS boolean LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (SELECT 1 FROM assessment WHERE id = aid AND (practitioner = who OR owner = who))
        OR EXISTS (SELECT 1 FROM history WHERE assessment_id = aid AND actor = who AND kind IN ('created', 'answer'))
$$;

CREATE OR REPLACE FUNCTION sg_refuse(message text) RETURNS void LANGUAGE plpgsql
AS $$ BEGIN RAISE EXCEPTION USING MESSAGE = message, ERRCODE = 'P0001'; END $$;

CREATE OR REPLACE FUNCTION sg_frozen() RETURNS void LANGUAGE sql
AS $$ SELECT sg_refuse('this assessment is signed off and cannot be changed; add an addendum instead') $$;

-- An assessment: created as its author's draft; moved on only by the steps of the workflow.
CREATE OR REPLACE FUNCTION sg_assessment_rules() RETURNS trigger LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' OR NEW.signed_off_at IS NOT NULL OR NEW.seal IS NOT NULL THEN
            PERFORM sg_refuse('an assessment is created as a draft; it becomes signed off only through review');
        END IF;
        IF NEW.practitioner <> session_user OR NEW.owner <> session_user THEN
            PERFORM sg_refuse(format('%s cannot create an assessment in the name of %s', session_user, NEW.practitioner));
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'signed_off' THEN PERFORM sg_frozen(); END IF;
        PERFORM sg_refuse('an assessment is never deleted: the record is kept');
    END IF;
    IF OLD.status = 'signed_off' THEN PERFORM sg_frozen(); END IF;
    IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq OR NEW.child_id <> OLD.child_id
            OR NEW.questionnaire_hash <> OLD.questionnaire_hash OR NEW.practitioner <> OLD.practitioner
            OR NEW.created_at <> OLD.created_at THEN
        PERFORM sg_refuse('who wrote an assessment, for which child and with which questionnaire never changes');
    END IF;
    IF NEW.status = OLD.status THEN
        IF OLD.status NOT IN ('draft', 'returned') THEN
            -- A submitted assessment waits for review; only a child-details snapshot kept at re-assessment changes.
            IF NEW.owner <> OLD.owner OR NEW.submitted_at IS DISTINCT FROM OLD.submitted_at
                    OR NEW.signed_off_at IS DISTINCT FROM OLD.signed_off_at OR NEW.seal IS DISTINCT FROM OLD.seal
                    OR NEW.required_answered <> OLD.required_answered OR NEW.latest_score IS DISTINCT FROM OLD.latest_score
                    OR NEW.assessment_date <> OLD.assessment_date OR NEW.age_band <> OLD.age_band THEN
                PERFORM sg_refuse('this assessment is submitted for review and read-only until a supervisor returns it');
            END IF;
        ELSIF OLD.owner <> session_user THEN
            PERFORM sg_refuse(format('only %s can edit this assessment; they can hand it over to you', OLD.owner));
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status IN ('draft', 'returned') AND NEW.status = 'submitted' THEN
        IF OLD.owner <> session_user THEN
            PERFORM sg_refuse(format('only %s can submit this assessment', OLD.owner));
        END IF;
    ELSIF OLD.status = 'submitted' AND NEW.status IN ('returned', 'signed_off') THEN
        IF NOT sg_is_supervisor() THEN
            PERFORM sg_refuse(format('only a supervisor can %s an assessment',
                                     CASE NEW.status WHEN 'returned' THEN 'return' ELSE 'sign off' END));
        END IF;
        IF sg_edited_by(OLD.id, session_user) THEN
            PERFORM sg_refuse(format('%s wrote or edited this assessment, so cannot %s it; another supervisor must',
                                     session_user, CASE NEW.status WHEN 'returned' THEN 'return' ELSE 'sign off' END));
        END IF;
        IF NOT EXISTS (SELECT 1 FROM review WHERE assessment_id = OLD.id AND decision = NEW.status
                       AND actor = session_user AND at >= OLD.submitted_at) THEN
            PERFORM sg_refuse('a return or sign-off needs the supervisor''s review, recorded first');
        END IF;
        IF NEW.status = 'signed_off' AND (NEW.seal IS NULL OR NEW.signed_off_at IS NULL) THEN
            PERFORM sg_refuse('a sign-off needs a submission, a review by someone other than the author, and a seal');
        END IF;
        IF NEW.owner <> OLD.owner OR NEW.practitioner <> OLD.practitioner THEN
            PERFORM sg_refuse('a review does not change who owns an assessment');
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
        IF TG_OP = 'UPDATE' THEN
            IF NEW.assessment_id <> OLD.assessment_id OR NEW.question_id <> OLD.question_id THEN
                PERFORM sg_refuse('an answer stays with its assessment and question');
            END IF;
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME <> 'answer' THEN
        IF NEW.assessment_id <> OLD.assessment_id THEN
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

-- History: each entry in its author's name; only ever added to.  The one exception is folding: the author's
-- latest entry for a question in a draft never submitted, with no workflow event after it, may still move on
-- (or go, when the answer is changed back) -- no one else has relied on it yet.
CREATE OR REPLACE FUNCTION sg_history_rules() RETURNS trigger LANGUAGE plpgsql
AS $$
DECLARE
    status text;
    foldable boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.actor <> session_user THEN
            PERFORM sg_refuse(format('%s cannot add history in the name of %s', session_user, NEW.actor));
        END IF;
        SELECT a.status INTO status FROM assessment a WHERE a.id = NEW.assessment_id;
        IF status = 'signed_off' AND NOT (NEW.question_id IS NULL AND NEW.kind IN ('comment', 'addendum', 'restored')) THEN
            PERFORM sg_frozen();
        END IF;
        RETURN NEW;
    END IF;
    SELECT a.status INTO status FROM assessment a WHERE a.id = OLD.assessment_id;
    foldable := OLD.kind = 'answer' AND OLD.actor = session_user
        AND EXISTS (SELECT 1 FROM assessment a WHERE a.id = OLD.assessment_id AND a.status = 'draft'
                    AND a.submitted_at IS NULL)
        AND NOT EXISTS (SELECT 1 FROM history later WHERE later.assessment_id = OLD.assessment_id AND later.id > OLD.id
                        AND (later.question_id IS NULL OR later.question_id = OLD.question_id));
    IF foldable AND TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF foldable AND NEW.id = OLD.id AND NEW.assessment_id = OLD.assessment_id
            AND NEW.question_id IS NOT DISTINCT FROM OLD.question_id AND NEW.kind = OLD.kind AND NEW.actor = OLD.actor
            AND NEW.role IS NOT DISTINCT FROM OLD.role AND NEW.started_at = OLD.started_at
            AND NEW.before IS NOT DISTINCT FROM OLD.before THEN
        RETURN NEW;
    END IF;
    IF status = 'signed_off' THEN PERFORM sg_frozen(); END IF;
    PERFORM sg_refuse('the record is only ever added to: reviews, comments, addenda and history are never changed '
                      'or deleted');
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS history_rules ON history;
CREATE TRIGGER history_rules BEFORE INSERT OR UPDATE OR DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION sg_history_rules();

-- Reviews: only a supervisor, in their own name, of a submitted assessment they did not write or edit.
-- Comments and addenda: anyone on the team, in their own name, at any stage (addenda once signed off).
-- None of the three is ever changed or deleted.
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
    IF who <> session_user THEN
        PERFORM sg_refuse(format('%s cannot add a %s in the name of %s', session_user, TG_TABLE_NAME, who));
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
    ELSIF TG_TABLE_NAME = 'addendum' AND status <> 'signed_off' THEN
        PERFORM sg_refuse('addenda are for signed-off assessments; change the answers instead');
    END IF;
    RETURN NEW;
END
$$;
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
