"""A real python-socketio client gets replies with session persistence on (the enter_room pitfall)."""

import threading
import uuid

import pytest
import socketio

pytestmark = pytest.mark.e2e


def test_socketio_client_receives_replies(running_bot):
    client = socketio.Client(reconnection=False)
    session_id = uuid.uuid4().hex
    confirmed, replies, done = threading.Event(), [], threading.Event()

    @client.on("session_confirm")
    def on_confirm(data):
        confirmed.set()

    @client.on("bot_uttered")
    def on_bot(data):
        replies.append(data)
        done.set()

    client.connect(running_bot["url"], socketio_path="/socket.io", transports=["websocket"], wait_timeout=20)
    try:
        client.emit("session_request", {"session_id": session_id})
        assert confirmed.wait(20)
        client.emit("user_uttered", {"message": "hola", "session_id": session_id, "customData": {"language": "es"}})
        assert done.wait(60), "no reply arrived over socket.io"
        assert "Soy Camino" in replies[0].get("text", "")
    finally:
        client.disconnect()
