"""Fault drills under load: `.venv/bin/python bench/drills.py [--seconds 60] [--drills postgres,redis,...]`.

Issue 16. The portal runs on services this script starts itself, on ports no developer or CI uses: its own
PostgreSQL cluster (initdb into a temporary folder, port 55432) and its own Redis (port 56379, no persistence),
gunicorn with 2 workers on 127.0.0.1:58000, one Celery worker and one beat. Four load clients submit fault
reports and service applications through the API (a demo customer and counter staff), each with a marker of
its own in the description; an impatient client, each retries a 503 or a refused connection after a second
with the same marker, as a kiosk would. One drill at a time breaks one service, brings it back, lets the
outbox drain, and then checks the database:

- acknowledged: submissions answered 201; lost: acknowledged but their order is not in the database;
  duplicates: markers with more than one order (a retry of something that had been saved);
- 503 and 500: answers during the drill (503 is the clean answer of portal.middleware; 500 must be 0);
- outage: seconds the service was down; recovery: from its restart until a submission succeeded again and
  every message made before the restart was delivered;
- messages delivered / pending (outbox rows made during the drill, after the drain) / duplicated (sends the
  drill's gateway recorded more often than rows say: bench.drills.DrillSmsBackend and DrillEmailBackend);
- duplicate SLA events: the same warning level or breach of one clock on the timeline twice. The drill's
  database sets the arrival limit to 2 minutes so that the sweep raises warnings all through the drills.

Drills: worker (SIGKILL, 30 s), worker-mid-batch (SIGKILL while it is sending), redis (shut down 20 s, data
kept), redis-data-loss (Redis restarted empty while delivery tasks are queued), postgres (stopped 15 s), beat
(SIGKILL, 60 s). Everything it started is stopped and removed at the end, on Ctrl-C too. It is a benchmark,
not a test: bench/README.md has its figures.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = BASE_DIR / ".venv" / "bin"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT, REDIS_PORT, WEB_PORT = 55432, 56379, 58000
DATABASE_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/portal"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
WEB = f"http://127.0.0.1:{WEB_PORT}"
GATEWAY_LOG = "DRILL_GATEWAY_LOG"  # the environment variable naming the file the drill's gateways write
GATEWAY_DELAY = 0.02  # seconds a send takes, like a real gateway's round trip: a batch takes a while
SETTLE_LIMIT = 240  # seconds to wait after a drill for the outbox to drain
CLIENTS = 4


# --- The drill's gateways: they record every send, so that a message sent twice shows ----------------------


def record_send(channel: str, address: str, text: str, message_id: str) -> None:
    """Append one line per send; one write with O_APPEND, so lines from several processes never interleave.

    Like the gateways services.gateways.SmsBackend asks for, a send whose message id was taken before is not
    delivered again: the counting below reads the first line of an id as the delivery and the rest as repeats.
    """
    time.sleep(GATEWAY_DELAY)  # the gateway accepts the message at the end of its round trip
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    line = json.dumps({"channel": channel, "to": address, "digest": digest, "id": message_id}) + "\n"
    fd = os.open(os.environ[GATEWAY_LOG], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


class DrillSmsBackend:
    """SMS_BACKEND for the drill (services.gateways.SmsBackend's interface)."""

    def send(self, phone: str, text: str, *, message_id: str) -> None:
        record_send("sms", phone, text, message_id)


class DrillEmailBackend(BaseEmailBackend):
    """EMAIL_BACKEND for the drill."""

    def send_messages(self, email_messages: list) -> int:
        for message in email_messages:
            record_send("email", ",".join(message.to), message.body, message.extra_headers.get("Message-ID", ""))
        return len(email_messages)


# --- The services, started and stopped by the drill ----------------------------------------------------------


class Stack:
    """PostgreSQL, Redis, gunicorn, a Celery worker and beat, each in a process group of its own."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pgdata = root / "pgdata"
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "DEBUG": "false",
            "SECRET_KEY": "drill-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "VAR_DIR": str(root / "var"),
            "SMS_BACKEND": "bench.drills.DrillSmsBackend",
            "EMAIL_BACKEND": "bench.drills.DrillEmailBackend",
            GATEWAY_LOG: str(root / "gateway.log"),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(BASE_DIR),
        }

    def log(self, name: str) -> int:
        return os.open(self.root / f"{name}.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def spawn(self, name: str, argv: list[str]) -> None:
        self.processes[name] = subprocess.Popen(
            argv, cwd=BASE_DIR, env=self.env, stdout=self.log(name), stderr=subprocess.STDOUT, start_new_session=True
        )

    def signal(self, name: str, sig: int) -> None:
        """Send `sig` to the whole group: a prefork worker's children and gunicorn's workers go with it."""
        process = self.processes.get(name)
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)

    def kill(self, name: str) -> None:
        self.signal(name, signal.SIGKILL)
        with contextlib.suppress(KeyError, subprocess.TimeoutExpired):
            self.processes.pop(name).wait(10)

    def stop(self, name: str) -> None:
        self.signal(name, signal.SIGTERM)
        process = self.processes.pop(name, None)
        if process is not None:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    # PostgreSQL: a cluster of its own, owned by the postgres OS user, trust on 127.0.0.1 only.
    def as_postgres(self, *argv: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *argv], check=True, stdout=subprocess.DEVNULL)

    def init_postgres(self) -> None:
        self.pgdata.mkdir()
        shutil.chown(self.pgdata, "postgres", "postgres")
        self.as_postgres(str(PG_BIN / "initdb"), "-D", str(self.pgdata), "-A", "trust", "-U", "postgres", "-N")

    def start_postgres(self) -> None:
        options = f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.pgdata}"
        log = str(self.pgdata / "server.log")
        self.as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), "-o", options, "-l", log, "-w", "start")

    def stop_postgres(self, mode: str = "fast") -> None:
        self.as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), "-m", mode, "-w", "stop")

    # Redis: no persistence; `redis` shuts down with SAVE (a restart that keeps the data), `redis-data-loss` not.
    def start_redis(self) -> None:
        argv = ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        self.spawn("redis", [*argv, "no", "--dir", str(self.root)])
        wait_for(lambda: port_open(REDIS_PORT), 10, "Redis")

    def start_web(self) -> None:
        argv = [str(BIN / "gunicorn"), "portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{WEB_PORT}", "--timeout", "30"]
        self.spawn("web", argv)
        wait_for(lambda: port_open(WEB_PORT), 30, "gunicorn")

    def start_worker(self) -> None:
        argv = [str(BIN / "celery"), "-A", "portal", "worker", "--concurrency", "2", "--loglevel", "warning"]
        self.spawn("worker", [*argv, "-n", "drill@%h"])

    def start_beat(self) -> None:
        schedule = str(self.root / "beat-schedule")
        self.spawn("beat", [str(BIN / "celery"), "-A", "portal", "beat", "--loglevel", "warning", "-s", schedule])

    def manage(self, *argv: str) -> str:
        run = subprocess.run(
            [str(BIN / "python"), "manage.py", *argv], cwd=BASE_DIR, env=self.env, check=True, capture_output=True
        )
        return run.stdout.decode()

    def close(self) -> None:
        for name in list(self.processes):
            self.kill(name)
        if (self.pgdata / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.stop_postgres("immediate")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(ready: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up in {seconds} s")
        time.sleep(0.2)


# --- Setting up the drill's portal ------------------------------------------------------------------------

SETUP = """
import json
from django.test import Client
from accounts.models import AccountStatus, ElectricityAccount, User
from services.models import SlaPolicy

SlaPolicy.objects.filter(clock="arrival").update(target=2, unit="minutes")
customer = User.objects.get(phone="13800000001")
counter = User.objects.get(username="counter")
open_accounts = ElectricityAccount.objects.exclude(status=AccountStatus.CLOSED)
sessions = {}
for name, user in (("customer", customer), ("counter", counter)):
    client = Client()
    client.force_login(user)
    sessions[name] = client.cookies["sessionid"].value
print(json.dumps({
    "sessions": sessions,
    "customer_accounts": list(customer.linked_accounts.values_list("number", flat=True)),
    "accounts": list(open_accounts.order_by("pk").values_list("number", flat=True)[:50]),
}))
"""


def set_up(stack: Stack) -> dict:
    """A fresh cluster and Redis, the schema, a small demo city with no orders, two signed-in users."""
    stack.init_postgres()
    stack.start_postgres()
    stack.as_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "portal")
    stack.start_redis()
    stack.manage("migrate", "--no-input")
    stack.manage("seed_demo", "--accounts", "200", "--orders", "0")
    config = json.loads(stack.manage("shell", "-c", SETUP).strip().splitlines()[-1])
    stack.start_web()
    stack.start_worker()
    stack.start_beat()
    return config


# --- The load ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw during one drill."""

    acknowledged: dict[str, str] = field(default_factory=dict)  # marker → order number
    statuses: Counter = field(default_factory=Counter)
    refused: int = 0  # connections refused or timed out (none expected: gunicorn stays up)
    successes: list[float] = field(default_factory=list)  # when each 201 came (monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)


def post(path: str, body: dict, session: str, key: str) -> tuple[int, dict]:
    """POST as a kiosk does: every retry of one submission carries the same Idempotency-Key."""
    csrf = "drill" + "0" * 27  # any 32 characters: Django compares the cookie with the header
    request = urllib.request.Request(
        WEB + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Cookie": f"sessionid={session}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}


def submission(config: dict, marker: str, n: int) -> tuple[str, dict, str]:
    """Every third: a customer's fault report, a customer's application, counter staff's fault report."""
    description = f"{marker} no power since the morning"
    customer_account = config["customer_accounts"][n % len(config["customer_accounts"])]
    if n % 3 == 0:
        body = {"account": customer_account, "fault_type": "no_power_home", "description": description}
        return "/api/v1/work-orders/fault-reports/", body, "customer"
    if n % 3 == 1:
        body = {"account": customer_account, "application_type": "meter_calibration", "description": description}
        return "/api/v1/work-orders/service-applications/", body, "customer"
    account = config["accounts"][n % len(config["accounts"])]
    body = {"account": account, "fault_type": "voltage", "description": description, "channel": "95598"}
    return "/api/v1/work-orders/fault-reports/", body, "counter"


def client_loop(config: dict, drill: str, client: int, stop: threading.Event, tally: Tally) -> None:
    for n in itertools.count():
        if stop.is_set():
            return
        marker = f"[drill {config['run']} {drill} c{client} #{n}]"
        path, body, who = submission(config, marker, n)
        while not stop.is_set():  # retry the same submission, as a kiosk does, until answered
            try:
                key = hashlib.sha256(marker.encode()).hexdigest()
                status, answer = post(path, body, config["sessions"][who], key)
            except (urllib.error.URLError, OSError):
                with tally.lock:
                    tally.refused += 1
                time.sleep(1)
                continue
            with tally.lock:
                tally.statuses[status] += 1
                if status == 201:
                    tally.acknowledged[marker] = answer["number"]
                    tally.successes.append(time.monotonic())
            if status != 503:
                break
            time.sleep(1)  # impatient: Retry-After says 10 s
        time.sleep(0.1)


@contextlib.contextmanager
def load(config: dict, drill: str) -> Iterator[Tally]:
    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(target=client_loop, args=(config, drill, i, stop, tally), daemon=True) for i in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    try:
        yield tally
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)


