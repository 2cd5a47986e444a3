"""The reminder texts a family reads (from bot/channels/sms/texts.yml), each kept to one SMS budget."""

from __future__ import annotations

from collections.abc import Sequence

from bot.channels.sms.outbound import SMS_AIM
from bot.channels.sms.texts import say
from bot.reminders.deadlines import Deadline

PROGRAM = "Camino deadline reminders"  # the program's name, as the confirmation and HELP give it


def when(deadline: Deadline, lang: str) -> str:
    text = deadline.when(lang)
    return say("month_only", lang, month=text) if deadline.month_only else text


def _listed(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {say('date_list_and', lang)} {items[-1]}"


def date_lists(deadlines: Sequence[Deadline], lang: str) -> list[str]:
    """The chosen dates in ever fewer words: full names, short names, the dates alone, the first and a count."""
    full = [f"{say(f'deadline_{d.kind}', lang)} ({d.when(lang)})" for d in deadlines]
    short = [f"{say(f'short_{d.kind}', lang)} {d.when(lang)}" for d in deadlines]
    bare = [d.when(lang) for d in deadlines]
    more = "+" + str(len(deadlines) - 1)
    return [_listed(full, lang), _listed(short, lang), _listed(bare, lang), f"{bare[0]} {more}" if bare else ""]


def _fitting(key: str, deadlines: Sequence[Deadline], lang: str, **values: object) -> str:
    text = ""
    for dates in date_lists(deadlines, lang):
        text = say(key, lang, dates=dates, **values)
        if len(text) <= SMS_AIM:
            return text
    return text


def confirmation(deadlines: Sequence[Deadline], lang: str) -> str:
    return _fitting("reminders_confirm", deadlines, lang, count=len(deadlines))


def help_text(deadlines: Sequence[Deadline], lang: str) -> str:
    return _fitting("reminders_help", deadlines, lang)


def reminder(deadline: Deadline, lang: str) -> str:
    """One reminder: what, when, the source link and how to stop (at most SMS_AIM characters)."""
    for label_key in (f"deadline_{deadline.kind}", f"short_{deadline.kind}"):
        text = say("reminder", lang, label=say(label_key, lang), when=when(deadline, lang), url=deadline.source)
        if len(text) <= SMS_AIM:
            break
    return text
