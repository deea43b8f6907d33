"""gunicorn configuration for selfhelp: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Runs the production check once in the master before any worker starts (SELFHELP_ENV=production:
unsafe settings stop the start with the list), and keeps Prometheus' multiprocess files right:
emptied at start, a dead worker's marked (selfhelp/operations/metrics.py explains why).
"""
import os
import shutil

bind = os.environ.get("SELFHELP_BIND", "127.0.0.1:8000")  # nginx in front; never public
workers = int(os.environ.get("SELFHELP_WEB_WORKERS", "1"))
# Threads would share one worker's database session machinery; processes are simpler.
worker_class = "sync"
timeout = 60  # the longest page (a report CSV) takes a few seconds
graceful_timeout = 30
max_requests = 2000  # a worker that leaked anything is replaced now and then
max_requests_jitter = 200
# Logs go to stderr (the journal); the app writes its own JSON access line with the request id.
accesslog = None
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"  # nginx; the app's ProxyFix (SELFHELP_TRUSTED_PROXIES) decides
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/run/selfhelp/metrics")


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)  # counts of the last run would be added again
    os.makedirs(folder, exist_ok=True)
    from selfhelp import create_app
    from selfhelp.operations.cli import check_at_start

    check_at_start(create_app())  # raises SystemExit with the list of problems: gunicorn does not start


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
