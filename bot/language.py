"""Which language to answer in: English or Spanish, decided per message but sticky per conversation.

Raw langdetect is unreliable on the short messages parents send ("hola" comes back as Welsh), so:
- an explicit request ("en español", "English please") always wins;
- on a conversation's first turn, the widget's browser language (message metadata) decides;
- otherwise a message changes the language only when it is clearly the other one: function words
  carry the most weight (they set the grammar of mixed messages like "mi hijo necesita tutoring"),
  then Spanish-only spelling (ñ, ¿, -ción), and only for longer messages langdetect, restricted to
  the two languages we serve and seeded so the same text always gets the same answer;
- anything short or ambiguous ("ok", "GATE", "7", "no") keeps the conversation's language.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("en", "es")  # every text the bot sends exists in each of these
DEFAULT = "en"

# Words that mark a language. Weight 2: grammar words; a message's grammar decides its language.
# Weight 1: content words that are still rarely borrowed into the other language.
_ES_WORDS = {
    2: """que como cuando donde cual cuales cuanto cuanta cuantos cuantas quien quienes porque
    el los las de en un una unos unas del al mi mis su sus tu tus nuestro nuestra nuestros usted ustedes
    yo ella ellos nosotros le les lo se esta estan este estos estas ese esa eso hay es son fue
    tiene tienen tengo tenemos puede pueden puedo podemos quiero quiere queremos necesito necesita
    necesitamos para por pero tambien muy mas entre sobre hasta desde sin con y o ni ya hace
    hacer ser estar va van voy vamos donde aqui alli si pues cuando entonces todavia aun
    soy estoy estamos seria tendria debo debe deben hola buenos buenas dias tardes noches gracias
    adios favor ayuda ayudar ayudeme ayudame dime digame quisiera saber buen dia claro vale perfecto
    excelente entendido entiendo listo bueno disculpe perdon oiga oye otra otro vez algo nada bien
    gracias muchas ola grasias nesesito ocupo mande orale sale pues tambien igual todo ahorita xq nos
    deja leer""",
    1: """escuela escuelas hijo hija hijos hijas nino nina ninos ninas nene nena grado grados
    secundaria primaria preparatoria kinder maestro maestra maestros padres papa mama familia
    solicitud aplicacion aplicar inscribir inscripcion fecha fechas plazo cierra abre
    puntos hermano hermana hermanos lista espera gratis costo cuesta cobran programa programas
    clases tarea tareas despues verano ingles espanol idioma bilingue dotado dotados
    requisitos graduacion universidad transporte autobus camion oficina telefono numero llamar
    informacion pregunta preguntas cita mañana semana año anos la pagina enlace sirve manda
    recomienda explica cobran avisan mudamos llega salen mejor quiero cambialo significa resuelve""",
}
_EN_WORDS = {
    2: """the what how when where which who whom whose why is are was were be been being do does
    did can could would should will shall may might must my your his her their our its it this
    that these those there here of to for from with about into than then and or but if so
    in on at an
    not dont doesnt cant wont im ive id youre were theyre whats hows wheres whens isnt arent
    i you he she we they him us them have has had get got need needs want wants know tell
    please hello hi hey thanks thank goodbye bye morning afternoon evening any some
    much many more most just also only very still yet yes yeah yep yup nope sure maybe thx ty tysm
    pls plz helo hii hiya cool awesome nice great okay sounds good makes sense never mind lol
    wrong right quick anyway actually really near start over back options priority""",
    1: """school schools kid kids son daughter child children grade grades middle elementary
    high kindergarten teacher parent parents family apply application enroll enrollment
    deadline date dates open close closes points sibling brother sister waiting list waitlist
    free cost costs pay program programs class classes homework after summer english spanish
    language gifted requirements graduate graduation college university bus office phone
    number call information question questions appointment week year years help paper real person
    tutoring link page website""",
}


def _weights(table: dict[int, str]) -> dict[str, int]:
    return {word: weight for weight, words in table.items() for word in words.split()}


ES_WEIGHTS = _weights(_ES_WORDS)
EN_WEIGHTS = _weights(_EN_WORDS)

_PLEASE = r"(\s+(please|pls|plz|por\s*favor|porfa|porfavor))?\s*[.!?]*\s*$"
_ASK_VERB_EN = r"(speak|talk|answer|write|reply|respond|text|switch|change|continue|say|send)"
# Second-person and imperative forms only: "mi hijo solo habla inglés" states a fact, "háblame en inglés" asks.
_ASK_VERB_ES = (
    r"(habl(a|e)me|habl(a|e)nos|hablar(me|nos)?|escrib(a|e|i)(me|nos)|escribir(me|nos)?|respond(a|e|e)me"
    r"|contest(a|e)me|responder(me)?|contestar(me)?|d(i|i)game(lo)?|dime(lo)?|dices|dice|dira|digas"
    r"|explica(me|melo)|explique(me|melo)|explicar(me|melo)?|cambi(a|e|alo|elo|ar|amos)|pas(a|e)(lo|le|melo)"
    r"|pasar(lo)?|segui(r|mos)|sig(a|ue|amos)|mand(a|e)(me|lo)|mandar(me|lo)?|puede(s)?|podria(s)?|quiero|prefiero)"
)
_SWITCH_TO = {
    "es": re.compile(
        rf"^\s*(en\s+|in\s+)?(espanol|spanish){_PLEASE}"
        rf"|\b{_ASK_VERB_ES}\b.{{0,25}}\bespanol\b"
        rf"|\b(you|u|please|pls|can|could|would)\b.{{0,20}}\b{_ASK_VERB_EN}\b.{{0,20}}\b(spanish|espanol)\b"
        rf"|^\s*{_ASK_VERB_EN}\b.{{0,20}}\b(spanish|espanol)\b"
    ),
    "en": re.compile(
        rf"^\s*(mejor\s+)?(en\s+|in\s+)?(ingles|english){_PLEASE}|\b(lo|la|los|me)\s+quiero\s+en\s+ingles\b"
        rf"|\b{_ASK_VERB_ES}\b.{{0,25}}\b(ingles|english)\b"
        rf"|\b(you|u|please|pls|can|could|would)\b.{{0,20}}\b{_ASK_VERB_EN}\b.{{0,20}}\benglish\b"
        rf"|^\s*{_ASK_VERB_EN}\b.{{0,20}}\benglish\b"
    ),
}
# "I don't speak Spanish" asks for English: checked first, because it also names the other language.
_CANNOT_READ = {
    "es": re.compile(
        r"\bno\s+(hablo|entiendo|se|leo)\s+(el\s+|bien\s+(el\s+)?)?(ingles|english)\b"
        r"|\b(don'?t|do\s+not|cant|can'?t)\s+(speak|read|understand)\s+english\b"
        r"|\bmy\s+english\s+is\s+(not|bad|poor)"
    ),
    "en": re.compile(
        r"\bno\s+(hablo|entiendo|leo)\s+(el\s+|bien\s+(el\s+)?)?espanol\b"
        r"|\b(don'?t|do\s+not|cant|can'?t)\s+(speak|read|understand)\s+spanish\b|\bno\s+spanish\b"
    ),
}

_SPANISH_SPELLING = re.compile(r"[ñ¿¡]|cion(es)?\b|[áéíóú]")
_WORD = re.compile(r"[a-zñ']+")

CLEAR_MARGIN = 2  # weighted-word lead needed to call a message "clearly" one language
LANGDETECT_MIN_CHARS = 25
LANGDETECT_MIN_PROB = 0.90
# Shorter messages with no known word at all: langdetect only when it is nearly certain.
LANGDETECT_SHORT_MIN_CHARS = 12
LANGDETECT_SHORT_MIN_PROB = 0.99


def fold(text: str) -> str:
    """Lower-case and strip accents (but keep ñ), so "cuándo" and "cuando" match."""
    text = text.lower().replace("ñ", "\0")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.replace("\0", "ñ")


DOTTED_ACRONYM = r"[^\W\d_](?:\.[^\W\d_])+\.?"  # letters joined by dots: "G.A.T.E.", "I.E.P", "U.S."
_DOTTED_ACRONYM = re.compile(DOTTED_ACRONYM)


def undot(word: str) -> str:
    """An acronym typed with dots as the acronym ("G.A.T.E." -> "GATE", "I.E.P" -> "IEP"); other words unchanged.

    Forms and school letters spell them both ways; the classifier, the vocabulary and the search know them
    without dots."""
    return word.replace(".", "") if _DOTTED_ACRONYM.fullmatch(word) else word


def undot_text(text: str) -> str:
    """`text` with every dotted acronym written without its dots (undot)."""
    return _DOTTED_ACRONYM.sub(lambda m: undot(m.group(0)), text)


def explicit_request(text: str) -> str | None:
    """The language a message explicitly asks for ("en español", "English please"), if any."""
    folded = fold(text).replace("ñ", "n")
    for lang, pattern in _CANNOT_READ.items():
        if pattern.search(folded):
            return lang
    wants_es = bool(_SWITCH_TO["es"].search(folded))
    wants_en = bool(_SWITCH_TO["en"].search(folded))
    if wants_es != wants_en:
        return "es" if wants_es else "en"
    return None


def _word_scores(text: str) -> tuple[float, float]:
    words = _WORD.findall(fold(text).replace("'", ""))
    es = sum(ES_WEIGHTS.get(w, 0) for w in words)
    en = sum(EN_WEIGHTS.get(w, 0) for w in words)
    if _SPANISH_SPELLING.search(text.lower()):
        es += 2
    return es, en


@lru_cache(maxsize=1)
def _detector_factory():
    """A langdetect factory that knows only our two languages, seeded for repeatable answers."""
    import langdetect
    from langdetect.detector_factory import DetectorFactory
    from langdetect.utils.lang_profile import LangProfile

    factory = DetectorFactory()
    factory.seed = 0
    profiles = Path(langdetect.__file__).parent / "profiles"
    for index, code in enumerate(LANGUAGES):
        data = json.loads((profiles / code).read_text(encoding="utf-8"))
        factory.add_profile(LangProfile(**data), index, len(LANGUAGES))
    return factory


def _langdetect(text: str, min_prob: float = LANGDETECT_MIN_PROB) -> str | None:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _detector_factory().create()
    detector.append(text)
    try:
        best = max(detector.get_probabilities(), key=lambda lang: lang.prob)
    except (LangDetectException, ValueError):
        return None
    return best.lang if best.prob >= min_prob else None


def clear_language(text: str) -> str | None:
    """The language a message is clearly written in, or None when it is short or ambiguous."""
    if not text or not text.strip():
        return None
    es, en = _word_scores(text)
    if es - en >= CLEAR_MARGIN:
        return "es"
    if en - es >= CLEAR_MARGIN:
        return "en"
    length = len(text.strip())
    if length >= LANGDETECT_MIN_CHARS and abs(es - en) <= 1:
        return _langdetect(text)
    if length >= LANGDETECT_SHORT_MIN_CHARS and es == en == 0:
        return _langdetect(text, LANGDETECT_SHORT_MIN_PROB)
    return None


def normalize_code(value: object) -> str | None:
    """'es-MX', 'ES', 'spanish' -> 'es'; anything we don't serve -> None."""
    if not isinstance(value, str):
        return None
    code = value.strip().lower().replace("_", "-")
    aliases = {"spanish": "es", "espanol": "es", "español": "es", "english": "en", "ingles": "en", "inglés": "en"}
    code = aliases.get(code, code.split("-")[0])
    return code if code in LANGUAGES else None


