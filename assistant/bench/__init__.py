"""`assistant bench` / `make bench`: quality, speed and footprint, side by side with baselines.

It measures skill extraction (quality against the development sets, warm latency), the builds
(ESCO import, indexes, Rasa training), plan optimisation, gaps and plans on the gap set, NLU
cross-validation, and whole turns through the real servers under load. The results go to
var/bench/latest.json (machine-readable) and docs/benchmarks.md (tables and plots).

- `run`: `run_bench`, every section timed, in order;
- `report`: `write_report`, the Markdown report and its plots;
- `extraction`: skill extraction latency;
- `builds`: ESCO import, index and Rasa training times;
- `plans`: plan optimisation latency on a generated catalogue;
- `nlu`: Rasa intent cross-validation per language (cached while its inputs are unchanged);
- `serving`: the three servers on free ports, and their processes' CPU and peak memory;
- `load`: users holding whole conversations through the REST channel at once;
- `long_conversation`: one conversation of 200 turns, and the load levels' scripts;
  `python -m assistant.bench.long_conversation long|load` runs either alone.
"""
