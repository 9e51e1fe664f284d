"""factory_boy factories for the master data. Identity numbers are generated valid (GB 11643 check digit)."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from accounts import identity
from accounts.models import (
    AreaType,
    Customer,
    CustomerClass,
    Department,
    DepartmentKind,
    ElectricityAccount,
    MeterReading,
    Role,
    ServiceGrid,
    User,
    VoltageLevel,
)


def id_card_number(n: int) -> str:
    """A valid resident ID card number, different for every n (Hangzhou Xihu district, born 1980)."""
    first17 = f"330106198001{n % 10**5:05d}"
    return first17 + identity.id_card_check_char(first17)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"供电所 {n}")
    kind = DepartmentKind.SUPPLY_STATION


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.CUSTOMER
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class StaffFactory(UserFactory):
    role = Role.COUNTER_STAFF
    department = factory.SubFactory(DepartmentFactory)


class ServiceGridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceGrid

    code = factory.Sequence(lambda n: f"TQ{n:05d}")
    name = factory.Sequence(lambda n: f"台区 {n}")
    area_type = AreaType.URBAN
    department = factory.SubFactory(DepartmentFactory)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"客户{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")

    @factory.post_generation
    def id_number(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_identity_number(extracted or id_card_number(self.pk or Customer.objects.count() + 1))
        if create:
            self.save()


class ElectricityAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ElectricityAccount

    number = factory.Sequence(lambda n: f"33{n:08d}")
    customer = factory.SubFactory(CustomerFactory)
    address = factory.Sequence(lambda n: f"杭州市西湖区文三路 {n} 号")
    grid = factory.SubFactory(ServiceGridFactory)
    customer_class = CustomerClass.LV_RESIDENTIAL
    voltage_level = VoltageLevel.V220
    contracted_capacity_kva = Decimal("8.0")
    tariff_code = "ZJ-RES-TIER"


class MeterReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeterReading

    account = factory.SubFactory(ElectricityAccountFactory)
    period = date(2026, 10, 1)
    total_kwh = Decimal("230.00")
    peak_kwh = Decimal("150.00")
    valley_kwh = Decimal("80.00")


# --- Work orders (services) ---------------------------------------------------------------------------------
# A bare order row, for tests of routing, queues and transitions; the flows themselves open orders through
# services.repair and services.applications.


class WorkOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "services.WorkOrder"

    number = factory.Sequence(lambda n: f"20260101{n:08d}")
    kind = "service_application"
    sub_type = "other"
    channel = "web"
    description = "A test request"
    grid = factory.SubFactory(ServiceGridFactory)
    opened_at = factory.LazyFunction(timezone.now)