@dataclass(frozen=True)
class Decision:
    lang: str
    reason: str  # explicit | metadata | detected | kept | default


BUTTON_PAYLOAD = re.compile(r"^\s*/\w+(\{.*\})?\s*$", re.DOTALL)


def decide(text: str, current: str | None = None, metadata_lang: object = None, first_turn: bool = False) -> Decision:
    """The language to answer this message in. A tapped button (a `/intent{...}` payload) is not text the
    family wrote: it keeps the conversation's language."""
    current = normalize_code(current)
    from_metadata = normalize_code(metadata_lang)
    if BUTTON_PAYLOAD.match(text or ""):
        # the widget's first payload follows the browser; later taps keep the conversation's language
        if first_turn and from_metadata:
            return Decision(from_metadata, "metadata")
        return Decision(current or from_metadata or DEFAULT, "button")
    requested = explicit_request(text or "")
    if requested:
        return Decision(requested, "explicit")
    if first_turn and from_metadata:
        return Decision(from_metadata, "metadata")
    detected = clear_language(text or "")
    if detected:
        return Decision(detected, "detected")
    if current:
        return Decision(current, "kept")
    if from_metadata:
        return Decision(from_metadata, "metadata")
    return Decision(DEFAULT, "default")


def language_change(
    text: str, current: object, metadata_lang: object = None, first_turn: bool = False, payload: bool = False
) -> Decision | None:
    """The decision when this message sets or changes the language, else None (the language is kept).

    The same decision as `decide`, minus "kept": what Rasa's `language` slot needs, since it keeps its value
    unless told otherwise. A button payload ("/intent…") never changes the language: only on a session's
    first turn does its browser language (metadata) set it.
    """
    if payload:
        from_metadata = normalize_code(metadata_lang)
        if first_turn and from_metadata:
            return Decision(from_metadata, "metadata")
        if normalize_code(current):
            return None
        return Decision(from_metadata, "metadata") if from_metadata else Decision(DEFAULT, "default")
    decision = decide(text, current=normalize_code(current), metadata_lang=metadata_lang, first_turn=first_turn)
    return None if decision.reason == "kept" else decision
