"""Routing: rules by kind and 台区, the defaults without them, and least-loaded assignment of available staff."""

import pytest

from accounts.models import DepartmentKind, Role
from services import routing
from services.applications.models import SERVICE_APPLICATION
from services.models import EventKind, Notification, RoutingRule, Status
from services.repair.models import FAULT_REPAIR
from tests.factories import DepartmentFactory, ServiceGridFactory, StaffFactory, WorkOrderFactory


@pytest.fixture
def repair_team(company):
    """The branch's 抢修班, beside the supply station that owns the 台区."""
    return DepartmentFactory(code="C0001-QX", name="城东抢修班", kind=DepartmentKind.OPERATIONS, parent=company)


def crew(team, name: str, *, available: bool = True):
    return StaffFactory(username=name, role=Role.REPAIR_CREW, department=team, is_available=available)


def give(person, count: int, *, status: str = Status.ASSIGNED) -> None:
    for _ in range(count):
        WorkOrderFactory(assigned_to=person, department=person.department, status=status)


def test_without_rules_an_order_goes_to_its_grids_department_and_customer_manager(grid, station, grace):
    order = WorkOrderFactory(grid=grid)

    assert routing.route(order) == (station, grace)


def test_an_unavailable_customer_manager_is_stood_in_for_by_the_least_loaded_colleague(grid, station, grace):
    grace.is_available = False
    grace.save(update_fields=["is_available"])
    busy = StaffFactory(role=Role.GRID_MANAGER, department=station)
    free = StaffFactory(role=Role.GRID_MANAGER, department=station)
    give(busy, 2)
    order = WorkOrderFactory(grid=grid)

    assert routing.route(order) == (station, free)


def test_without_rules_a_fault_goes_to_the_repair_team_beside_the_grids_station(grid, repair_team, ray):
    li = crew(repair_team, "li")
    order = WorkOrderFactory(grid=grid, kind=FAULT_REPAIR)

    assert routing.route(order) == (repair_team, li)


def test_a_station_with_no_repair_team_beside_it_repairs_with_its_own_crew(grid, station, ray):
    order = WorkOrderFactory(grid=grid, kind=FAULT_REPAIR)

    assert routing.route(order) == (station, ray)


def test_an_order_with_no_grid_is_left_for_someone_to_route_by_hand(db):
    order = WorkOrderFactory(grid=None)

    assert routing.route(order) == (None, None)


def test_least_loaded_picks_the_available_member_with_the_fewest_open_orders(repair_team, django_assert_num_queries):
    first, second, third = crew(repair_team, "a"), crew(repair_team, "b"), crew(repair_team, "c")
    crew(repair_team, "away", available=False)
    give(first, 2)
    give(second, 1)
    give(second, 5, status=Status.CLOSED)  # closed orders are no load
    give(third, 1, status=Status.IN_PROGRESS)
    give(third, 1, status=Status.WAITING_CUSTOMER)

    with django_assert_num_queries(1):
        chosen = routing.least_loaded(repair_team, Role.REPAIR_CREW)

    assert chosen == second


def test_least_loaded_breaks_ties_by_the_earliest_id_and_skips_the_unavailable(repair_team):
    crew(repair_team, "away", available=False)
    earlier, later = crew(repair_team, "a"), crew(repair_team, "b")

    assert routing.least_loaded(repair_team, Role.REPAIR_CREW) == earlier
    assert routing.least_loaded(repair_team, Role.REPAIR_CREW, exclude=earlier) == later


def test_least_loaded_finds_nobody_when_the_whole_team_is_away(repair_team):
    crew(repair_team, "away", available=False)
    StaffFactory(role=Role.COUNTER_STAFF, department=repair_team)

    assert routing.least_loaded(repair_team, Role.REPAIR_CREW) is None


def test_a_kind_wide_rule_overrides_the_default(grid, company):
    centre = DepartmentFactory(kind=DepartmentKind.CUSTOMER_SERVICE, parent=company)
    handler = StaffFactory(role=Role.COMPLAINT_HANDLER, department=centre)
    RoutingRule.objects.create(order_kind=SERVICE_APPLICATION, team=centre, role=Role.COMPLAINT_HANDLER)

    assert routing.route(WorkOrderFactory(grid=grid)) == (centre, handler)


def test_a_rule_for_another_kind_does_not_apply(grid, station, grace, company):
    centre = DepartmentFactory(kind=DepartmentKind.CUSTOMER_SERVICE, parent=company)
    RoutingRule.objects.create(order_kind="complaint", team=centre, role=Role.COMPLAINT_HANDLER)

    assert routing.route(WorkOrderFactory(grid=grid)) == (station, grace)


def test_the_most_specific_rule_wins_grid_over_department_over_kind(grid, station, company):
    teams = [DepartmentFactory(parent=company) for _ in range(3)]
    people = [StaffFactory(role=Role.INSPECTOR, department=team) for team in teams]
    kind = SERVICE_APPLICATION
    RoutingRule.objects.create(order_kind=kind, grid=grid, team=teams[0], role=Role.INSPECTOR)
    RoutingRule.objects.create(order_kind=kind, source_department=station, team=teams[1], role=Role.INSPECTOR)
    RoutingRule.objects.create(order_kind=kind, team=teams[2], role=Role.INSPECTOR)
    elsewhere = ServiceGridFactory(department=station)
    other_station = ServiceGridFactory(department=DepartmentFactory(parent=company))

    assert routing.route(WorkOrderFactory(grid=grid)) == (teams[0], people[0])
    assert routing.route(WorkOrderFactory(grid=elsewhere)) == (teams[1], people[1])
    assert routing.route(WorkOrderFactory(grid=other_station)) == (teams[2], people[2])


def test_route_order_assigns_the_chosen_person(grid, station, grace, charlie):
    order = WorkOrderFactory(grid=grid)

    order = routing.route_order(order, by=charlie)

    assert (order.status, order.department, order.assigned_to) == (Status.ASSIGNED, station, grace)
    assert Notification.objects.filter(template="order_assigned", recipient=grace).exists()


def test_with_nobody_free_the_order_waits_in_the_teams_queue_and_its_supervisor_hears(grid, repair_team, company, mona):
    crew(repair_team, "away", available=False)
    order = WorkOrderFactory(grid=grid, kind=FAULT_REPAIR)

    order = routing.route_order(order, by=None)

    assert (order.status, order.department, order.assigned_to) == (Status.NEW, repair_team, None)
    event = order.events.get()
    assert (event.kind, event.note) == (EventKind.TRANSFERRED, str(routing.NOBODY_FREE))
    assert Notification.objects.filter(template="order_transferred", recipient=mona).exists()
