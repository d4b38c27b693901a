"""Who may reach what: API keys, summary links, resume-code attempts."""
