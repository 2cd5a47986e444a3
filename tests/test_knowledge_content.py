"""The real knowledge base: every topic answered in both languages, sourced, dated, phone-sized."""

from pathlib import Path

import pytest
import yaml

from bot.knowledge import store
from bot.knowledge.answers import answer_body, answer_payload
from bot.knowledge.files import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
SHARED_TOPICS = ROOT.parent / "shared" / "topics.yml"
OFFICIAL = ("lausd.org", "lausd.net", "cde.ca.gov", "universityofcalifornia.edu", "calstate.edu", "ca.gov")


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge(ROOT / "knowledge")


def test_files_are_valid(knowledge):
    assert [str(p) for p in knowledge.problems] == []


def test_topic_contract_matches_shared_topics():
    if not SHARED_TOPICS.is_file():
        pytest.skip("../shared/topics.yml is not beside this checkout")
    ours = yaml.safe_load((ROOT / "knowledge" / "topics.yml").read_text(encoding="utf-8"))["topics"]
    assert list(ours) == list(yaml.safe_load(SHARED_TOPICS.read_text(encoding="utf-8"))["topics"])


def test_every_topic_has_question_sized_entries(knowledge, topic_ids):
    for topic_id in topic_ids:
        topic = knowledge.topics.get(topic_id)
        assert topic is not None, f"no knowledge for {topic_id}"
        assert len(topic.entries) >= 3, topic_id
        assert topic.entries[0].id == f"{topic_id}.overview"


def test_every_topic_cites_an_official_source(knowledge):
    for topic in knowledge.topics.values():
        assert any(any(o in url for o in OFFICIAL) for e in topic.entries for url in e.sources), topic.id


def test_yearly_facts_are_flagged(knowledge):
    """Entries that quote a deadline or a point value say that it changes yearly."""
    import re

    deadline = re.compile(r"\b(Nov(ember)?|Feb(ruary)?|Apr(il)?|nov(iembre)?|feb(rero)?|abr(il)?)\.? \d{1,2}, 20\d\d")
    for entry in knowledge.entries:
        if deadline.search(entry.answer["en"]) or deadline.search(entry.answer["es"]):
            assert entry.changes_yearly, entry.id


def test_store_round_trip(knowledge, tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    counts = store.build(knowledge, url)
    assert counts == {
        "topics": len(knowledge.topics),
        "entries": len(knowledge.entries),
        "schools": len(knowledge.schools),
    }
    loaded = store.load(url)
    assert {e.id: e for e in loaded.entries} == {e.id: e for e in knowledge.entries}
    assert loaded.schools.keys() == knowledge.schools.keys()
    # building again is idempotent
    store.build(knowledge, url)
    assert len(store.load(url).entries) == len(knowledge.entries)


def test_answer_and_payload(knowledge):
    entry = knowledge.topics["magnet_points"].entries[0]
    for lang in ("en", "es"):
        body = answer_body(entry, lang)
        assert body.startswith(entry.answer[lang])
        assert answer_payload(entry, lang) == {
            "answer": {"topic": "magnet_points", "lang": lang, "sources": list(entry.sources), "as_of": entry.as_of}
        }


def test_no_entry_rests_only_on_a_stale_third_party_page(knowledge):
    from bot.knowledge.grounding import grounding

    assert [e.id for e in grounding(knowledge).stale_third_party_entries] == []


def test_every_entry_on_weak_sources_tells_the_family_whom_to_confirm_with(knowledge):
    from bot.knowledge.grounding import grounding

    assert [e.id for e in grounding(knowledge).weak_entries if not e.confirm] == []


def test_contacts_are_sourced_officially_and_used(knowledge):
    import re

    from bot.knowledge.sources import kind_of

    raw = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "knowledge" / "topics").glob("*.yml"))
    used = set(re.findall(r"\{(?:contact|phone):([a-z0-9_]+)\}", raw))
    assert used <= set(knowledge.contacts)
    for contact in knowledge.contacts.values():
        assert contact.id in used, f"{contact.id} is never used"
        assert kind_of(contact.sources[0], knowledge.sources) in ("official", "school"), contact.id


def test_answers_show_the_best_source_first(knowledge):
    from bot.knowledge.sources import KINDS, kind_of

    for entry in knowledge.entries:
        kinds = [KINDS.index(kind_of(url, knowledge.sources)) for url in entry.sources]
        assert kinds == sorted(kinds), entry.id


# What the unit tests checked on the real content before they moved to tests/fixtures/kb.


@pytest.mark.parametrize(
    "topic,question,entry",
    [
        ("magnet_points", "how many points does a sibling give?", "magnet_points.sibling_points"),
        ("magnet_points", "cuantos puntos da el hermano", "magnet_points.sibling_points"),
        ("magnet_points", "se pierden los puntos si rechazo la oferta", "magnet_points.losing_points"),
        ("charter_schools", "¿el charter cuesta?", "charter_schools.cost"),
        ("elop", "is it free", "elop.cost"),
    ],
)
def test_real_entries_answer_their_sub_questions(kb, topic, question, entry):
    assert kb.entry_for(topic, question).id == entry


def test_real_search_finds_topics_in_both_languages(kb):
    assert kb.search("reclasificacion ELPAC", limit=1)[0].entry.topic == "english_learners"
    assert kb.search("how many years of math for UC", limit=3)[0].entry.topic == "a_g_requirements"


def test_real_catalog_and_contacts(knowledge):
    community = [s for s in knowledge.schools.values() if "community_school" in s.types]
    assert len(community) >= 30
    heet_high = {s.id for s in knowledge.schools.values() if "heet" in s.types and s.level == "high"}
    assert heet_high == {"crenshaw_hs", "dorsey_hs", "washington_prep_hs"}
    assert "(213) 241-4177" in answer_body(knowledge.topics["contact_help"].entries[0], "es")


@pytest.mark.parametrize(
    "text,topic,entity,school,response",
    [
        ("Is Aldama Elementary a community school?", "community_schools", None, "aldama_es", "utter_school_is_program"),
        ("¿Monroe High es escuela comunitaria?", "community_schools", None, "monroe_hs", "utter_school_is_program"),
        ("is jefferson high a community school", "community_schools", None, "jefferson_hs", "utter_school_is_program"),
        (
            "does Hillcrest Drive have a magnet?",
            "magnet_programs",
            "magnet",
            "hillcrest_drive_es",
            "utter_school_not_listed",
        ),
    ],
)
def test_the_issue_school_questions_are_answered_about_the_school(kb, text, topic, entity, school, response):
    from bot.knowledge.school_answer import school_reply

    reply = school_reply(kb.catalog, text, topic, entity, "en")
    assert (reply.school.id, reply.response) == (school, response)


def test_no_knowledge_phrasing_is_mistaken_for_a_school_name(kb, knowledge):
    named = [
        (q, kb.catalog.named_in(q).name)
        for e in knowledge.entries
        if e.topic not in ("heet", "community_schools")
        for lang in ("en", "es")
        for q in e.questions[lang]
        if kb.catalog.named_in(q)
    ]
    assert named == []
