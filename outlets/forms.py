"""Forms of the outlets' pages: the finder's search, a counter's transfer and the work orders a ticket led to."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin
from outlets.models import Counter, OutletKind, QueueService, Ticket
from services.models import WorkOrder


class FinderForm(PortalFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Your district, town or community"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 椒江区, 海门街道, 东山新村")}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *OutletKind.choices])


class TransferForm(PortalFormMixin, forms.Form):
    service = forms.ModelChoiceField(label=_("To the service"), queryset=QueueService.objects.none(), required=False)
    counter = forms.ModelChoiceField(label=_("To the counter"), queryset=Counter.objects.none(), required=False)

    def __init__(self, *args: object, ticket: Ticket, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = ticket.outlet.services.filter(is_active=True)
        self.fields["counter"].queryset = ticket.outlet.counters.active().exclude(pk=ticket.counter_id)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("service") and not data.get("counter"):
            raise forms.ValidationError(_("Choose the service or counter to transfer to."))
        return data


class FinishForm(PortalFormMixin, forms.Form):
    orders = forms.CharField(
        label=_("Work orders opened for this customer"),
        required=False,
        max_length=200,
        help_text=_("Their numbers, separated by spaces or commas."),
    )

    def clean_orders(self) -> list[WorkOrder]:
        numbers = [n for n in self.cleaned_data["orders"].replace(",", " ").split() if n]
        if not numbers:
            return []
        # Orders opened today only: a clerk links what they just did, not any order in the city.
        found = list(WorkOrder.objects.filter(number__in=numbers, opened_at__gte=timezone.now() - timedelta(days=1)))
        missing = sorted(set(numbers) - {order.number for order in found})
        if missing:
            raise forms.ValidationError(
                _("No order opened today has the number %(numbers)s.") % {"numbers": ", ".join(missing)}
            )
        return found
