"""Redacted exports: roles for people, whole-word names, and no date of birth, contact detail, school or id.

One test (or more) per rule: each shows the rule firing and, where a careless rule would go too far, not firing.
The sweep over the demo data checks that nothing recorded survives in any redacted export.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sg_assess.cli import app
from sg_assess.demo import ensure_demo_db
from sg_assess.export import export_filename, render
from sg_assess.export.redact import redact
from sg_assess.questionnaire.schema import Questionnaire
from sg_assess.records import AssessmentRecord, CommentRecord
from sg_assess.store.repository import Store

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def make(tmp_path: Path, questionnaire: Questionnaire, answers: dict[str, Any], *, child: str = "Ada Example",
         dob: str = "2019-01-15") -> AssessmentRecord:
    with Store.open(tmp_path / "r.db") as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name=child, dob=dob, actor="Sam Worker",
                                      assessment_date="2026-03-02")
        for qid, value in answers.items():
            store.save_answer(aid, qid, value, actor="Sam Worker")
        return store.get(aid)


def said(tmp_path: Path, questionnaire: Questionnaire, text: str, people: list[dict[str, Any]] | None = None,
         **answers: Any) -> str:
    """``text`` as a redacted answer, with ``people`` recorded as the parents and carers."""
    record = make(tmp_path, questionnaire, {"parents": people or [], "danger_statements": text, **answers})
    return redact(record).answers["danger_statements"]


MUM = {"name": "Maria Example", "relationship": "Mother; Ada lives with her"}
DAD = {"name": "Tom Quimby", "relationship": "Father; lives in Othertown, Ada stays with him every other weekend"}


# -- people become short bracketed roles --------------------------------------------------------------------------


def test_people_become_short_roles_never_the_whole_relationship(tmp_path: Path, questionnaire) -> None:
    people = [MUM, DAD, {"name": "Jay Sample", "relationship": "Mother's partner; lives in the household at weekends"},
              {"name": "Pearl Madeup", "relationship": "Maternal grandmother (Nana Pearl); knows the worries"},
              {"name": "Finn Sample", "relationship": "Half-brother, 14 months old"}]
    text = "Maria and Tom argued; Jay, Pearl and Finn were there. Ada saw it."
    record = redact(make(tmp_path, questionnaire, {"parents": people, "danger_statements": text}))
    assert [row["name"] for row in record.answers["parents"]] == [
        "[mother]", "[father]", "[mother's partner]", "[grandmother]", "[half-brother]"]
    assert record.answers["danger_statements"] == (
        "[mother] and [father] argued; [mother's partner], [grandmother] and [half-brother] were there. "
        "[child] saw it.")
    assert record.summary.child_name == "[child]" and record.child.name == "[child]"
    assert record.summary.practitioner == "[practitioner]"
    # The relationship itself stays (it says who the person is), with any name in it replaced.
    assert record.answers["parents"][0]["relationship"] == "Mother; [child] lives with her"


def test_two_people_with_one_role_are_numbered_and_a_person_without_one_is_a_person(tmp_path, questionnaire) -> None:
    staff = [{"name": "Kim Teacher", "relationship": "Class teacher"},
             {"name": "Lou Helper", "relationship": "Teacher (maths)"},
             {"name": "Sol Other", "relationship": "Knows the family from church"}]
    record = redact(make(tmp_path, questionnaire, {"agencies_involved": staff, "danger_statements":
                                                   "Kim told Lou; Sol heard."}))
    assert [row["name"] for row in record.answers["agencies_involved"]] == ["[teacher 1]", "[teacher 2]", "[person]"]
    assert record.answers["danger_statements"] == "[teacher 1] told [teacher 2]; [person] heard."


def test_carer_role_of_version_2_is_used_when_present(tmp_path: Path, questionnaire) -> None:
    record = make(tmp_path, questionnaire, {"danger_statements": "Dee and Rik and Viv."})
    rows = [{"name": "Dee Notreal", "relationship": "", "carer_role": "female_carer"},
            {"name": "Rik Notreal", "relationship": "Stays most nights", "carer_role": "male_carer"},
            {"name": "Viv Notreal", "relationship": "Mum's partner", "carer_role": "other_carer"}]
    out = redact(dataclasses.replace(record, answers={**record.answers, "parents": rows}))
    assert [row["name"] for row in out.answers["parents"]] == ["[female carer]", "[male carer]", "[mother's partner]"]
    assert out.answers["danger_statements"] == "[female carer] and [male carer] and [mother's partner]."


# -- names: whole words, every part, titles; ordinary words survive ------------------------------------------------


def test_every_name_part_goes_as_a_whole_word_with_its_title(tmp_path: Path, questionnaire) -> None:
    people = [MUM, DAD, {"name": "Dr Lee Smith-Jones", "relationship": "GP"}]
    text = ("Mr Quimby and Mrs Example spoke to Dr Smith-Jones, then to Dr Jones and Lee. MARIA cried; maria's "
            "sister came. Leeds and Tomorrow and Examples are not names.")
    assert said(tmp_path, questionnaire, text, people) == (
        "[father] and [name] spoke to [GP], then to [GP] and [GP]. [mother] cried; [mother]'s sister came. "
        "Leeds and Tomorrow and Examples are not names.")


def test_a_title_before_an_unrecorded_surname_is_a_name(tmp_path: Path, questionnaire) -> None:
    assert said(tmp_path, questionnaire, "Mr Fenwick next door and Nana Joan help. Miss.", [MUM]) == (
        "[name] next door and [name] help. Miss.")


def test_ordinary_words_that_are_name_parts_survive_in_lower_case(tmp_path: Path, questionnaire) -> None:
    people = [{"name": "Will Young", "relationship": "Uncle"}, {"name": "Grace Example", "relationship": "Aunt"}]
    text = ("The example the adults set matters; she will say so, as a young carer would. Will Young and Grace "
            "came; WILL was kind; by the grace of God. Example: Young's car.")
    assert said(tmp_path, questionnaire, text, people) == (
        "The example the adults set matters; she will say so, as a young carer would. [uncle] and [aunt] "
        "came; [uncle] was kind; by the grace of God. [name]: [uncle]'s car.")


def test_a_shared_surname_alone_is_a_name_not_someone_in_particular(tmp_path: Path, questionnaire) -> None:
    people = [MUM, {"name": "Gwen Example", "relationship": "Maternal aunt"}]
    assert said(tmp_path, questionnaire, "The Example family: Gwen Example and Ada Example.", people) == (
        "The [name] family: [aunt] and [child].")


def test_quoted_words_keep_their_brackets(tmp_path: Path, questionnaire) -> None:
    people = [MUM, {"name": "Pearl Madeup", "relationship": "Maternal grandmother (Nana Pearl)"}]
    assert said(tmp_path, questionnaire, "Ada said: 'Nana Pearl makes pancakes and Maria cries.'", people) == (
        "[child] said: '[grandmother] makes pancakes and [mother] cries.'")


def test_place_names_do_not_multiply(tmp_path: Path, questionnaire) -> None:
    text = "Maria and Tom argued. Tom drove Ada home. Maria's mum came."
    out = said(tmp_path, questionnaire, text, [MUM, DAD])
    assert "Othertown" not in out and "lives" not in out and out.count("[father]") == 2


# -- dates of birth, ages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["2019-01-15", "15/01/2019", "15/1/2019", "15.01.2019", "15-01-2019",
                                     "15 January 2019", "15th January 2019", "January 15, 2019", "January 15th 2019",
                                     "15th Jan 2019", "15 Jan. 2019", "Jan 15 2019", "15/01/19",
                                     "2019/01/15", "15th of Jan 19", "01/15/2019"])
def test_the_date_of_birth_goes_in_any_common_format(tmp_path: Path, questionnaire, written: str) -> None:
    assert said(tmp_path, questionnaire, f"Ada (born {written}) and again {written}.") == (
        "[child] (born [date of birth]) and again [date of birth].")


def test_other_dates_stay_unless_they_are_someone_s_birth_date(tmp_path: Path, questionnaire) -> None:
    text = "Seen on 15 January 2026 and 2026-02-02; Maria, DOB 03/04/1990, date of birth: 3 April 1990."
    assert said(tmp_path, questionnaire, text, [MUM]) == (
        "Seen on 15 January 2026 and 2026-02-02; [mother], DOB [date of birth], date of birth: [date of birth].")
    record = redact(make(tmp_path, questionnaire, {}))
    assert record.child.dob == "withheld (age band 5-9)"


def test_ages_become_bands(tmp_path: Path, questionnaire) -> None:
    text = ("Ada, who is 7, is aged 7 and seven years old; a 7-year-old; Finn is 14 months old; Maria, aged 34. "
            "Late 14 times; 7 days; age 16.")
    assert said(tmp_path, questionnaire, text, [MUM]) == (
        "[child], who is aged 5-9, is aged 5-9 and aged 5-9; a 5-9-year-old; Finn is aged 0-2; [mother], aged 25-34. "
        "Late 14 times; 7 days; age 15-17.")
    people = [{"name": "Theo Sample", "relationship": "Brother, 9"}, {"name": "Rosa P", "relationship": "Mother, 19"}]
    record = redact(make(tmp_path / "b", questionnaire, {"household_members": people}))
    assert [row["relationship"] for row in record.answers["household_members"]] == [
        "Brother, aged 5-9", "Mother, aged 18-24"]


# -- addresses, postcodes, phones, emails -------------------------------------------------------------------------


def test_addresses_streets_and_postcodes_go(tmp_path: Path, questionnaire) -> None:
    text = ("They live at 14 Acacia Avenue, Anytown AN1 2BC, then 3b Mill Lane; Dad is on Station Road near "
            "the Close. Post to ec1a 1bb. Family Court on 3 May; Year 3; 12 apples.")
    assert said(tmp_path, questionnaire, text) == (
        "They live at [address], Anytown [postcode], then [address]; Dad is on [street] near "
        "the Close. Post to [postcode]. Family Court on 3 May; Year 3; 12 apples.")


def test_phone_numbers_and_emails_go(tmp_path: Path, questionnaire) -> None:
    text = ("Call 01632 960001, 07700900123, +44 7700 900 123, +44 (0)20 7946 0000 or 020-7946-0000; "
            "email maria.example@example.org. Score 7 of 10 on 2026-02-02; 1,250 pounds; ref 12/34.")
    assert said(tmp_path, questionnaire, text, [MUM]) == (
        "Call [phone], [phone], [phone], [phone] or [phone]; "
        "email [email]. Score 7 of 10 on 2026-02-02; 1,250 pounds; ref 12/34.")


# -- organisations -------------------------------------------------------------------------------------------------


def test_the_education_setting_and_recorded_agencies_go(tmp_path: Path, questionnaire) -> None:
    agencies = [{"name": "Kim Teacher", "relationship": "Class teacher",
                 "agency": "Anytown Primary School (fictional), 01632 960001"},
                {"name": "Pat Visitor", "relationship": "Health visitor", "agency": "Anytown Health Team"}]
    record = redact(make(tmp_path, questionnaire, {
        "education_setting": "St Jude's C of E Juniors, Year 3.", "agencies_involved": agencies,
        "danger_statements": "At St Jude's C of E Juniors and Anytown Primary School the Anytown Health Team saw "
                             "her; the school nurse and the health team too. Westfield Academy next year."}))
    assert record.answers["education_setting"] == "[school 1], Year 3."
    assert record.answers["agencies_involved"][0]["agency"] == "[school 2] (fictional), [phone]"
    assert record.answers["agencies_involved"][1]["agency"] == "[organisation]"
    assert record.answers["danger_statements"] == (
        "At [school 1] and [school 2] the [organisation] saw her; the school nurse and the health team too. "
        "[school 3] next year.")


def test_a_named_service_goes_and_a_generic_one_stays(tmp_path: Path, questionnaire) -> None:
    text = ("Referred by Anytown Children's Services to the Early Help Service and Talking Therapies; the baby group "
            "at Anytown Family Hub, then Westbury Citizens Advice. Social Care and the Police were told.")
    assert said(tmp_path, questionnaire, text) == (
        "Referred by [organisation 1] to the Early Help Service and Talking Therapies; the baby group "
        "at [organisation 2], then [organisation 3]. Social Care and the Police were told.")


def test_the_shipped_flags_name_questions_of_version_1(questionnaire) -> None:
    from sg_assess.export.redact import flagged_questions
    from sg_assess.questionnaire.shipped import pinned_data_path

    assert pinned_data_path("safeguarding-assessment", 1).is_file()
    assert flagged_questions(questionnaire)  # the pinned file's [redact] table is found and read
    for qid in flagged_questions(questionnaire):
        assert questionnaire.question(qid).kind in ("text", "long_text"), qid


def test_an_education_setting_with_no_name_found_is_withheld_whole(tmp_path: Path, questionnaire) -> None:
    record = redact(make(tmp_path, questionnaire, {"education_setting": "home educated by grandad in kent"}))
    assert record.answers["education_setting"] == "[organisation]"
    kept = redact(make(tmp_path / "b", questionnaire, {"ethnicity": "White British; grandad in kent"}))
    assert kept.answers["ethnicity"] == "White British; grandad in kent"  # no flag on this question


def test_a_questionnaire_flags_its_own_organisation_and_place_questions(tmp_path: Path, questionnaire) -> None:
    from sg_assess.export.redact import flagged_questions
    from sg_assess.questionnaire.loader import from_source

    source = questionnaire.source.replace('id = "lead_professional"', 'id = "lead_professional"\nredact = "person"')
    source = source.replace('id = "ethnicity"', 'id = "ethnicity"\nredact = "place"')
    source = source.replace("version = 1", "version = 99", 1)
    own = from_source(source)
    assert flagged_questions(own) == {"lead_professional": "person", "ethnicity": "place"}  # the file's own flags
    assert flagged_questions(questionnaire) == {"education_setting": "organisation", "lead_professional": "person",
                                                "child_advocate": "person", "child_told_by": "person"}
    record = make(tmp_path, own, {"ethnicity": "Flat 2, Brookside Towers", "lead_professional":
                                  "Jo Bloggs, family support worker, Anytown Early Help", "danger_statements":
                                  "Jo Bloggs visited Brookside Towers."})
    out = redact(record)
    assert out.answers["ethnicity"] == "[place]" and out.answers["lead_professional"] == (
        "[support worker], family support worker, [organisation]")
    assert out.answers["danger_statements"] == "[support worker] visited [place]."


# -- record ids, file name, banner ---------------------------------------------------------------------------------


def test_record_ids_go_and_the_file_name_carries_no_name(tmp_path: Path, questionnaire) -> None:
    record = make(tmp_path, questionnaire, {})
    text = f"See {record.id} and {record.id[:8]} and {record.summary.child_id[:10]}; room 12345; cafe."
    record = dataclasses.replace(record, answers={"danger_statements": text}, comments=[
        CommentRecord(id=1, section_id=None, parent_id=None, author="Sup Visor", role="supervisor",
                      at="2026-03-02T10:00:00+00:00", text=f"As {record.id[:12]} said")])
    out = redact(record)
    assert out.answers["danger_statements"] == "See [id] and [id] and [id]; room 12345; cafe."
    assert out.comments[0].text == "As [id] said" and out.comments[0].author == "[supervisor]"
    for fmt in ("md", "json"):
        whole = render(out, fmt)
        assert not UUID.search(whole) and record.id[:8] not in whole and record.summary.child_id[:8] not in whole
        name = export_filename(out, fmt)
        assert name.startswith("redacted_2026-03-02_") and "Ada" not in name and "A.E" not in name
        assert not re.search(r"[0-9a-f]{8}", name)
    assert export_filename(record, "md").startswith("Ada-Example_")  # an ordinary export is named as before


def test_a_redacted_export_says_so_at_the_top(tmp_path: Path, questionnaire) -> None:
    record = make(tmp_path, questionnaire, {"danger_statements": "Ada cried."})
    md = render(redact(record), "md")
    top = "\n".join(md.splitlines()[:6])
    assert "REDACTED" in top and "human" in top and "date" in top and "phone" in top
    data = json.loads(render(redact(record), "json"))
    assert "REDACTED" in data["redacted"] and "human" in data["redacted"]
    assert "REDACTED" not in render(record, "md") and "redacted" not in json.loads(render(record, "json"))


# -- the demo data, whole --------------------------------------------------------------------------------------------

PHONE = re.compile(r"(?:\+44|\b0)\s?\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
ORDINARY_PHRASES = ("The example the adults set", "class teacher", "social worker", "health visitor", "a sample")
SCHOOL = re.compile(r"Anytown (?:Primary|Academy)|School \(fictional\)")


def name_parts(record: AssessmentRecord) -> set[str]:
    names = {record.summary.child_name, record.summary.practitioner, record.owner}
    for question in record.questionnaire.questions():
        if question.kind in ("people", "scale"):
            names.update(row.get("name") or row.get("who") or "" for row in record.answers.get(question.id) or [])
    names |= {r.actor for r in record.reviews} | {c.author for c in record.comments} | {h.actor for h in record.history}
    titles = {"Dr", "PC", "Mr", "Mrs", "Ms", "Miss"}
    return {w for n in names for w in re.findall(r"[^\W\d_][\w'’]*", n) if w[:1].isupper() and w not in titles}


def test_nothing_recorded_survives_in_any_demo_export(tmp_path: Path) -> None:
    from sg_assess.export.redact import ORDINARY_WORDS

    ids, _ = ensure_demo_db(tmp_path / "demo.db")
    with Store.open(tmp_path / "demo.db") as store:
        records = [store.get(aid) for aid in ids]
    seen = 0
    for record in records:
        parts = name_parts(record)
        assert parts  # the record names people, so the sweep below means something
        if record.questionnaire.version == 1:  # version 1's demo names carry these ordinary-word surnames
            assert {"Example", "Sample", "Placeholder", "Testcase"} & parts
        out = redact(record)
        for fmt in ("md", "json"):
            # The questionnaire's own text (in the JSON) names nobody: its examples ("Sam (4)") are not about anyone.
            text = render(out, fmt).replace(json.dumps(record.questionnaire.source, ensure_ascii=False)[1:-1], "")
            text = re.sub(r"\*\*[^*\n]+\*\*", "", text)  # and the export's own labels and the questions asked
            text = text.replace("\\", "")
            for part in parts:
                flags = 0 if part.casefold() in ORDINARY_WORDS else re.I
                assert not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text, flags), (record.id, fmt, part)
            assert not PHONE.search(text) and not POSTCODE.search(text) and not EMAIL.search(text), (record.id, fmt)
            assert not UUID.search(text) and not SCHOOL.search(text), (record.id, fmt)
            assert record.id[:8] not in text and record.summary.child_id[:8] not in text
            if record.child.dob:
                born = dt.date.fromisoformat(record.child.dob)
                for written in (record.child.dob, f"{born.day} {born:%B %Y}", f"{born:%d/%m/%Y}"):
                    assert written not in text, (record.id, written)
            original = render(record, fmt)
            for place in ("Othertown", "Anytown"):
                assert text.count(place) <= original.count(place), (record.id, place)
        assert "REDACTED" in render(out, "md")[:600]
        seen += sum(phrase in render(record, "md") for phrase in ORDINARY_PHRASES)
        for phrase in ORDINARY_PHRASES:  # ordinary words that are also the demo's surnames
            assert (phrase in render(record, "md")) <= (phrase in render(out, "md")), (record.id, phrase)
    assert seen >= 2


def test_cli_redact(tmp_path: Path) -> None:
    ids, _ = ensure_demo_db(tmp_path / "demo.db")
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(tmp_path / "demo.db"), "export", ids[0][:8], "--redact", "-o", "-"])
    assert result.exit_code == 0 and "Ada" not in result.stdout and "[child]" in result.stdout.replace("\\", "")
    out = tmp_path / "audit"
    result = runner.invoke(app, ["--db", str(tmp_path / "demo.db"), "export", "--all", "--redact", "--format", "json",
                                 "--out", str(out)])
    assert result.exit_code == 0
    files = sorted(out.glob("*.json"))
    assert len(files) == len(ids) and all(f.name.startswith("redacted_") for f in files)
    assert all("Example" not in f.read_text() for f in files)
    assert all((json.loads(f.read_text())["assessment"]["child"]["dob"] or "withheld").startswith("withheld")
               for f in files)
    refused = runner.invoke(app, ["--db", str(tmp_path / "demo.db"), "export", ids[0][:8], "--redact", "--format",
                                  "bundle", "-o", "-"])
    assert refused.exit_code == 2 and "cannot be redacted" in refused.stderr


def test_an_organisation_is_named_by_its_last_telling_word(tmp_path: Path, questionnaire) -> None:
    text = "Anytown School Nursing Service, Anytown Health Centre, Anytown General Hospital, Anytown Police."
    assert said(tmp_path, questionnaire, text) == "[organisation], [GP surgery], [hospital], [police]."


def test_a_first_name_alone_in_another_table_is_the_same_person(tmp_path: Path, questionnaire) -> None:
    scale = [{"who": "Maria", "role": "Mum", "score": 5}, {"who": "Gran", "role": "Nan", "score": 6}]
    record = redact(make(tmp_path, questionnaire, {"parents": [MUM], "safety_scale": scale,
                                                   "danger_statements": "Maria said so."}))
    assert [row["who"] for row in record.answers["safety_scale"]] == ["[mother]", "Gran"]
    assert record.answers["danger_statements"] == "[mother] said so."


def test_a_name_only_an_earlier_version_held_goes_too(tmp_path: Path, questionnaire, clock) -> None:
    with Store.open(tmp_path / "r.db", clock=clock) as store:
        aid = store.create_assessment(questionnaire=questionnaire, child_name="Ada Example", dob="2019-01-15",
                                      actor="Sam Worker")
        store.save_answer(aid, "parents", [{"name": "Maria Exampel", "relationship": "Mother"},
                                           {"name": "Jay Sample", "relationship": "Partner"}], actor="Sam Worker")
        clock.advance(hours=2)  # a later sitting: the history keeps the version before it
        store.save_answer(aid, "parents", [MUM], actor="Sam Worker")
        store.save_answer(aid, "danger_statements", "Maria Exampel, Jay and Maria.", actor="Sam Worker")
        record = store.get(aid)
    assert any("Exampel" in json.dumps(h.before) for h in record.history)
    out = redact(record)
    assert out.answers["danger_statements"] == "[mother], [name] and [mother]."
    text = render(out, "json")
    assert "Exampel" not in text and "Jay" not in text and "Sample" not in text


def test_redaction_adds_one_quote_and_no_structure(tmp_path: Path) -> None:
    from collections import Counter

    from markdown_it import MarkdownIt

    def census(text: str) -> Counter[str]:
        tokens = MarkdownIt("commonmark").enable("table").parse(text)
        inline = [c.type for t in tokens if t.children for c in t.children]
        return Counter([t.type for t in tokens] + inline)

    ids, _ = ensure_demo_db(tmp_path / "demo.db")
    with Store.open(tmp_path / "demo.db") as store:
        record = store.get(ids[0])
    plain, redacted = census(render(record, "md")), census(render(redact(record), "md"))
    assert redacted["blockquote_open"] == plain["blockquote_open"] + 1
    assert redacted["link_open"] == plain["link_open"] == 0
    for kind in ("heading_open", "table_open", "tr_open", "bullet_list_open", "fence", "html_block", "hr"):
        assert redacted[kind] == plain[kind], kind


def test_a_name_nobody_recorded_goes_beside_a_family_role(tmp_path: Path, questionnaire) -> None:
    text = ("Interpreter for Ada's mother, Meera; her brother Theo and Nan came. Her mother, Tuesday and I met; "
            "her mother tongue is Gujarati; my friend, Who knows. Meera and THEO agreed, as did Mr Fenwick; "
            "Fenwick is kind.")
    assert said(tmp_path, questionnaire, text) == (
        "Interpreter for [child]'s mother, [name]; her brother [name] and Nan came. Her mother, Tuesday and I met; "
        "her mother tongue is Gujarati; my friend, Who knows. [name] and [name] agreed, as did [name]; "
        "[name] is kind.")


def test_a_possessive_after_a_title_is_the_recorded_person(tmp_path: Path, questionnaire) -> None:
    people = [{"name": "Pearl Madeup", "relationship": "Maternal grandmother"},
              {"name": "Mel Sample", "relationship": "Maternal aunt"}]
    text = "At Nana Pearl's church and her aunt Mel's house; Mr Fenwick's car; Pearl's cat."
    assert said(tmp_path, questionnaire, text, people) == (
        "At [grandmother]'s church and her aunt [aunt]'s house; [name]'s car; [grandmother]'s cat.")


def test_an_unknown_redact_flag_is_one_clear_line(questionnaire) -> None:
    from sg_assess.errors import QuestionnaireError
    from sg_assess.questionnaire.loader import from_source

    with pytest.raises(QuestionnaireError) as caught:
        from_source(questionnaire.source.replace('id = "ethnicity"', 'id = "ethnicity"\nredact = "school"'))
    assert any("redact" in line and "ethnicity" in line for line in caught.value.problems), caught.value.problems
