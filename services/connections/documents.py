"""The document checklist of each application type, as data (DOMAIN.md section 4).

Everyone: identity proof and property proof (a deed, or a filed purchase or lease contract with the owner's
consent); through an agent also the power of attorney and the agent's identity proof; high voltage also the
list of loads and the design drawings.
"""

from __future__ import annotations

from services.connections.models import DocumentCode
from services.connections.stages import is_high_voltage

EVERYONE = (DocumentCode.IDENTITY, DocumentCode.PROPERTY)
DELEGATED = (DocumentCode.POWER_OF_ATTORNEY, DocumentCode.AGENT_IDENTITY)
HIGH_VOLTAGE = (DocumentCode.LOAD_LIST, DocumentCode.DRAWINGS)
CUSTOMER_DOCUMENTS = (*EVERYONE, *DELEGATED, *HIGH_VOLTAGE)


def checklist(connection_type: str, *, is_delegated: bool) -> list[str]:
    """The documents an application of this type must carry."""
    codes = list(EVERYONE)
    if is_delegated:
        codes += DELEGATED
    if is_high_voltage(connection_type):
        codes += HIGH_VOLTAGE
    return codes
