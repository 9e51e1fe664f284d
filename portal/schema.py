"""The OpenAPI schema tells every status an operation can answer, with the body each error comes in.

Views declare their own successes and the refusals particular to them (409, a throttled link's 429); the
errors that follow from how the API is built are added here, for every operation, so that no view can
forget them and generated clients know them:

- 400 on every operation: the input middleware refuses control characters in any path or query
  (portal.middleware_input), and a body or a filter can be malformed;
- 401 where an authentication class asks for credentials (a WWW-Authenticate header), else 403 for a caller
  not signed in; 403 too for one not allowed;
- 404 where the path names an object, or a list is paginated (a page past the end);
- 429 where the view has throttles.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": _("What went wrong, in the caller's language.")}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": _(
        "The fields at fault, each with its messages (non_field_errors for the input as a whole); "
        "or, for input that could not be read at all, detail."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


class PortalAutoSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code, description in self._errors(operation).items():
            responses.setdefault(code, {"description": str(description)})
        for code, response in responses.items():
            # Every error DRF answers has a body: the fields at fault for 400, else a detail (409 too).
            if code.startswith(("4", "5")):
                schema = self._component("ValidationError" if code == "400" else "Error")
                response.setdefault("content", {"application/json": {"schema": schema}})
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _errors(self, operation: dict) -> dict[str, str]:
        """The error statuses this operation can answer, each with its description."""
        errors = {"400": _("Malformed input: the fields at fault, or what could not be read.")}
        if self._asks_for_credentials():
            errors["401"] = _("Not signed in.")
        if self._has_permissions():
            errors["403"] = _("Not signed in, or not allowed to do this.")
        in_path = any(parameter["in"] == "path" for parameter in operation.get("parameters", []))
        if in_path or getattr(self.view, "pagination_class", None) and self._is_list_view():
            errors["404"] = _("Not found, or not visible to you.")
        if self.view.get_throttles():
            errors["429"] = _("Too many requests; try again later.")
        return errors

    def _has_permissions(self) -> bool:
        return any(not isinstance(permission, AllowAny) for permission in self.view.get_permissions())

    def _asks_for_credentials(self) -> bool:
        """Whether a caller without credentials gets 401 (DRF answers 403 when no authenticator says how)."""
        return any(
            type(auth).authenticate_header is not BaseAuthentication.authenticate_header
            for auth in self.view.get_authenticators()
        )

    def _component(self, name: str) -> dict:
        schema = ERROR if name == "Error" else VALIDATION_ERROR
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref
