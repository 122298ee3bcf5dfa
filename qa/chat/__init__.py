"""Chat: conversations, and follow-up questions resolved against earlier turns."""