# --- The drills: each breaks one thing and says when it came back ------------------------------------------


@dataclass
class Outage:
    started: float = 0.0
    restored: float = 0.0


def kill_and_restart(stack: Stack, name: str, seconds: float, start: Callable[[], None]) -> Outage:
    outage = Outage(started=time.monotonic())
    stack.kill(name)
    time.sleep(seconds)
    start()
    outage.restored = time.monotonic()
    return outage


def drill_worker(stack: Stack, seconds: float) -> Outage:
    return kill_and_restart(stack, "worker", seconds, stack.start_worker)


def drill_worker_mid_batch(stack: Stack, seconds: float) -> Outage:
    """Kill the worker while its gateway is sending: the log grew in the last 50 ms."""
    log = Path(stack.env[GATEWAY_LOG])
    deadline = time.monotonic() + 60
    size = log.stat().st_size if log.exists() else 0
    while time.monotonic() < deadline:
        time.sleep(0.05)
        grown = log.stat().st_size if log.exists() else 0
        if grown > size:
            break
        size = grown
    return kill_and_restart(stack, "worker", seconds, stack.start_worker)


def drill_beat(stack: Stack, seconds: float) -> Outage:
    return kill_and_restart(stack, "beat", seconds, stack.start_beat)


def drill_redis(stack: Stack, seconds: float) -> Outage:
    """A restart that keeps the data: SHUTDOWN SAVE, then the server loads its dump."""
    outage = Outage(started=time.monotonic())
    subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "save"], capture_output=True)
    with contextlib.suppress(KeyError, subprocess.TimeoutExpired):
        stack.processes.pop("redis").wait(10)
    time.sleep(seconds)
    stack.start_redis()
    outage.restored = time.monotonic()
    return outage


