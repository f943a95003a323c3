"""What every widget stands on: the runner, the client holder, messages, prompts, formatting."""
