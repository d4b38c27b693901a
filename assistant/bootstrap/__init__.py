"""Everything `make run`, `make test` and `make bench` need before the servers start, built
only when missing, and how the servers are then started. Not a service: it sits with the
entry points (it may import the services; the services never import it).

- `setup_steps`: `setup_all` (schema, ESCO tables and labels, indexes, the demo catalogue, the
  Rasa model) and `setup_demo_catalogue`;
- `rasa_model`: the trained Rasa model, cached by a hash of its inputs (`ensure_rasa_model`);
- `processes`: the three servers' environment and command lines (`process_environment`,
  `procfile_commands`, from the Procfile).
"""
