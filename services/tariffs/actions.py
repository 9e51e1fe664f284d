"""Asking to change tariff: a change request filed as a service application (sub-type "other") for the account,
recorded as a TariffSwitch (from, to) so the guide knows one is open.

The tariff is changed by staff in the billing system once they have checked the request; the order carries
the request, its time limit (5 working days) and the customer's progress like any other application.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import ElectricityAccount, User
from services.applications.actions import file_service_application
from services.applications.models import ServiceApplicationType
from services.models import Channel, WorkOrder
from services.tariffs import guide
from services.tariffs.models import Tariff, TariffSwitch


def request_switch(account: ElectricityAccount, *, by: User, tariff_code: str) -> WorkOrder:
    """File a request to move `account` to the tariff `tariff_code`; refused where it may not switch."""
    if not guide.may_switch(account):
        raise ValidationError(_("This account's tariff is set by its supply contract; ask at a business hall."))
    options = {tariff.code: tariff for tariff in guide.options_for(guide.province_of(account))}
    target: Tariff | None = options.get(tariff_code)
    if target is None or tariff_code == account.tariff_code:
        raise ValidationError(_("Choose another tariff available to this account."))
    if pending_switch(account) is not None:
        raise ValidationError(_("A request to change this account's tariff is already open."))
    description = _("Please change the tariff of account %(number)s from %(current)s to %(target)s.") % {
        "number": account.number,
        "current": account.tariff_code,
        "target": f"{target.name} ({target.code})",
    }
    with transaction.atomic():
        order = file_service_application(
            by=by,
            channel=Channel.WEB,
            application_type=ServiceApplicationType.OTHER,
            description=description,
            account=account,
        )
        TariffSwitch.objects.create(order=order, account=account, from_code=account.tariff_code, to_code=target.code)
    return order


def pending_switch(account: ElectricityAccount) -> WorkOrder | None:
    """The account's open request to change tariff, if any."""
    switch = TariffSwitch.objects.filter(account=account, order__in=WorkOrder.objects.open()).first()
    return switch.order if switch else None