def drill_redis_data_loss(stack: Stack, seconds: float) -> Outage:
    """Freeze the worker so delivery tasks queue up, then restart Redis empty: every queued task is gone."""
    stack.signal("worker", signal.SIGSTOP)
    time.sleep(10)
    outage = Outage(started=time.monotonic())
    stack.kill("redis")
    (stack.root / "dump.rdb").unlink(missing_ok=True)
    time.sleep(seconds)
    stack.start_redis()
    outage.restored = time.monotonic()
    stack.signal("worker", signal.SIGCONT)
    return outage


def drill_postgres(stack: Stack, seconds: float) -> Outage:
    outage = Outage(started=time.monotonic())
    stack.stop_postgres("fast")
    time.sleep(seconds)
    stack.start_postgres()
    outage.restored = time.monotonic()
    return outage


DRILLS: dict[str, tuple[Callable[[Stack, float], Outage], float]] = {
    "worker": (drill_worker, 30),
    "worker-mid-batch": (drill_worker_mid_batch, 5),
    "redis": (drill_redis, 20),
    "redis-data-loss": (drill_redis_data_loss, 2),
    "postgres": (drill_postgres, 15),
    "beat": (drill_beat, 60),
}


# --- Counting -------------------------------------------------------------------------------------------


def query(sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{PG_PORT}/portal", connect_timeout=3) as conn:
        return conn.execute(sql, params).fetchall()


def pending_made_before(moment: float, wall_offset: float) -> int:
    """Outbox rows made before `moment` (monotonic) that are still pending."""
    cutoff = moment + wall_offset
    sql = "SELECT count(*) FROM services_notification WHERE state = 'pending' AND created_at < to_timestamp(%s)"
    return query(sql, (cutoff,))[0][0]


def gateway_duplicates(stack: Stack) -> int:
    """Messages delivered beyond the sent rows with the same channel, address and text (repeats of one message
    id, which the row's retry after a lost commit sends, are dropped by the gateway and not counted)."""
    log = Path(stack.env[GATEWAY_LOG])
    sends, seen = Counter(), set()
    if log.exists():
        for line in log.read_text().splitlines():
            entry = json.loads(line)
            if entry["id"] and entry["id"] in seen:
                continue  # a repeat of a message the gateway took already: not delivered twice
            seen.add(entry["id"])
            sends[(entry["channel"], entry["to"], entry["digest"])] += 1
    rows = Counter()
    sql = (
        "SELECT n.channel, COALESCE(NULLIF(n.address, ''), CASE n.channel WHEN 'email' THEN u.email ELSE u.phone END), "
        "n.body FROM services_notification n LEFT JOIN accounts_user u ON u.id = n.recipient_id "
        "WHERE n.state = 'sent' AND n.channel IN ('sms', 'email')"
    )
    for channel, address, body in query(sql):
        rows[(channel, address or "", hashlib.sha256(body.encode()).hexdigest()[:16])] += 1
    return sum(max(0, count - rows[key]) for key, count in sends.items())


def duplicate_sla_events() -> int:
    sql = (
        "SELECT count(*) - count(DISTINCT (order_id, kind, old_value, new_value)) FROM services_timelineevent "
        "WHERE kind IN ('sla_warning', 'sla_breach')"
    )
    return query(sql)[0][0]


def orders_check(run: str, drill: str, acknowledged: dict[str, str]) -> tuple[int, int]:
    """(lost, duplicates): acknowledged orders missing from the database, and markers saved more than once."""
    like = f"[drill {run} {drill} %"
    rows = query("SELECT number, description FROM services_workorder WHERE description LIKE %s", (like,))
    numbers = {number for number, _ in rows}
    markers = Counter(description.split("]")[0] + "]" for _, description in rows)
    lost = sum(1 for number in acknowledged.values() if number not in numbers)
    return lost, sum(count - 1 for count in markers.values() if count > 1)


def message_counts(since: float, until: float) -> tuple[int, int]:
    sql = (
        "SELECT count(*) FILTER (WHERE state = 'sent'), count(*) FILTER (WHERE state <> 'sent') "
        "FROM services_notification WHERE created_at >= to_timestamp(%s) AND created_at < to_timestamp(%s)"
    )
    delivered, pending = query(sql, (since, until))[0]
    return delivered, pending


# --- One drill, start to end ----------------------------------------------------------------------------


def run_drill(stack: Stack, config: dict, name: str, seconds: float, before: dict[str, int]) -> dict:
    """Load, break, restore, load on, drain; then count. `before`: the duplicates counted by earlier drills."""
    breaks, outage_seconds = DRILLS[name]
    wall_offset = time.time() - time.monotonic()
    started = time.monotonic()
    with load(config, name) as tally:
        time.sleep(10)  # the load is steady before the fault
        outage = breaks(stack, outage_seconds)
        time.sleep(max(0.0, started + seconds - time.monotonic(), 15.0))  # and stays on after it
    load_ended = time.monotonic()
    # Drained: every message made before the restart, and every one made during the drill, delivered.
    deadline = load_ended + SETTLE_LIMIT
    backlog_at = None
    while time.monotonic() < deadline:
        if pending_made_before(outage.restored, wall_offset) == 0 and backlog_at is None:
            backlog_at = time.monotonic()
        if backlog_at is not None and pending_made_before(load_ended, wall_offset) == 0:
            break
        time.sleep(1)
    lost, duplicates = orders_check(config["run"], name, tally.acknowledged)
    delivered, pending = message_counts(started + wall_offset, load_ended + wall_offset)
    dups = gateway_duplicates(stack)
    first_success = min((at for at in tally.successes if at >= outage.restored), default=deadline)
    recovered = max(first_success, backlog_at or deadline) - outage.restored
    sla_dups = duplicate_sla_events()
    return {
        "drill": name,
        "acknowledged": len(tally.acknowledged),
        "lost": lost,
        "duplicates": duplicates,
        "503": tally.statuses[503],
        "500": sum(count for status, count in tally.statuses.items() if status >= 500 and status != 503),
        "4xx": sum(count for status, count in tally.statuses.items() if 400 <= status < 500),
        "refused": tally.refused,
        "outage s": round(outage.restored - outage.started, 1),
        "recovery s": round(recovered, 1),
        "delivered": delivered,
        "pending": pending,
        "dup msgs": dups - before["messages"],
        "dup SLA": sla_dups - before["sla"],
        "_totals": {"messages": dups, "sla": sla_dups},
    }


# --- The table --------------------------------------------------------------------------------------------

COLUMNS = [
    "drill",
    "acknowledged",
    "lost",
    "duplicates",
    "503",
    "500",
    "4xx",
    "refused",
    "outage s",
    "recovery s",
    "delivered",
    "pending",
    "dup msgs",
    "dup SLA",
]


def total_row(rows: list[dict]) -> dict:
    summed = {column: sum(row[column] for row in rows) for column in COLUMNS[1:]}
    return summed | {"drill": "all", "outage s": "", "recovery s": ""}


def print_table(rows: list[dict]) -> None:
    print("| " + " | ".join(COLUMNS) + " |")
    print("| " + " | ".join("---" for _ in COLUMNS) + " |")
    for row in rows:
        print("| " + " | ".join(str(row[column]) for column in COLUMNS) + " |", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="load per drill, at least the outage + 25 s")
    parser.add_argument("--drills", default=",".join(DRILLS), help=f"comma-separated, of: {', '.join(DRILLS)}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs) for a post-mortem")
    args = parser.parse_args()
    names = [name.strip() for name in args.drills.split(",") if name.strip()]
    unknown = [name for name in names if name not in DRILLS]
    busy = [port for port in (PG_PORT, REDIS_PORT, WEB_PORT) if port_open(port)]
    if unknown or busy:
        sys.exit(f"unknown drills: {unknown}" if unknown else f"ports in use (another drill running?): {busy}")
    root = Path(tempfile.mkdtemp(prefix="portal-drills-"))
    root.chmod(0o755)
    stack = Stack(root)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # Ctrl-C and SIGTERM both reach the cleanup below
    try:
        print(f"setting up in {root} ...", file=sys.stderr, flush=True)
        config = set_up(stack) | {"run": str(int(time.time()))}
        time.sleep(5)
        rows, totals = [], {"messages": 0, "sla": 0}
        for name in names:
            print(f"drill {name} ...", file=sys.stderr, flush=True)
            rows.append(run_drill(stack, config, name, args.seconds, totals))
            totals = rows[-1]["_totals"]
            print({k: v for k, v in rows[-1].items() if not k.startswith("_")}, file=sys.stderr, flush=True)
        print_table([*rows, total_row(rows)])
    finally:
        stack.close()
        if args.keep:
            print(f"logs kept in {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
