"""Evaluations that run Puente end to end through its services (an entry point, like the CLI
and the bench): gaps and plans on the team's worker -> target cases."""
