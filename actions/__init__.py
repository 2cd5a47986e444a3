"""The rasa_sdk action server: thin glue between Rasa and the plain-Python `bot` package."""
