"""Every string the web pages, the staff API and `camino ask` show, in English and Spanish."""

from __future__ import annotations

from bot.language import LANGUAGES, normalize_code

PHONE = "(213) 241-6572"  # LAUSD Student Integration Services (knowledge/topics/contact_help.yml)

STRINGS: dict[str, dict[str, str]] = {
    # the widget page
    "page_title": {
        "en": "Camino: school choices for LA families",
        "es": "Camino: opciones escolares para familias de Los Ángeles",
    },
    "intro": {
        "en": "Ask about magnet programs, the Choices application, dual language, GATE, tutoring and more. "
        "Every answer shows its source and the school year it applies to.",
        "es": "Pregunte sobre programas magnet, la solicitud Choices, lenguaje dual, GATE, tutoría y más. "
        "Cada respuesta indica su fuente y el ciclo escolar al que corresponde.",
    },
    "privacy": {
        "en": "Please don't type phone numbers, student ids or addresses.",
        "es": "Por favor no escriba números de teléfono, números de estudiante ni direcciones.",
    },
    "other_language": {"en": "Español", "es": "English"},
    "chat_title": {"en": "Camino", "es": "Camino"},
    "chat_subtitle": {"en": "School choices in LAUSD", "es": "Opciones escolares en LAUSD"},
    "placeholder": {"en": "Type your question…", "es": "Escriba su pregunta…"},
    "connecting": {"en": "Connecting…", "es": "Conectando…"},
    "sources_for_year": {"en": "Sources ({as_of} school year):", "es": "Fuentes (ciclo escolar {as_of}):"},
    "chat_unavailable": {
        "en": f"The chat could not load. Please refresh the page, or call {PHONE}.",
        "es": f"El chat no se pudo cargar. Por favor recargue la página o llame al {PHONE}.",
    },
    "needs_javascript": {"en": "This chat needs JavaScript.", "es": "Este chat necesita JavaScript."},
    # the staff page
    "staff_title": {"en": "Camino: answer lookup for staff", "es": "Camino: consulta de respuestas para el personal"},
    "staff_intro": {
        "en": "Find the checked answer to a family's question, in English and Spanish, to read or send.",
        "es": "Busque la respuesta verificada a la pregunta de una familia, en inglés y en español, "
        "para leerla o enviarla.",
    },
    "token_label": {"en": "Staff access code", "es": "Código de acceso del personal"},
    "token_button": {"en": "Continue", "es": "Continuar"},
    "token_wrong": {
        "en": "That access code is not right. Please try again.",
        "es": "Ese código de acceso no es correcto. Inténtelo de nuevo.",
    },
    "sign_out": {"en": "Sign out", "es": "Salir"},
    "search_label": {"en": "The family's question", "es": "La pregunta de la familia"},
    "search_placeholder": {
        "en": "e.g. how do magnet points work?",
        "es": "p. ej., ¿cómo funcionan los puntos de magnet?",
    },
    "search_button": {"en": "Search", "es": "Buscar"},
    "searching": {"en": "Searching…", "es": "Buscando…"},
    "english": {"en": "English", "es": "Inglés"},
    "spanish": {"en": "Spanish", "es": "Español"},
    "school_year": {"en": "School year", "es": "Ciclo escolar"},
    "sources": {"en": "Sources", "es": "Fuentes"},
    "changes_yearly": {
        "en": "Changes every year: confirm this year's dates and figures at the source.",
        "es": "Cambia cada año: confirme las fechas y cifras de este año en la fuente.",
    },
    "copy": {"en": "Copy", "es": "Copiar"},
    "copied": {"en": "Copied", "es": "Copiado"},
    "copy_failed": {"en": "Could not copy: select the text instead.", "es": "No se pudo copiar: seleccione el texto."},
    "other_matches": {"en": "Other matches", "es": "Otras coincidencias"},
    # answers and errors (also in the staff API's JSON)
    "no_match": {
        "en": f"No checked answer matches that question. Try other words, or refer the family to "
        f"Student Integration Services, {PHONE}.",
        "es": f"Ninguna respuesta verificada coincide con esa pregunta. Pruebe con otras palabras o remita "
        f"a la familia a Student Integration Services, {PHONE}.",
    },
    "empty_question": {"en": "Please type a question.", "es": "Por favor escriba una pregunta."},
    "long_question": {
        "en": "Please keep the question under {max} characters.",
        "es": "Por favor escriba la pregunta en menos de {max} caracteres.",
    },
    "unreadable_question": {
        "en": "The question has characters that can't be read. Please type it again.",
        "es": "La pregunta tiene caracteres que no se pueden leer. Por favor escríbala de nuevo.",
    },
    "staff_off": {
        "en": "Staff lookup is turned off on this server (STAFF_TOKEN is not set).",
        "es": "La consulta para el personal está desactivada en este servidor (STAFF_TOKEN no está configurado).",
    },
    "token_required": {
        "en": "The staff access code is missing or not right.",
        "es": "Falta el código de acceso del personal o no es correcto.",
    },
    "not_found": {"en": "Page not found.", "es": "Página no encontrada."},
    "method_not_allowed": {
        "en": "This address does not accept that kind of request.",
        "es": "Esta dirección no acepta ese tipo de solicitud.",
    },
    "bad_request": {
        "en": "The request could not be read. Please try again.",
        "es": "No se pudo leer la solicitud. Por favor inténtelo de nuevo.",
    },
    "server_error": {
        "en": "Something went wrong on our side. Please try again in a moment.",
        "es": "Algo salió mal de nuestro lado. Por favor inténtelo de nuevo en un momento.",
    },
}


def text(key: str, lang: str = "en", **values: object) -> str:
    return STRINGS[key][lang].format(**values)


def both(key: str, **values: object) -> dict[str, str]:
    """A string in both languages, as the JSON APIs send it."""
    return {lang: text(key, lang, **values) for lang in LANGUAGES}


def page_language(requested: str | None = None, accept_language: str | None = None) -> str:
    """`?lang=` if it names one of ours, else the first of our languages in Accept-Language, else English."""
    chosen = normalize_code(requested)
    if chosen:
        return chosen
    for part in (accept_language or "").split(","):
        code = normalize_code(part.split(";")[0])
        if code:
            return code
    return "en"
