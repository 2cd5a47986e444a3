"""Personal data is replaced by placeholders before anything else sees the text."""

import pytest

from bot.privacy import found_kinds, redact

PII = [
    ("call me at (213) 555-0142 please", "(213) 555-0142"),
    ("mi numero es 213-555-0142", "213-555-0142"),
    ("text 213.555.0142", "213.555.0142"),
    ("+1 310 555 0199 is my cell", "310 555 0199"),
    ("my number 3105550199", "3105550199"),
    ("write to maria.lopez+school@gmail.com", "maria.lopez+school@gmail.com"),
    ("correo: papa_de_ana@yahoo.com.mx", "papa_de_ana@yahoo.com.mx"),
    ("his student id is 1234567890", "1234567890"),
    ("el número de estudiante de mi hija es 009876543", "009876543"),
    ("student ID: AB12345", "AB12345"),
    ("we live at 1234 W Olympic Blvd, Apt 5", "1234 W Olympic Blvd"),
    ("I live at 4321 South Vermont Avenue", "4321 South Vermont Avenue"),
    ("vivimos en la calle Olympic 1234", "Olympic 1234"),
    ("Avenida Central #456 en Los Ángeles", "Central #456"),
    ("SSN 123-45-6789", "123-45-6789"),
    ("call me at 555-0142 about magnets", "555-0142"),
    ("mi celular en México es +52 55 1234 5678", "1234 5678"),
    ("vivo en 456 calle Olympic", "456 calle Olympic"),
    ("dirección: 1234 Calle Cesar Chavez", "1234 Calle Cesar Chavez"),
    ("his LAUSD ID is #A1234567", "A1234567"),
]

KEEP = [
    "how many points does a sibling give?",
    "¿cuándo cierra la solicitud? el 14 de noviembre de 2025",
    "what can my 5th grader apply to in 90011",
    "grades 6-8 and 9-12 in 2025-26",
    "the top 9% and $2,750 per student",
    "que es gate",
    "3.0 GPA and 15 courses",
    "school starts at 8:00-2:30 and costs $150.00",
    "the 2025-2026 cycle, grades 6-8, 90011-1234",
    "calle 5 is near the school",
    "what is +1 point for a sibling",
]


@pytest.mark.parametrize("text,secret", PII)
def test_personal_data_is_replaced(text, secret):
    out = redact(text)
    assert secret not in out
    assert "[" in out and "]" in out


@pytest.mark.parametrize("text", KEEP)
def test_questions_without_personal_data_are_unchanged(text):
    assert redact(text) == text


def test_redaction_is_idempotent_and_handles_empty():
    once = redact("call (213) 555-0142 or mail a@b.org")
    assert redact(once) == once == "call [phone] or mail [email]"
    assert redact("") == "" and redact(None) is None


def test_found_kinds_names_kinds_not_values():
    assert found_kinds("a@b.org and (213) 555-0142") == ["email", "phone"]
    assert found_kinds("nothing here") == []


# Log lines: technical numbers stay readable, personal data in the same lines is still redacted.
LOG_KEEP = [
    "[2026-12-02 05:57:12 +0000] [1234567] [INFO] Starting worker [1234567]",
    "rasa-1 (pid 4194301) stopped; process id: 123456",
    "listening on 127.0.0.1:45678, port=45678",
    "timestamp 1733112345 and 1733112345.123456",
    "read 1048576 bytes in 2500000 us",
    "thread 140234567890 done",
]


@pytest.mark.parametrize("line", LOG_KEEP)
def test_log_lines_keep_pids_ports_and_times(line):
    from bot.privacy import redact_log

    assert redact_log(line) == line


@pytest.mark.parametrize("text,secret", PII)
def test_log_lines_still_redact_personal_data(text, secret):
    from bot.privacy import redact_log

    assert secret not in redact_log(f"[2026-12-02 05:57:12] [123456] turn failed: {text}")


def test_an_id_in_a_log_line_is_redacted_unless_it_names_itself_technical():
    from bot.privacy import redact_log

    assert (
        redact_log("pid 123456 got 7654321 for sender 9876543") == "pid 123456 got [student id] for sender [student id]"
    )
    assert redact_log("student id 12345678 from worker 234567") == "[student id] from worker 234567"
    # digits from the private-use range the shield uses cannot smuggle an id through
    assert "7654321" not in redact_log("id " + "7654321".translate({ord(c): 0xE000 + int(c) for c in "0123456789"}))


def test_message_text_redacts_bare_ids_whatever_the_words_around_them():
    assert redact("my pid is 1234567") == "my pid is [student id]"
    assert redact("his number 12345678") == "his number [student id]"
    # a run longer than an id is not half-redacted (a 13-digit millisecond time stamp)
    assert redact("at 1733112345123") == "at 1733112345123"
