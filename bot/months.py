"""Month names in both languages: the one table dates are written (tools) and read (declared facts) with."""

from __future__ import annotations

MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
}
# Other spellings a text may use for the same month (abbreviations are read with or without their period).
OTHER_FORMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("Jan",),
        ("Feb",),
        ("Mar",),
        ("Apr",),
        (),
        ("Jun",),
        ("Jul",),
        ("Aug",),
        ("Sept", "Sep"),
        ("Oct",),
        ("Nov",),
        ("Dec",),
    ),
    "es": ((), (), (), (), (), (), (), (), ("setiembre",), (), (), ()),
}
ES_ABBREVIATIONS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep|sept", "oct", "nov", "dic")


def forms(lang: str) -> list[str]:
    """Per month, "|"-joined alternatives: ["January|Jan", …] (the full name first)."""
    return ["|".join((name, *other)) for name, other in zip(MONTHS[lang], OTHER_FORMS[lang], strict=True)]
