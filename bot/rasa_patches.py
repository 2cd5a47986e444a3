"""Per-turn costs of Rasa 3.6 that Camino removes in its own Rasa server process (bot.serve installs them).

- Rasa checks every action server reply with `jsonschema.validate(reply, schema)`, which re-checks the
  schema against the Draft 2020-12 meta-schema and builds a new validator on every call: about 29 ms of
  CPU per turn, half of the Rasa server's work under load (py-spy, c=8). Here the validator is built and
  the schema checked once; every reply is still validated against the same schema, with Rasa's message.
- Rasa finds an event's class by walking every subclass of Event (and checking each for abstractness)
  for every event it reads: rebuilding a 280-event tracker from the store took 35 ms, 60% of it there.
  Here the name → class table is built once; a name it lacks goes to Rasa's own lookup.

Kept to what a profile showed and a test covers; each patch names the Rasa method it replaces, so that a
Rasa upgrade can drop it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

_installed = False


@functools.lru_cache(maxsize=1)
def action_reply_validator() -> Any:
    """Rasa's action-reply schema, compiled once (the schema is a constant of RemoteAction)."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result with the compiled validator (same errors, same message)."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        action_reply_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


@functools.lru_cache(maxsize=1)
def event_classes() -> dict[str, type]:
    """Every concrete Event class by its type name, the first in Rasa's own search order winning."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    table: dict[str, type] = {}
    for cls in all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def event_resolver(rasas: Callable[..., Any]) -> Callable[..., Any]:
    """Event.resolve_by_type from the table, falling back to Rasa's `rasas` for a name not in it."""

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        found = event_classes().get(type_name)
        return found if found is not None else rasas(type_name, default)

    return resolve_by_type


def install() -> None:
    """Install the patches (idempotent); call before Rasa serves."""
    global _installed
    if _installed:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(event_resolver(Event.resolve_by_type))
    _installed = True
