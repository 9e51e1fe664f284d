"""The demo city behind `manage.py seed_demo`: 台州 (Taizhou, Zhejiang), built deterministically from a seed.

Accounts are planned in blocks of BLOCK_SIZE consecutive indices, each block from its own random generator
(seed, block number), so any chunk can be built without the others: a re-run, or a run with a larger
--accounts, plans the very same accounts and inserts only those missing. An account's number is its index
behind a fixed prefix, so which accounts of a chunk exist is one range query. A customer with several accounts
is known by the index of its first account (its leader), which lets a later account find its customer even
when the first one was inserted by an earlier chunk or run.

Identity numbers are valid (GB 11643 check character on ID cards, GB 32100 on credit codes) and unique by
construction; as for every customer, only their digests and masked form reach the database.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate, groupby

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from accounts import identity
from accounts.models import (
    AccountStatus,
    AreaType,
    Customer,
    CustomerClass,
    CustomerKind,
    Department,
    DepartmentKind,
    ElectricityAccount,
    MeterReading,
    Role,
    ServiceGrid,
    User,
    VoltageLevel,
)

DEFAULT_SEED = 2026
DEFAULT_ACCOUNTS = 2_000
CHUNK_SIZE = 10_000
BLOCK_SIZE = 50
BATCH_SIZE = 2_000
ACCOUNT_PREFIX = "331"  # 3310 is Taizhou's administrative code; seven digits of index follow
MAX_ACCOUNTS = 10**7
MONTHS = 12
DEMO_PASSWORD = "demo12345"
DEMO_CUSTOMER_PHONE = "13800000001"
DEMO_CUSTOMER_EMAIL = "customer@example.com"

# --- The city ----------------------------------------------------------------------------------------------

U, R, X = AreaType.URBAN, AreaType.RURAL, AreaType.REMOTE


@dataclass(frozen=True)
class StationSpec:
    code: str
    name: str
    area_type: AreaType
    towns: tuple[tuple[str, tuple[str, ...]], ...]  # (street or town, its localities): one 台区 per locality


@dataclass(frozen=True)
class BranchSpec:
    code: str
    name: str
    county: str  # the district or county as written in addresses
    region: str  # its GB/T 2260 code, the first six digits of ID cards issued there
    stations: tuple[StationSpec, ...]


@dataclass(frozen=True)
class GridSpec:
    code: str
    name: str
    area_type: AreaType
    station: str
    county: str
    region: str
    address: str  # its customers' address up to the house number


CITY = ("TZ", "台州供电公司")
CITY_DEPARTMENTS = (
    ("TZ-YX", "营销部", DepartmentKind.MARKETING),
    ("TZ-YJ", "运维检修部", DepartmentKind.OPERATIONS),
    ("TZ-KF", "客户服务中心", DepartmentKind.CUSTOMER_SERVICE),
)
# City districts are urban, counties rural; islands and mountain townships are special remote areas.
BRANCHES = (
    BranchSpec("TZ-JJ", "椒江区供电分公司", "椒江区", "331002", (
        StationSpec("TZ-JJ-01", "海门供电所", U, (
            ("海门街道", ("东山新村", "海门老街", "中山花园")), ("葭沚街道", ("葭沚老街", "星明小区", "心海绿洲")),
        )),
        StationSpec("TZ-JJ-02", "白云供电所", U, (
            ("白云街道", ("白云山庄", "云西小区", "枫南小区")), ("洪家街道", ("洪家场", "三甲新村", "下陈小区")),
        )),
        StationSpec("TZ-JJ-03", "大陈供电所", X, (("大陈镇", ("上大陈岛", "下大陈岛", "竹屿岛")),)),
    )),
    BranchSpec("TZ-LQ", "路桥区供电分公司", "路桥区", "331004", (
        StationSpec("TZ-LQ-01", "路桥供电所", U, (
            ("路桥街道", ("十里长街", "银座花园", "石曲新村")), ("路南街道", ("蓬莱小区", "东方家园", "新安花苑")),
        )),
        StationSpec("TZ-LQ-02", "金清供电所", U, (
            ("金清镇", ("金清新村", "下梁村", "黄琅村")), ("蓬街镇", ("蓬街新村", "新建村", "私立村")),
        )),
    )),
    BranchSpec("TZ-XJ", "仙居县供电公司", "仙居县", "331024", (
        StationSpec("TZ-XJ-01", "仙居城关供电所", R, (
            ("安洲街道", ("南峰村", "西门村", "环城新村")), ("福应街道", ("福应村", "下叶村")),
        )),
        StationSpec("TZ-XJ-02", "白塔供电所", R, (
            ("白塔镇", ("白塔村", "高迁村", "厚仁村")), ("田市镇", ("田市村", "李宅村")),
        )),
        StationSpec("TZ-XJ-03", "淡竹供电所", X, (("淡竹乡", ("淡竹村", "尚仁村", "石盟垟村")),)),
    )),
    BranchSpec("TZ-SM", "三门县供电公司", "三门县", "331022", (
        StationSpec("TZ-SM-01", "海游供电所", R, (
            ("海游街道", ("城南新村", "上洋村", "珠岙村")), ("沙柳街道", ("沙柳村", "高枧村")),
        )),
        StationSpec("TZ-SM-02", "健跳供电所", R, (
            ("健跳镇", ("健跳村", "六敖村", "浦坝港村")), ("花桥镇", ("花桥村", "小雄村")),
        )),
    )),
)  # fmt: skip


def _grids() -> Iterator[GridSpec]:
    for branch in BRANCHES:
        for station in branch.stations:
            localities = [(town, place) for town, places in station.towns for place in places]
            for n, (town, place) in enumerate(localities, start=1):
                address = f"台州市{branch.county}{town}{place}"
                code, name = f"{station.code}-{n:02d}", f"{place}台区"
                yield GridSpec(code, name, station.area_type, station.code, branch.county, branch.region, address)


GRIDS = tuple(_grids())
# Urban 台区 hold more customers than rural ones, remote ones fewest.
GRID_CUM_WEIGHTS = tuple(accumulate({U: 4, R: 2, X: 1}[grid.area_type] for grid in GRIDS))

# --- Staff -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    username: str
    full_name: str
    role: Role
    department: str | None  # a department code


# The known demo logins, all with DEMO_PASSWORD; README.md lists them.
DEMO_STAFF = (
    Login("admin", "系统管理员", Role.ADMINISTRATOR, "TZ"),
    Login("manager", "林志强", Role.DEPARTMENT_MANAGER, "TZ-JJ"),
    Login("counter", "陈晓燕", Role.COUNTER_STAFF, "TZ-JJ-01"),
    Login("grid", "王建国", Role.GRID_MANAGER, "TZ-JJ-01"),
    Login("repair", "李海军", Role.REPAIR_CREW, "TZ-JJ-QX"),
    Login("inspector", "张立新", Role.INSPECTOR, "TZ-YX"),
    Login("complaints", "周丽萍", Role.COMPLAINT_HANDLER, "TZ-KF"),
)
DEMO_CUSTOMERS = (DEMO_CUSTOMER_PHONE, DEMO_CUSTOMER_EMAIL)
# The README's walk: the phone customer reports a fault and the `repair` login works it. Routing gives a fault
# to the least-loaded available crew member of the 台区's branch (services.routing), so the customer's homes are
# in `repair`'s branch and the branch's other crew is off duty: every new report there reaches `repair`.
WALK_CREW = "repair"
OFF_DUTY = frozenset({"repair02"})


def grid_owners() -> dict[str, str]:
    """The grid manager of each 台区: one manager owns up to three neighbouring 台区 of a station."""
    owners = {}
    manager = 0
    for _station, grids in groupby(GRIDS, key=lambda grid: grid.station):
        for position, grid in enumerate(grids):
            manager += position % 3 == 0
            owners[grid.code] = "grid" if manager == 1 else f"grid{manager:02d}"
    return owners


def staff_roster(seed: int) -> list[Login]:
    """Every member of staff: the demo logins, then grid managers, counter staff, repair crews and managers."""
    rng = random.Random(seed)
    roster = list(DEMO_STAFF)
    owners = grid_owners()
    managers = {owners[grid.code]: grid.station for grid in GRIDS if owners[grid.code] != "grid"}
    roster += [Login(name, _person_name(rng), Role.GRID_MANAGER, station) for name, station in managers.items()]
    stations = [station.code for branch in BRANCHES for station in branch.stations][1:]
    roster += [Login(f"counter{n:02d}", _person_name(rng), Role.COUNTER_STAFF, s) for n, s in enumerate(stations, 2)]
    teams = [f"{branch.code}-QX" for branch in BRANCHES for _ in range(2)][1:]
    roster += [Login(f"repair{n:02d}", _person_name(rng), Role.REPAIR_CREW, team) for n, team in enumerate(teams, 2)]
    branches = [branch.code for branch in BRANCHES][1:]
    roster += [
        Login(f"manager{n:02d}", _person_name(rng), Role.DEPARTMENT_MANAGER, b) for n, b in enumerate(branches, 2)
    ]
    return roster


# --- Names and identity numbers ----------------------------------------------------------------------------

SURNAMES = "陈陈陈王王王李李张张林林徐徐周周金金叶叶吴黄杨郑朱许蒋应梁潘章何胡赵罗卢泮管颜"
# fmt: off
MALE_GIVEN = (
    "伟", "强", "军", "平", "刚", "杰", "磊", "勇", "斌", "涛", "明", "建华", "建国", "志强", "海波", "国庆", "晓东",
    "文杰", "浩然", "宇航", "俊杰", "子豪", "立新", "春生", "永康", "卫东",
)
FEMALE_GIVEN = (
    "芳", "娟", "敏", "静", "丽", "艳", "萍", "燕", "红", "霞", "玲", "慧", "丹", "晓燕", "丽萍", "美玲", "雅琴",
    "秀英", "桂英", "海燕", "婷婷", "欣怡", "梓涵", "佳怡", "雨欣", "思琪",
)
TRADE_NAMES = (
    "鑫源", "永兴", "华联", "佳乐", "顺发", "家和", "万福", "金辉", "东海", "宏达", "海正", "星宇", "联创", "恒丰",
    "金泰", "方圆", "天盛", "瑞丰", "新华", "利民",
)
SHOP_TRADES = ("便利店", "超市", "餐饮店", "理发店", "五金店", "水果店", "服装店", "药店", "汽车修理店", "农家乐")
INDUSTRIES = (
    "缝纫机", "模具", "汽车零部件", "塑料制品", "医药化工", "水泵", "机电", "鞋业", "电子科技", "阀门",
    "精密机械", "食品",
)
INSTITUTIONS = (
    "第一人民医院", "中医院", "自来水有限公司", "污水处理有限公司", "燃气有限公司", "广电网络中心", "实验中学",
)
# fmt: on

BIRTH_EPOCH = date(1945, 1, 1)
BIRTH_DAYS = 21_915  # sixty years of birth dates
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _person_name(rng: random.Random, *, male: bool | None = None) -> str:
    if male is None:
        male = rng.random() < 0.5
    return rng.choice(SURNAMES) + rng.choice(MALE_GIVEN if male else FEMALE_GIVEN)


def id_card(region: str, leader: int, seed: int) -> str:
    """A valid ID card number, different for every leader below BIRTH_DAYS × 1000.

    A bijection of the leader over (birth day, three-digit sequence) makes the numbers unique without a lookup;
    the sequence's last digit is the holder's sex (odd for men).
    """
    mixed = (leader * 1_000_003 + seed) % (BIRTH_DAYS * 1000)
    born = BIRTH_EPOCH + timedelta(days=mixed % BIRTH_DAYS)
    first17 = f"{region}{born:%Y%m%d}{mixed // BIRTH_DAYS:03d}"
    return first17 + identity.id_card_check_char(first17)


def credit_code(region: str, leader: int, seed: int, *, sole_trader: bool) -> str:
    """A unified social credit code (GB 32100) with a valid organisation code (GB 11714) inside."""
    body = f"{(leader * 7_919 + seed) % 10**8:08d}"
    org_check = 11 - sum(int(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True)) % 11
    first17 = ("92" if sole_trader else "91") + region + body + {10: "X", 11: "0"}.get(org_check, str(org_check))
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return first17 + CREDIT_CHARS[(31 - total % 31) % 31]


def account_number(index: int) -> str:
    return f"{ACCOUNT_PREFIX}{index:07d}"


# --- Planning accounts -------------------------------------------------------------------------------------

RES, NONRES, HV = CustomerClass.LV_RESIDENTIAL, CustomerClass.LV_NON_RESIDENTIAL, CustomerClass.HIGH_VOLTAGE


@dataclass(frozen=True)
class ClassSpec:
    voltage: VoltageLevel
    capacities: tuple[int, ...]  # contracted capacity, kVA, with repeats for the common sizes
    kwh_per_kva: tuple[float, float]  # monthly consumption per kVA, lowest and highest
    seasonality: float  # how much of the residential seasonal swing shows
    february: float  # the Spring Festival: factories and shops stop


CLASSES = {
    RES: ClassSpec(VoltageLevel.V220, (4, 4, 6, 6, 8, 8, 8, 10), (18.0, 40.0), 1.0, 1.0),
    NONRES: ClassSpec(VoltageLevel.V380, (10, 15, 20, 30, 40, 50, 63, 80, 100), (50.0, 200.0), 0.5, 0.8),
    HV: ClassSpec(VoltageLevel.KV10, (200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000), (120, 360), 0.3, 0.7),
}
# Zhejiang: air conditioning makes July and August the peak, heating a smaller one in January and February.
SEASON = {1: 1.18, 2: 1.12, 3: 0.86, 4: 0.78, 5: 0.82, 6: 0.96, 7: 1.38, 8: 1.42, 9: 1.06, 10: 0.82, 11: 0.84, 12: 1.02}
# The customers of one block, shuffled per block: ~90 % residential, ~8 % non-residential, ~2 % high voltage.
BLOCK_LAYOUT = (
    (("household", (RES,)),) * 41
    + (("household", (RES, RES)),) * 2
    + (("shop", (NONRES,)),) * 2
    + (("enterprise", (HV, NONRES, NONRES)),)
)
FLAT_TARIFF = "ZJ-RES-TIER"


@dataclass(frozen=True, slots=True)
class PlannedCustomer:
    leader: int  # the index of its first account, which identifies it across chunks and runs
    kind: CustomerKind
    name: str
    phone: str
    email: str
    id_number: str
    is_important: bool  # a hospital, water works or the like (重要客户): its supply may not fail


@dataclass(frozen=True, slots=True)
class PlannedAccount:
    index: int
    number: str
    customer: PlannedCustomer
    grid: GridSpec
    address: str
    customer_class: CustomerClass
    capacity_kva: int
    tariff_code: str
    is_important: bool
    status: AccountStatus
    opened_on: date
    usage: tuple[tuple[int, int | None, int | None], ...]  # per period: total, peak, valley in 0.01 kWh


def reading_periods(today: date) -> list[date]:
    """The first days of the twelve months before the current one, oldest first."""
    year, month = today.year, today.month
    periods = []
    for _ in range(MONTHS):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        periods.append(date(year, month, 1))
    return periods[::-1]


def plan_block(seed: int, block: int, periods: Sequence[date]) -> list[PlannedAccount]:
    """Every account of one block, in index order; the same seed and block always give the same accounts."""
    rng = random.Random(seed * 1_000_003 + block)
    layout = list(BLOCK_LAYOUT)
    rng.shuffle(layout)
    accounts = []
    index = block * BLOCK_SIZE
    for profile, classes in layout:
        grid = GRIDS[rng.choices(range(len(GRIDS)), cum_weights=GRID_CUM_WEIGHTS)[0]]
        customer = _plan_customer(rng, profile, index, grid, seed)
        for customer_class in classes:
            accounts.append(_plan_account(rng, index, customer, grid, customer_class, periods))
            index += 1
    return accounts


def _plan_customer(rng: random.Random, profile: str, leader: int, grid: GridSpec, seed: int) -> PlannedCustomer:
    county = grid.county
    if profile == "household":
        number = id_card(grid.region, leader, seed)
        name = _person_name(rng, male=int(number[16]) % 2 == 1)
        phone = rng.choice(("13", "15", "18", "17", "19")) + f"{rng.randrange(10**9):09d}"
        email = f"{rng.randrange(10**6, 10**10)}@example.com" if rng.random() < 0.1 else ""
        return PlannedCustomer(leader, CustomerKind.INDIVIDUAL, name, phone, email, number, False)
    phone = f"0576-8{rng.randrange(10**7):07d}"
    number = credit_code(grid.region, leader, seed, sole_trader=profile == "shop")
    if profile == "shop":
        name = f"{county}{rng.choice(TRADE_NAMES)}{rng.choice(SHOP_TRADES)}"
        return PlannedCustomer(leader, CustomerKind.ORGANISATION, name, phone, "", number, False)
    if is_important := rng.random() < 0.2:
        name = f"{county}{rng.choice(INSTITUTIONS)}"
    else:
        name = f"台州市{county[:2]}{rng.choice(TRADE_NAMES)}{rng.choice(INDUSTRIES)}有限公司"
    return PlannedCustomer(
        leader, CustomerKind.ORGANISATION, name, phone, f"energy{leader}@example.com", number, is_important
    )


def _plan_account(
    rng: random.Random,
    index: int,
    customer: PlannedCustomer,
    grid: GridSpec,
    customer_class: CustomerClass,
    periods: Sequence[date],
) -> PlannedAccount:
    spec = CLASSES[customer_class]
    capacity = rng.choice(spec.capacities)
    if customer_class == RES:
        tariff = "ZJ-RES-TOU" if rng.random() < 0.6 else FLAT_TARIFF
    else:
        tariff = "ZJ-LARGE-IND" if customer_class == HV and capacity >= 315 else "ZJ-GEN-IND"
    status, idle_months = _plan_status(rng)
    usage = _plan_usage(rng, spec, capacity, tariff != FLAT_TARIFF, idle_months, periods)
    return PlannedAccount(
        index=index,
        number=account_number(index),
        customer=customer,
        grid=grid,
        address=_plan_address(rng, grid, housing=customer_class == RES),
        customer_class=customer_class,
        capacity_kva=capacity,
        tariff_code=tariff,
        is_important=customer.is_important and customer_class == HV,
        status=status,
        opened_on=date(1998, 1, 1) + timedelta(days=rng.randrange(8_400)),
        usage=usage,
    )


def _plan_status(rng: random.Random) -> tuple[AccountStatus, int]:
    """The status, and how many of the last months read nothing because of it."""
    draw = rng.random()
    if draw < 0.02:
        return AccountStatus.CLOSED, rng.randint(3, 9)
    if draw < 0.05:
        return AccountStatus.SUSPENDED, rng.randint(1, 3)
    return AccountStatus.ACTIVE, 0


def _plan_address(rng: random.Random, grid: GridSpec, *, housing: bool) -> str:
    """A flat in a residential estate, or a house number in a village, on an island or for a business."""
    if housing and not grid.address.endswith(("村", "岛")):
        building, unit, floor, room = rng.randint(1, 30), rng.randint(1, 4), rng.randint(1, 18), rng.randint(1, 4)
        return f"{grid.address}{building}幢{unit}单元{floor}{room:02d}室"
    return f"{grid.address}{rng.randint(1, 400)}号"


def _plan_usage(
    rng: random.Random, spec: ClassSpec, capacity: int, tou: bool, idle_months: int, periods: Sequence[date]
) -> tuple[tuple[int, int | None, int | None], ...]:
    base = capacity * rng.uniform(*spec.kwh_per_kva) * 100
    valley_share = rng.uniform(0.30, 0.45)
    first_idle = len(periods) - idle_months
    usage = []
    for position, period in enumerate(periods):
        season = 1 + (SEASON[period.month] - 1) * spec.seasonality
        if period.month == 2:
            season *= spec.february
        total = round(base * season * rng.uniform(0.9, 1.1)) if position < first_idle else 0
        valley = round(total * (valley_share + rng.uniform(-0.03, 0.03)))
        usage.append((total, total - valley, valley) if tou else (total, None, None))
    return tuple(usage)


def plan_accounts(seed: int, indices: range, periods: Sequence[date]) -> list[PlannedAccount]:
    """The planned accounts whose index is in `indices`."""
    first, last = indices[0] // BLOCK_SIZE, indices[-1] // BLOCK_SIZE
    return [
        account
        for block in range(first, last + 1)
        for account in plan_block(seed, block, periods)
        if account.index in indices
    ]


def identity_number(seed: int, index: int) -> str:
    """The full identity number of the customer holding demo account `index`: a proof for tests and demos."""
    (account,) = plan_accounts(seed, range(index, index + 1), reading_periods(timezone.localdate()))
    return account.customer.id_number


# --- Seeding -----------------------------------------------------------------------------------------------


@dataclass
class Counts:
    customers: int = 0
    accounts: int = 0
    readings: int = 0

    def add(self, other: Counts) -> None:
        self.customers += other.customers
        self.accounts += other.accounts
        self.readings += other.readings


def seed_city(
    *, seed: int, accounts: int, chunk_size: int = CHUNK_SIZE, progress: Callable[[int], object] = lambda n: None
) -> Counts:
    """Build the demo city, or complete it: master data, `accounts` accounts with readings, demo customers."""
    # One hash for every demo user: PBKDF2 takes a good part of a second per call, and the password is public.
    password = make_password(DEMO_PASSWORD)
    seed_master_data(seed=seed, password=password)
    counts = seed_accounts(seed=seed, accounts=accounts, chunk_size=chunk_size, progress=progress)
    seed_demo_customers(seed=seed, password=password)
    return counts


@transaction.atomic
def seed_master_data(*, seed: int, password: str) -> None:
    """Create or update the department tree, the staff and the 台区, found by their codes and usernames."""
    departments = _seed_departments()
    users = {login.username: _seed_user(login, departments, password) for login in staff_roster(seed)}
    owners = grid_owners()
    for grid in GRIDS:
        ServiceGrid.objects.update_or_create(
            code=grid.code,
            defaults={
                "name": grid.name,
                "area_type": grid.area_type,
                "department": departments[grid.station],
                "manager": users[owners[grid.code]],
            },
        )


def _seed_departments() -> dict[str, Department]:
    tree = [(*CITY, DepartmentKind.MANAGEMENT, None)]
    tree += [(code, name, kind, CITY[0]) for code, name, kind in CITY_DEPARTMENTS]
    for branch in BRANCHES:
        tree.append((branch.code, branch.name, DepartmentKind.MANAGEMENT, CITY[0]))
        tree += [(s.code, s.name, DepartmentKind.SUPPLY_STATION, branch.code) for s in branch.stations]
        tree.append((f"{branch.code}-QX", f"{branch.county}抢修班", DepartmentKind.OPERATIONS, branch.code))
    departments: dict[str, Department] = {}
    for code, name, kind, parent in tree:
        departments[code], _ = Department.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": departments.get(parent)}
        )
    return departments


def _seed_user(login: Login, departments: dict[str, Department], password: str) -> User:
    is_admin = login.role == Role.ADMINISTRATOR
    defaults = {
        "full_name": login.full_name,
        "role": login.role,
        "department": departments[login.department] if login.department else None,
        "is_staff": is_admin,
        "is_superuser": is_admin,
        "is_available": login.username not in OFF_DUTY,
    }
    # An existing user keeps the password they may have changed.
    user, _ = User.objects.update_or_create(
        username=login.username, defaults=defaults, create_defaults={**defaults, "password": password}
    )
    return user


def seed_accounts(
    *, seed: int, accounts: int, chunk_size: int = CHUNK_SIZE, progress: Callable[[int], object] = lambda n: None
) -> Counts:
    """Make sure accounts 0 … accounts−1 exist with their customers and readings; add only the missing ones."""
    periods = reading_periods(timezone.localdate())
    grid_ids = dict(ServiceGrid.objects.filter(code__in=[g.code for g in GRIDS]).values_list("code", "id"))
    counts = Counts()
    for start in range(0, accounts, chunk_size):
        indices = range(start, min(start + chunk_size, accounts))
        counts.add(_seed_chunk(seed, indices, periods, grid_ids))
        progress(len(indices))
        if settings.DEBUG:
            # Django keeps the SQL of the last 9,000 queries under DEBUG: with bulk inserts, gigabytes.
            reset_queries()
    return counts


def _seed_chunk(seed: int, indices: range, periods: Sequence[date], grid_ids: dict[str, int]) -> Counts:
    with transaction.atomic():
        bounds = (account_number(indices[0]), account_number(indices[-1]))
        existing = set(ElectricityAccount.objects.filter(number__range=bounds).values_list("number", flat=True))
        if len(existing) == len(indices):
            return Counts()
        planned = [account for account in plan_accounts(seed, indices, periods) if account.number not in existing]
        customer_ids, new_customers = _customer_ids(planned)
        account_ids = _insert_accounts(planned, customer_ids, grid_ids)
        readings = _insert_readings(planned, account_ids, periods)
    return Counts(new_customers, len(account_ids), readings)


def _customer_ids(planned: list[PlannedAccount]) -> tuple[dict[int, int], int]:
    """The id of every planned account's customer by leader, creating the new ones; and how many were new."""
    customers = {account.customer.leader: account.customer for account in planned}
    planned_indices = {account.index for account in planned}
    # A customer whose first account already exists was created with it, by an earlier chunk or run.
    earlier = {account_number(leader): leader for leader in customers if leader not in planned_indices}
    found = []
    if earlier:
        found = ElectricityAccount.objects.filter(number__in=list(earlier)).values_list("number", "customer_id")
    ids = {earlier[number]: customer_id for number, customer_id in found}
    new = [customers[leader] for leader in customers if leader not in ids]
    created = Customer.objects.bulk_create([_customer(planned) for planned in new], batch_size=BATCH_SIZE)
    ids.update((planned.leader, customer.pk) for planned, customer in zip(new, created, strict=True))
    return ids, len(new)


