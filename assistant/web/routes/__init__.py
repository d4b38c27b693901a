"""The web app's routes, one module per resource; `assistant.web.app.create_app` includes them.

- pages: the home page, its icon, /health
- sessions: /api/v1/widget/session and /api/v1/chat/session (tokens for the chat)
- skills: /api/v1/skills/extract
- goals: /api/v1/occupations/search, /api/v1/gaps
- plans: /api/v1/plan
- charts: /api/v1/gaps/chart and the chart files under /charts/
- summary: the worker's summary and export, opened by a link token (/s/...)

`shared` holds what the /api/v1 routers have in common and `off_loop`, the one place where
Puente's errors become HTTP answers; `schemas` the request and response bodies."""
