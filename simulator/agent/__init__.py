"""The editing agent behind /run_sse: intents, edits planned as a script, and the stream."""
