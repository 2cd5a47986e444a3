"""Questions the assistant could not answer (fallback, "did you mean", no answer, out of scope, a quick
"that's not it"), kept redacted and only so the people who keep the knowledge base see what is missing:
store.py holds them, recording.py writes them off the reply path, report.py groups them."""
