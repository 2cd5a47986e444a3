"""Grounding rules on small knowledge bases written per test: phone numbers only from the contacts
registry, every figure declared with its source and the same in both languages, best source first,
review dates and past cycles said to the family."""

import datetime as dt

import pytest
import yaml

from bot.knowledge.answers import answer_body, answer_notes
from bot.knowledge.figures import figures
from bot.knowledge.files import load_knowledge
from bot.knowledge.grounding import grounding, stale_entries

OFFICIAL = "https://choices.lausd.net/Home/faq?p=1"
NEWS = "https://laist.com/news/education/choices-2026"
BLOG = "https://corebaby.org/magnet-selection-priority-point-system/"

CONTACTS = {
    "contacts": [
        {
            "id": "sis",
            "name": {"en": "Student Integration Services", "es": "Student Integration Services"},
            "phone": "(213) 241-4177",
            "handles": {"en": "Choices", "es": "Choices"},
            "sources": [OFFICIAL],
            "checked": "2026-27",
        }
    ]
}
CYCLES = {
    "cycles": [
        {"id": "2026-27", "on_time_deadline": dt.date(2025, 11, 14), "ends": dt.date(2026, 4, 30), "sources": [NEWS]}
    ]
}
SOURCES = {"sources": {OFFICIAL: {"year": 2025}, NEWS: {"year": 2025}, BLOG: {"year": 2017}}}


