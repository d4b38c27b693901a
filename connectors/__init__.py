"""Channel connectors that Rasa loads (Python 3.10, `.venv-rasa`). They never import the
`assistant` engine; they read their settings from the environment."""
