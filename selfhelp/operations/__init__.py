"""Running selfhelp for real: health and readiness, Prometheus metrics, structured logs, the
scheduler heartbeat, production checks (`selfhelp check`) and backups (`selfhelp backup|restore`).

Like reports/, this package reads many domains (the outbox, risk flags, waiting lists) and
nothing imports it but create_app, the CLI and the scheduler (for the heartbeat).
"""
