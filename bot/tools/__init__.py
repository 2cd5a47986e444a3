"""Guided tools: plain functions that compute an answer for one family from sourced rules."""
