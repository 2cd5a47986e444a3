"""Every string the web pages, the staff API and `camino ask` show, in English and Spanish."""

from __future__ import annotations

from bot.language import LANGUAGES, normalize_code

PHONE = "(213) 241-4177"  # Student Integration Services, main line (knowledge/contacts.yml; tests check it)

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
    "send": {"en": "Send", "es": "Enviar"},
    "message_label": {"en": "Your question for Camino", "es": "Su pregunta para Camino"},
    "conversation": {"en": "Conversation with Camino", "es": "Conversación con Camino"},
    "sources_for_year": {"en": "Sources ({as_of} school year):", "es": "Fuentes (ciclo escolar {as_of}):"},
    "chat_unavailable": {
        "en": f"The chat could not load. Please refresh the page, or call {PHONE}.",
        "es": f"El chat no se pudo cargar. Por favor recargue la página o llame al {PHONE}.",
    },
    "needs_javascript": {"en": "This chat needs JavaScript.", "es": "Este chat necesita JavaScript."},
    # the deadline reminders page (bot/web/reminders.py)
    "reminders_link": {"en": "Get deadline reminders by text", "es": "Reciba recordatorios de fechas por texto"},
    "reminders_title": {"en": "Camino deadline reminders", "es": "Recordatorios de fechas de Camino"},
    "reminders_intro": {
        "en": "Get a text message before these LAUSD dates:",
        "es": "Reciba un mensaje de texto antes de estas fechas de LAUSD:",
    },
    "reminders_phone": {"en": "Mobile phone number (U.S.)", "es": "Número de celular (EE. UU.)"},
    "reminders_language": {"en": "Language of the texts", "es": "Idioma de los mensajes"},
    "reminders_consent": {
        "en": "Yes, send Camino deadline reminders by text message to this number: 1 text about a week "
        "before each date above, then they end. Msg & data rates may apply. Reply HELP for help, STOP to "
        "cancel at any time. Agreeing is not required to use Camino.",
        "es": "Sí, quiero recibir los recordatorios de fechas de Camino por mensaje de texto en este número: "
        "1 mensaje aprox. una semana antes de cada fecha de arriba; luego terminan. Pueden aplicarse tarifas "
        "de mensajes y datos. Responda AYUDA para ayuda o STOP para cancelar cuando quiera. No tiene que "
        "aceptar para usar Camino.",
    },
    "reminders_privacy": {
        "en": "We keep your number encrypted, only to send these texts, and delete it after the last date "
        "or as soon as you reply STOP.",
        "es": "Guardamos su número cifrado, solo para enviar estos mensajes, y lo borramos después de la "
        "última fecha o en cuanto responda STOP.",
    },
    "reminders_button": {"en": "Sign up for reminders", "es": "Inscribirme en los recordatorios"},
    "reminders_none": {
        "en": "There is no confirmed upcoming date to remind you of yet: LAUSD has not published the next "
        "dates. Please check choices.lausd.net. Nothing was saved.",
        "es": "Todavía no hay una fecha próxima confirmada para recordarle: LAUSD aún no ha publicado las "
        "próximas fechas. Consulte choices.lausd.net. No se guardó nada.",
    },
    "reminders_done": {
        "en": "Done. We sent a confirmation text to the number ending in {last4}. Reply STOP to it at any time.",
        "es": "Listo. Enviamos un mensaje de confirmación al número que termina en {last4}. Responda STOP "
        "cuando quiera.",
    },
    "reminders_already": {
        "en": "This number is already signed up for these dates. Reply STOP to any of our texts to cancel.",
        "es": "Este número ya está inscrito para estas fechas. Responda STOP a cualquiera de nuestros mensajes "
        "para cancelar.",
    },
    "reminders_need_consent": {
        "en": "Please check the box to agree to the text messages, or leave this page: nothing was saved.",
        "es": "Marque la casilla para aceptar los mensajes de texto, o salga de esta página: no se guardó nada.",
    },
    "reminders_bad_number": {
        "en": "That does not look like a U.S. mobile number. Please write all 10 digits, area code first.",
        "es": "Ese número no parece un celular de EE. UU. Escriba los 10 dígitos, empezando por el código de área.",
    },
    "reminders_opted_out": {
        "en": "This number asked Camino to stop texting it. To get reminders, text START and then REMIND "
        "to Camino. Nothing was saved.",
        "es": "Este número pidió a Camino no enviarle mensajes. Para recibir recordatorios, envíe COMENZAR y "
        "luego RECORDAR a Camino. No se guardó nada.",
    },
    "reminders_unavailable": {
        "en": "Text reminders are not available right now. Please try again later. Nothing was saved.",
        "es": "Los recordatorios por texto no están disponibles ahora. Intente más tarde. No se guardó nada.",
    },
    "reminders_send_failed": {
        "en": "We could not send the confirmation text. Please check the number and try again later. "
        "Nothing was saved.",
        "es": "No pudimos enviar el mensaje de confirmación. Revise el número e intente más tarde. No se guardó nada.",
    },
    "reminders_bad_origin": {
        "en": "This form can only be sent from Camino's own page.",
        "es": "Este formulario solo se puede enviar desde la página de Camino.",
    },
    "reminders_staff_heading": {"en": "Deadline reminders", "es": "Recordatorios de fechas"},
    "reminders_staff_families": {
        "en": "Families subscribed: {count}",
        "es": "Familias inscritas: {count}",
    },
    "reminders_staff_none": {
        "en": "No family is subscribed to reminders.",
        "es": "Ninguna familia está inscrita en los recordatorios.",
    },
    # the staff page
    "staff_title": {"en": "Camino: answer lookup for staff", "es": "Camino: consulta de respuestas para el personal"},
    "staff_intro": {
        "en": "Find the checked answer to a family's question, or work out their magnet points, A-G "
        "courses and options, in English and Spanish, to read or send.",
        "es": "Busque la respuesta verificada a la pregunta de una familia, o calcule sus puntos de "
        "magnet, cursos A-G y opciones, en inglés y en español, para leerlo o enviarlo.",
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
    # the staff page's tools
    "tools_heading": {"en": "Tools", "es": "Herramientas"},
    "tools_intro": {
        "en": "Work it out with the family on the phone: each result comes in English and Spanish.",
        "es": "Calcúlelo con la familia por teléfono: cada resultado sale en inglés y en español.",
    },
    "working": {"en": "Working…", "es": "Calculando…"},
    "tool_done": {
        "en": "The result is below, in English and Spanish.",
        "es": "El resultado está abajo, en inglés y en español.",
    },
    "tool_result": {"en": "Result", "es": "Resultado"},
    "choose": {"en": "Choose…", "es": "Elija…"},
    "points_title": {"en": "Magnet points estimate", "es": "Cálculo de puntos de magnet"},
    "points_years": {
        "en": "Years on a magnet waiting list (on-time applications, 0-20)",
        "es": "Años en una lista de espera de magnet (solicitudes a tiempo, 0-20)",
    },
    "points_matriculation": {
        "en": "Finishing the top grade of a magnet, applying to a magnet at the next level",
        "es": "Termina el último grado de una magnet y solicita una magnet del siguiente nivel",
    },
    "points_sibling": {
        "en": "A brother or sister attends that magnet and will stay",
        "es": "Un hermano o hermana asiste a esa magnet y seguirá ahí",
    },
    "points_resident": {"en": "Resident school", "es": "Escuela de residencia"},
    "resident_phbao": {
        "en": "PHBAO (Predominantly Hispanic, Black, Asian and Other non-Anglo)",
        "es": "PHBAO (predominantemente hispana, afroamericana, asiática y otras no anglo)",
    },
    "resident_overcrowded": {"en": "On the District's overcrowded list", "es": "En la lista de sobrecupo del Distrito"},
    "resident_none": {"en": "Neither", "es": "Ninguna de las dos"},
    "resident_unknown": {"en": "The family doesn't know", "es": "La familia no lo sabe"},
    "points_late": {"en": "The application is late", "es": "La solicitud es tardía"},
    "points_enrolled": {"en": "Already enrolled in a magnet", "es": "Ya está inscrito en una magnet"},
    "points_button": {"en": "Estimate points", "es": "Calcular puntos"},
    "ag_title": {"en": "A-G course check", "es": "Revisión de cursos A-G"},
    "ag_hint": {
        "en": "One row per year-long course: subject area, grade level (9-12; 7 or 8 only for math or a "
        "language) and letter grade; the course name is optional.",
        "es": "Una fila por cada clase de todo el año: área, grado (9-12; 7 u 8 solo en matemáticas o "
        "idiomas) y calificación; el nombre de la clase es opcional.",
    },
    "ag_rows": {"en": "The student's courses", "es": "Las clases del alumno"},
    "ag_row": {"en": "Row", "es": "Fila"},
    "ag_area": {"en": "Area", "es": "Área"},
    "ag_year": {"en": "Grade level", "es": "Grado"},
    "ag_grade": {"en": "Grade", "es": "Calificación"},
    "ag_course": {"en": "Course (optional)", "es": "Clase (opcional)"},
    "ag_cell": {"en": "Row {n}: {column}", "es": "Fila {n}: {column}"},
    "ag_add_row": {"en": "Add a row", "es": "Agregar una fila"},
    "ag_remove_row": {"en": "Remove row {n}", "es": "Quitar la fila {n}"},
    "ag_remove": {"en": "Remove", "es": "Quitar"},
    "ag_csv_label": {"en": "Or paste a CSV instead of the table", "es": "O pegue un CSV en lugar de la tabla"},
    "ag_csv_hint": {
        "en": "First line: area,year,grade,course (comma, semicolon or tab). When this box has text, "
        "the table is not used.",
        "es": "Primera línea: area,year,grade,course (coma, punto y coma o tabulador). Si este cuadro "
        "tiene texto, no se usa la tabla.",
    },
    "ag_button": {"en": "Check courses", "es": "Revisar cursos"},
    "area_a": {"en": "a) History", "es": "a) Historia"},
    "area_b": {"en": "b) English", "es": "b) Inglés"},
    "area_c": {"en": "c) Mathematics", "es": "c) Matemáticas"},
    "area_d": {"en": "d) Laboratory science", "es": "d) Ciencias de laboratorio"},
    "area_e": {"en": "e) Language other than English", "es": "e) Idioma distinto del inglés"},
    "area_f": {"en": "f) Visual and performing arts", "es": "f) Artes visuales y escénicas"},
    "area_g": {"en": "g) College-preparatory elective", "es": "g) Optativa de preparación universitaria"},
    "grade_pass": {"en": "P (Pass)", "es": "P (Aprobado)"},
    "options_title": {"en": "What the child can apply to", "es": "A qué puede solicitar el niño"},
    "options_grade": {"en": "Grade next school year", "es": "Grado el próximo ciclo escolar"},
    "grade_tk": {"en": "TK (transitional kindergarten)", "es": "TK (kínder de transición)"},
    "grade_k": {"en": "K (kindergarten)", "es": "K (kínder)"},
    "options_outside": {"en": "The family lives outside LAUSD", "es": "La familia vive fuera de LAUSD"},
    "options_el": {"en": "English learner", "es": "Aprendiz de inglés"},
    "options_iep": {"en": "Has an IEP", "es": "Tiene un IEP"},
    "options_gate": {"en": "Identified GATE (gifted)", "es": "Identificado GATE (dotado)"},
    "options_zip": {
        "en": "Home ZIP code (optional: nearby examples first)",
        "es": "Código postal del domicilio (opcional: primero los ejemplos cercanos)",
    },
    "options_button": {"en": "Find options", "es": "Buscar opciones"},
    "tool_flags": {"en": "To look at", "es": "Para revisar"},
    "opt_next": {"en": "Next date", "es": "Próxima fecha"},
    "opt_examples": {"en": "Examples", "es": "Ejemplos"},
    "opt_neighborhood": {"en": "Neighborhood school", "es": "Escuela de su zona"},
    "opt_notes": {"en": "Notes", "es": "Notas"},
    # the tools' errors (also in the staff API's JSON)
    "tool_not_json": {"en": "The request must be JSON.", "es": "La solicitud debe ser JSON."},
    "tool_not_an_object": {"en": "The request must be a JSON object.", "es": "La solicitud debe ser un objeto JSON."},
    "tool_unknown_field": {
        "en": 'Unknown field "{field}"; the fields are: {allowed}.',
        "es": 'Campo desconocido "{field}"; los campos son: {allowed}.',
    },
    "tool_not_yes_no": {"en": '"{field}" must be true or false.', "es": '"{field}" debe ser true o false.'},
    "tool_bad_choice": {"en": '"{field}" must be one of: {choices}.', "es": '"{field}" debe ser uno de: {choices}.'},
    "tool_not_text": {"en": '"{field}" must be text.', "es": '"{field}" debe ser texto.'},
    "tool_too_long": {
        "en": '"{field}" must be under {max} characters.',
        "es": '"{field}" debe tener menos de {max} caracteres.',
    },
    "tool_unreadable": {
        "en": '"{field}" has characters that can\'t be read.',
        "es": '"{field}" tiene caracteres que no se pueden leer.',
    },
    "tool_bad_years": {
        "en": "Waiting-list years must be a whole number from 0 to 20.",
        "es": "Los años en lista de espera deben ser un número entero del 0 al 20.",
    },
    "tool_no_courses": {
        "en": "Please fill in at least one course row, or paste a CSV.",
        "es": "Por favor llene al menos una fila de clase o pegue un CSV.",
    },
    "tool_too_many_courses": {
        "en": "Please check at most {max} courses at a time.",
        "es": "Por favor revise como máximo {max} clases a la vez.",
    },
    "tool_bad_course_row": {
        "en": "Row {row} can't be read: each row has area, year, grade and optionally course.",
        "es": "No se puede leer la fila {row}: cada fila lleva área, año, calificación y, si se quiere, la clase.",
    },
    "tool_bad_grade": {
        "en": "Please choose the grade next school year: TK, K or 1-12.",
        "es": "Por favor elija el grado del próximo ciclo escolar: TK, K o 1-12.",
    },
    "tool_bad_zip": {
        "en": "The ZIP code must be 5 digits, like 90011 (or left empty).",
        "es": "El código postal debe tener 5 dígitos, como 90011 (o dejarse vacío).",
    },
    "too_large": {"en": "The request is too large.", "es": "La solicitud es demasiado grande."},
    # the staff page's report of what Camino could not answer
    "unanswered_heading": {"en": "What Camino could not answer", "es": "Lo que Camino no pudo responder"},
    "unanswered_intro": {
        "en": 'Questions that got a "did you mean", no answer, an out-of-scope reply or a quick "that\'s not '
        'it", grouped by likely topic. Phone numbers, emails, student ids and addresses were removed before '
        "they were stored.",
        "es": 'Preguntas que recibieron un "¿quiso decir?", ninguna respuesta, una respuesta de fuera de tema '
        'o un "no era eso" enseguida, agrupadas por tema probable. Los teléfonos, correos, números de '
        "estudiante y direcciones se quitaron antes de guardarlas.",
    },
    "unanswered_days": {"en": "Last days", "es": "Últimos días"},
    "unanswered_button": {"en": "Show", "es": "Mostrar"},
    "unanswered_total": {
        "en": "{total} question(s) in the last {days} days: {en} in English, {es} in Spanish.",
        "es": "{total} pregunta(s) en los últimos {days} días: {en} en inglés, {es} en español.",
    },
    "unanswered_none": {
        "en": "No unanswered questions in this period.",
        "es": "No hay preguntas sin respuesta en este periodo.",
    },
    "unanswered_topic": {"en": "Likely topic", "es": "Tema probable"},
    "unanswered_count": {"en": "Questions", "es": "Preguntas"},
    "unanswered_examples": {"en": "Examples", "es": "Ejemplos"},
    "unanswered_no_topic": {"en": "(no likely topic)", "es": "(sin tema probable)"},
    "kind_fallback": {"en": "not understood", "es": "no entendida"},
    "kind_did_you_mean": {"en": "did you mean", "es": "¿quiso decir?"},
    "kind_no_answer": {"en": "no answer", "es": "sin respuesta"},
    "kind_school_not_found": {"en": "school not found", "es": "escuela no encontrada"},
    "kind_out_of_scope": {"en": "out of scope", "es": "fuera de tema"},
    "kind_rephrase": {"en": "that's not it", "es": "no era eso"},
    "bad_days": {
        "en": "The number of days must be a whole number from 1 to {max}.",
        "es": "El número de días debe ser un número entero del 1 al {max}.",
    },
    "report_unavailable": {
        "en": "The report is not available right now. Please try again later.",
        "es": "El informe no está disponible en este momento. Inténtelo de nuevo más tarde.",
    },
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
