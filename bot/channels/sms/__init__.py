"""SMS and WhatsApp, independent of Twilio and Rasa: what comes in (inbound), what goes out (outbound), the
decision between them (service), what is remembered between messages (state) and the channel's own texts
(texts, texts.yml). bot/channels/twilio.py is the thin edge that puts them behind Twilio's webhook."""
