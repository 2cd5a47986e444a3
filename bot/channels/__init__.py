"""Our Rasa input channels: thin edges over plain-Python formatting and security logic."""
