"""Two actions for tests/test_hardening.py: one fails (its message quotes the family), one works."""

from rasa_sdk import Action


class ActionThatFails(Action):
    def name(self) -> str:
        return "action_that_fails"

    def run(self, dispatcher, tracker, domain):
        raise ValueError(f"cannot handle {tracker.latest_message}")


class ActionThatWorks(Action):
    def name(self) -> str:
        return "action_that_works"

    def run(self, dispatcher, tracker, domain):
        return []