def _customer(planned: PlannedCustomer) -> Customer:
    customer = Customer(kind=planned.kind, name=planned.name, phone=planned.phone, email=planned.email)
    customer.set_identity_number(planned.id_number)
    return customer


def _insert_accounts(
    planned: list[PlannedAccount], customer_ids: dict[int, int], grid_ids: dict[str, int]
) -> list[int]:
    accounts = [
        ElectricityAccount(
            number=account.number,
            customer_id=customer_ids[account.customer.leader],
            address=account.address,
            grid_id=grid_ids[account.grid.code],
            customer_class=account.customer_class,
            voltage_level=CLASSES[account.customer_class].voltage,
            contracted_capacity_kva=Decimal(account.capacity_kva),
            tariff_code=account.tariff_code,
            is_important=account.is_important,
            status=account.status,
            opened_on=account.opened_on,
        )
        for account in planned
    ]
    return [account.pk for account in ElectricityAccount.objects.bulk_create(accounts, batch_size=BATCH_SIZE)]


def _insert_readings(planned: list[PlannedAccount], account_ids: list[int], periods: Sequence[date]) -> int:
    if connection.vendor == "postgresql":
        return _copy_readings(planned, account_ids, periods)
    readings = [
        MeterReading(
            account_id=account_id, period=period, total_kwh=_kwh(total), peak_kwh=_kwh(peak), valley_kwh=_kwh(valley)
        )
        for account, account_id in zip(planned, account_ids, strict=True)
        for period, (total, peak, valley) in zip(periods, account.usage, strict=True)
    ]
    MeterReading.objects.bulk_create(readings, batch_size=BATCH_SIZE)
    return len(readings)