def entry(**overrides):
    base = {
        "id": "magnet_points.overview",
        "questions": {"en": ["What are magnet points?"], "es": ["¿Qué son los puntos?"]},
        "answer": {
            "en": "A sibling gives 3 points. Call {contact:sis}.",
            "es": "Un hermano da 3 puntos. Llame a Student Integration Services al {phone:sis}.",
        },
        "sources": [BLOG, NEWS, OFFICIAL],
        "facts": {"3": OFFICIAL},
        "as_of": "2026-27",
        "changes_yearly": True,
        "review_by": dt.date(2027, 8, 1),
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def write_kb(tmp_path, *entries, contacts=CONTACTS, cycles=CYCLES, sources=SOURCES):
    (tmp_path / "topics").mkdir()
    (tmp_path / "catalog").mkdir()
    (tmp_path / "topics.yml").write_text(yaml.safe_dump({"topics": {"magnet_points": "points"}}))
    topic = {
        "topic": "magnet_points",
        "title": {"en": "Magnet points", "es": "Puntos de magnet"},
        "entries": list(entries) or [entry()],
    }
    (tmp_path / "topics" / "magnet_points.yml").write_text(yaml.safe_dump(topic, allow_unicode=True))
    for name, data in (("contacts", contacts), ("cycles", cycles), ("sources", sources)):
        if data is not None:
            (tmp_path / f"{name}.yml").write_text(yaml.safe_dump(data, allow_unicode=True))
    return load_knowledge(tmp_path)


def problems(knowledge):
    return [str(p) for p in knowledge.problems]


def test_a_grounded_entry_is_valid_and_rendered_from_the_registry(tmp_path):
    knowledge = write_kb(tmp_path)
    assert problems(knowledge) == []
    only = knowledge.entries[0]
    assert only.answer["en"] == "A sibling gives 3 points. Call Student Integration Services, (213) 241-4177."
    assert only.answer["es"].endswith("al (213) 241-4177.")


def test_best_source_comes_first(tmp_path):
    only = write_kb(tmp_path).entries[0]
    assert only.sources == (OFFICIAL, NEWS, BLOG)


def test_a_phone_number_written_in_a_topic_file_fails(tmp_path):
    bad = entry(
        answer={
            "en": "A sibling gives 3 points. Call (213) 241-6572.",
            "es": "Un hermano da 3 puntos. Llame al (213) 241-6572.",
        }
    )
    assert any("writes the phone number (213) 241-6572" in p for p in problems(write_kb(tmp_path, bad)))


def test_unknown_contact_fails(tmp_path):
    bad = entry(
        answer={
            "en": "A sibling gives 3 points. Call {contact:nobody}.",
            "es": "Un hermano da 3 puntos. Llame a {contact:nobody}.",
        }
    )
    assert any("unknown contact 'nobody'" in p for p in problems(write_kb(tmp_path, bad)))


def test_undeclared_figure_fails_and_names_the_key_to_declare(tmp_path):
    bad = entry(facts={})
    assert any("undeclared figure '3'" in p for p in problems(write_kb(tmp_path, bad)))


def test_languages_that_disagree_on_a_figure_fail(tmp_path):
    bad = entry(answer={"en": "A sibling gives 3 points.", "es": "Un hermano da 4 puntos."}, facts={"3": OFFICIAL})
    found = problems(write_kb(tmp_path, bad))
    assert any("figure '3' is only in the English text" in p for p in found)
    assert any("figure '4' is only in the Spanish text" in p for p in found)


def test_a_fact_must_cite_one_of_the_entry_sources(tmp_path):
    bad = entry(facts={"3": "https://example.org/elsewhere"})
    assert any("not one of the entry's sources" in p for p in problems(write_kb(tmp_path, bad)))


def test_a_declared_fact_no_text_states_is_reported(tmp_path):
    bad = entry(facts={"3": OFFICIAL, "12": OFFICIAL})
    assert any("fact '12' is declared but no text states it" in p for p in problems(write_kb(tmp_path, bad)))


def test_yearly_entries_need_a_review_date(tmp_path):
    bad = entry(review_by=None)
    assert any("needs 'review_by'" in p for p in problems(write_kb(tmp_path, bad)))


def test_an_entry_on_weak_sources_alone_needs_confirm_with(tmp_path):
    weak = entry(sources=[BLOG], facts={"3": BLOG})
    assert any("rests only on third-party or pre-2020 sources" in p for p in problems(write_kb(tmp_path, weak)))


def test_confirm_with_tells_the_family_whom_to_ask(tmp_path):
    weak = entry(sources=[BLOG], facts={"3": BLOG}, confirm_with="sis")
    knowledge = write_kb(tmp_path, weak)
    assert problems(knowledge) == []
    body = answer_body(knowledge.entries[0], "es", today=dt.date(2026, 12, 2))
    assert "confírmela con Student Integration Services, (213) 241-4177" in body
    report = grounding(knowledge)
    assert [e.id for e in report.weak_entries] == ["magnet_points.overview"]
    assert [e.id for e in report.stale_third_party_entries] == ["magnet_points.overview"]


def test_sources_used_must_be_in_the_registry(tmp_path):
    other = entry(sources=[OFFICIAL, "https://www.lausd.org/Page/1951"])
    assert any(
        "https://www.lausd.org/Page/1951: source is used but not in the registry" in p
        for p in problems(write_kb(tmp_path, other))
    )


def test_past_cycle_dates_are_never_given_as_current(tmp_path):
    dated = entry(
        answer={"en": "The deadline was Nov 14, 2025.", "es": "La fecha límite fue el 14 de noviembre de 2025."},
        facts={"Nov 14, 2025": NEWS},
        cycle="2026-27",
    )
    knowledge = write_kb(tmp_path, dated)
    assert problems(knowledge) == []
    only = knowledge.entries[0]
    assert answer_notes(only, "en", dt.date(2026, 3, 1)) == []
    after = answer_body(only, "en", today=dt.date(2026, 12, 2))
    assert "were for the 2026-27 school year's application, which is over" in after
    assert "ya terminó" in answer_body(only, "es", today=dt.date(2026, 12, 2))
    assert [e.id for e in stale_entries(knowledge, dt.date(2026, 12, 2))] == ["magnet_points.overview"]
    assert stale_entries(knowledge, dt.date(2026, 3, 1)) == []


def test_unknown_cycle_fails(tmp_path):
    assert any("unknown cycle '2031-32'" in p for p in problems(write_kb(tmp_path, entry(cycle="2031-32"))))


def test_past_review_date_says_when_it_was_last_checked(tmp_path):
    only = write_kb(tmp_path, entry(review_by=dt.date(2026, 1, 1))).entries[0]
    assert "Last checked for the 2026-27 school year" in answer_body(only, "en", today=dt.date(2026, 12, 2))
    assert "Revisado por última vez para el ciclo escolar 2026-27" in answer_body(
        only, "es", today=dt.date(2026, 12, 2)
    )
    assert "Last checked" not in answer_body(only, "en", today=dt.date(2025, 12, 2))


def test_stale_command_lists_entries_past_review(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    write_kb(tmp_path, entry(review_by=dt.date(2026, 1, 1)))
    monkeypatch.setenv("CAMINO_KNOWLEDGE_DIR", str(tmp_path))
    assert main(["kb", "stale", "--on", "2026-12-02"]) == 0
    out = capsys.readouterr().out
    assert "magnet_points.overview" in out and "1 entry to review on 2026-12-02" in out
    main(["kb", "stale", "--on", "2025-12-02"])
    assert "0 entries to review" in capsys.readouterr().out


def test_contacts_registry_rejects_a_malformed_or_repeated_number(tmp_path):
    contacts = {
        "contacts": [
            dict(CONTACTS["contacts"][0]),
            dict(CONTACTS["contacts"][0], id="sis2"),
            dict(CONTACTS["contacts"][0], id="bad", phone="241-4177"),
        ]
    }
    found = problems(write_kb(tmp_path, contacts=contacts))
    assert any("sis2: same phone as sis" in p for p in found)
    assert any("bad: 'phone' must look like (213) 241-4177" in p for p in found)


@pytest.mark.parametrize(
    "lang,text,expected",
    [
        (
            "en",
            "Apply Oct 1 – Nov 14, 2025; late from Feb. 2, 2026; results in March.",
            {"Oct 1", "Nov 14, 2025", "Feb 2, 2026", "Mar"},
        ),
        (
            "es",
            "Solicite del 1 de oct. al 14 de noviembre de 2025; tardías desde el 2 de febrero de 2026; "
            "resultados en marzo.",
            {"Oct 1", "Nov 14, 2025", "Feb 2, 2026", "Mar"},
        ),
        (
            "en",
            "The top 9% of students; $2,750 per student; grades 2-12; three choices; 8th grade; GPA 3.0; 2025-26",
            {"9%", "$2750", "2", "12", "3", "8", "3.0", "2025-26"},
        ),
        (
            "es",
            "El 9 % de los alumnos; $2,750 por alumno; grados de 2 a 12; tres opciones; 8.º grado; promedio 3,0; "
            "2025-26",
            {"9%", "$2750", "2", "12", "3", "8", "3.0", "2025-26"},
        ),
        ("en", "LAUSD added $26 million in 2023; 2,303 applications", {"$26 million", "2023", "2303"}),
        ("es", "LAUSD añadió 26 millones de dólares en 2023; 2.303 solicitudes", {"$26 million", "2023", "2303"}),
        ("en", "Msg & data rates may apply. Once selected, both parents sign.", set()),
        ("es", "Las dos escuelas; una vez seleccionado.", set()),
        ("en", "See lausd.org/schoolbus or https://x.org/2019/11 or call (213) 241-4177 or {phone:sis}.", set()),
    ],
)
def test_figures_are_normalized_the_same_in_both_languages(lang, text, expected):
    assert figures(text, lang) == expected


def test_coverage_file_is_checked_and_counted(tmp_path):
    from bot.knowledge.coverage import by_topic

    write_kb(tmp_path)
    (tmp_path / "coverage.yml").write_text(
        yaml.safe_dump(
            {
                "pages": [
                    {
                        "url": OFFICIAL,
                        "topic": "magnet_points",
                        "questions": [
                            {"q": "What are magnet points?", "entry": "magnet_points.overview"},
                            {"q": "Can I fax it?", "not_covered": "not in the knowledge base yet"},
                            {"q": "What is a lottery?", "entry": "magnet_points.nothing"},
                            {"q": "Both?", "entry": "magnet_points.overview", "not_covered": "x"},
                        ],
                    }
                ]
            }
        )
    )
    knowledge = load_knowledge(tmp_path)
    found = problems(knowledge)
    assert any("unknown entry 'magnet_points.nothing'" in p for p in found)
    assert any("'Both?': give either 'entry' or 'not_covered: reason'" in p for p in found)
    assert by_topic(knowledge.coverage) == {"magnet_points": (1, 1, 1)}
