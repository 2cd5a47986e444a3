"""Camino: knowledge, language, formatting and channel logic, kept free of Rasa so it is easy to test and move."""
