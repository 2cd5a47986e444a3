"""Camino's web server: the chat widget page (`/`) and the staff answer lookup (`/staff`).

`camino run`/`up` start it as `python -m bot.web`; bot/web/staff.py and bot/web/i18n.py are plain Python
(no web framework), shared with `camino ask`.
"""
