"""Small talk: greetings, thanks, goodbyes, "are you there", acknowledgements."""
