"""Opt-in deadline reminders over SMS and WhatsApp: dated deadlines from the knowledge base (deadlines),
the subscriptions, consent records and sends (store), opting in and out from a phone (optin), sending
through Twilio's REST API (twilio_rest) and what is due when (sending). Plain Python; bot/channels and
bot/web are the edges."""
