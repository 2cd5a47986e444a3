"""Per-turn costs of Rasa 3.6 that Camino removes in its own Rasa server process (bot.serve installs them),
and one behaviour it corrects.

- Rasa checks every action server reply with `jsonschema.validate(reply, schema)`, which re-checks the
  schema against the Draft 2020-12 meta-schema and builds a new validator on every call: about 29 ms of
  CPU per turn, half of the Rasa server's work under load (py-spy, c=8). Here the validator is built and
  the schema checked once; every reply is still validated against the same schema, with Rasa's message.
- Rasa finds an event's class by walking every subclass of Event (and checking each for abstractness)
  for every event it reads: rebuilding a 280-event tracker from the store took 35 ms, 60% of it there.
  Here the name → class table is built once; a name it lacks goes to Rasa's own lookup.

And one change of behaviour, so that what is stored matches what the family was told:

- When the action server cannot answer (down, refusing the token, failing), Rasa logs the error, carries
  on and stores the turn; the family then gets the try-again text (bot/channels/guard.py), yet the store
  holds a question as if it had been handled, and the retry stores it again (bench/faults.py counted 147
  such turns in an 8-second outage). Here a turn whose custom action failed is not saved: saving it
  raises ActionServerUnavailable, which the channel's guard answers with the try-again text, as it does
  when the tracker store fails. A rejected action (a form's validation) is Rasa's normal flow, untouched.

Kept to what a profile showed and a test covers; each patch names the Rasa method it replaces, so that a
Rasa upgrade can drop it.
"""

from __future__ import annotations

import contextvars
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


# Whether a custom action of the turn being handled failed: one value per turn (handle_message sets it),
# as each message is handled in its own task. (Rasa runs actions on a copy of the tracker, so a mark on the
# tracker would not reach the save.)
_action_failed: contextvars.ContextVar[bool] = contextvars.ContextVar("camino_action_failed", default=False)


class ActionServerUnavailable(RuntimeError):
    """The action server did not answer a custom action of this turn: the turn is not stored."""


def turn_scope(rasas: Callable[..., Any]) -> Callable[..., Any]:
    """MessageProcessor.handle_message with a fresh "a custom action failed" mark for its turn."""

    async def handle_message(self: Any, message: Any) -> Any:
        token = _action_failed.set(False)
        try:
            return await rasas(self, message)
        finally:
            _action_failed.reset(token)

    return handle_message


def remote_run(rasas: Callable[..., Any]) -> Callable[..., Any]:
    """RemoteAction.run that marks the turn when the action server could not answer."""
    from rasa.core.actions.action import ActionExecutionRejection
    from rasa.shared.exceptions import RasaException

    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        try:
            return await rasas(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except RasaException:
            _action_failed.set(True)
            raise

    return run


def save_unless_failed(rasas: Callable[..., Any]) -> Callable[..., Any]:
    """MessageProcessor.save_tracker that refuses a turn whose custom action failed (see above)."""

    async def save_tracker(self: Any, tracker: Any) -> None:
        if _action_failed.get():
            raise ActionServerUnavailable("a custom action failed; the turn is not stored")
        await rasas(self, tracker)

    return save_tracker


def install() -> None:
    """Install the patches (idempotent); call before Rasa serves."""
    global _installed
    if _installed:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.events import Event

    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(event_resolver(Event.resolve_by_type))
    RemoteAction.run = remote_run(RemoteAction.run)
    MessageProcessor.save_tracker = save_unless_failed(MessageProcessor.save_tracker)
    MessageProcessor.handle_message = turn_scope(MessageProcessor.handle_message)
    _installed = True
