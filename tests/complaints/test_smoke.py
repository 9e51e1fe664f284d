from complaints import actions
from complaints.actions import Finding
from complaints.models import Accountability
from tests.complaints.conftest import file, walk_to_analysed


def test_the_whole_loop(company):
    order = file(company)
    assert order.assigned_to == company.handler
    order = walk_to_analysed(company, order)
    order = actions.rectify(order, by=company.handler, rectification="更换配变")
    order = actions.verify(order, by=company.manager, note="同意")
    order = actions.answer(order, by=company.handler, reply="已更换配变")
    order = actions.record_visit(order, by=company.handler, satisfied=True)
    order = actions.assess(
        order, by=company.manager, finding=actions.Finding(department=company.station, finding="末端电压长期偏低")
    )
    order = actions.close_complaint(order, by=company.handler)
    assert order.status == "closed"
    assert Accountability.objects.count() == 1
    assert Finding