def _kwh(centi: int | None) -> Decimal | None:
    return None if centi is None else Decimal(centi).scaleb(-2)


def _copy_readings(planned: list[PlannedAccount], account_ids: list[int], periods: Sequence[date]) -> int:
    """Stream the readings with COPY: on PostgreSQL several times faster than INSERT for a million rows."""
    text = io.StringIO()
    days = [period.isoformat() for period in periods]
    for account, account_id in zip(planned, account_ids, strict=True):
        for day, (total, peak, valley) in zip(days, account.usage, strict=True):
            text.write(f"{account_id}\t{day}\t{_copy_kwh(total)}\t{_copy_kwh(peak)}\t{_copy_kwh(valley)}\n")
    table = MeterReading._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} (account_id, period, total_kwh, peak_kwh, valley_kwh) FROM STDIN") as copy,
    ):
        copy.write(text.getvalue())
    return len(planned) * len(periods)


def _copy_kwh(centi: int | None) -> str:
    return r"\N" if centi is None else f"{centi // 100}.{centi % 100:02d}"


# --- Demo customers with web logins ------------------------------------------------------------------------


def demo_customer_accounts(seed: int) -> dict[str, list[str]]:
    """The account numbers each demo customer login holds: a household with two homes, and one with one."""
    planned = plan_block(seed, 0, reading_periods(timezone.localdate()))
    by_leader: dict[int, list[PlannedAccount]] = {}
    for account in planned:
        by_leader.setdefault(account.customer.leader, []).append(account)
    households = [accounts for accounts in by_leader.values() if accounts[0].customer_class == RES]
    two_homes = max(
        (accounts for accounts in households if len(accounts) == 2),
        key=lambda accounts: _served_by_walk_crew(accounts) and _all_active(accounts),
    )  # the first of the best: max keeps the first of equals
    one_home = next(
        accounts
        for accounts in households
        if len(accounts) == 1 and accounts[0].tariff_code != FLAT_TARIFF and accounts[0].status == AccountStatus.ACTIVE
    )
    return {
        DEMO_CUSTOMER_PHONE: [account.number for account in two_homes],
        DEMO_CUSTOMER_EMAIL: [account.number for account in one_home],
    }


