"""The load benchmark's settings: the portal's own, with the bench's URLconf on top (bench/load.py).

Only bench/load.py's gunicorn uses it: the bare endpoint it adds is the benchmark's baseline, not a page the
portal serves.
"""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
