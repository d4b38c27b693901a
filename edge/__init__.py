"""What both runtimes' edges need, written once: the web app and console (the engine's
runtime, .venv) and the channels Rasa loads (.venv-rasa) both import it, and it imports
neither. Pure standard library, plus Redis for the shared rate limiter.

- `addresses`: the caller's address behind trusted proxies;
- `limiter`: a one-minute sliding-window rate limiter (memory or Redis);
- `secrets`: what counts as a secret, and the token audiences the web app issues;
- `origins`: the browser origins allowed to open the widget's socket.
"""