def _served_by_walk_crew(accounts: list[PlannedAccount]) -> bool:
    """Whether the accounts' 台区 are in the branch whose repair team `WALK_CREW` belongs to."""
    team = next(login.department for login in DEMO_STAFF if login.username == WALK_CREW)
    branch = team.removesuffix("-QX")
    return all(account.grid.station.startswith(f"{branch}-") for account in accounts)


def _all_active(accounts: list[PlannedAccount]) -> bool:
    return all(account.status == AccountStatus.ACTIVE for account in accounts)


@transaction.atomic
def seed_demo_customers(*, seed: int, password: str) -> None:
    """Create the demo customers' web logins and link them to their accounts, where these exist and are free."""
    for login, numbers in demo_customer_accounts(seed).items():
        holder = Customer.objects.filter(accounts__number=numbers[0]).first()
        is_phone = login.isdigit()
        defaults = {"full_name": holder.name if holder else "", "role": Role.CUSTOMER}
        user, _ = User.objects.update_or_create(
            username=login,
            defaults=defaults,
            create_defaults={
                **defaults,
                "phone": login if is_phone else "",
                "email": "" if is_phone else login,
                "password": password,
            },
        )
        free = ElectricityAccount.objects.filter(number__in=numbers, linked_user=None)
        free.update(linked_user=user, linked_at=timezone.now())


def demo_logins() -> list[User]:
    """The users behind the known demo logins, in the order the README lists them."""
    usernames = [login.username for login in DEMO_STAFF] + list(DEMO_CUSTOMERS)
    users = {user.username: user for user in User.objects.filter(username__in=usernames).select_related("department")}
    return [users[username] for username in usernames if username in users]
