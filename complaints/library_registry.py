"""What meetings, improvement actions and the case library register with the backbone: messages and menu pages.

Both go on the complaint kind (complaints.kind). Message placeholders: title, due_on (a date), days, level, link.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints import permissions
from services.kinds import Entry
from services.notifications import MessageTemplate

MESSAGES: dict[str, MessageTemplate] = {
    "improvement_action_assigned": MessageTemplate(
        _("Improvement action for you: %(title)s"),
        _("An analysis meeting gave you an improvement action, due on %(due_on)s: %(title)s. %(link)s"),
    ),
    "improvement_action_overdue": MessageTemplate(
        _("Improvement action overdue: %(title)s"),
        _(
            "The improvement action “%(title)s” was due on %(due_on)s and is %(days)s days overdue (warning "
            "level %(level)s). Report it done with its evidence. %(link)s"
        ),
    ),
    "case_assigned_for_study": MessageTemplate(
        _("A typical case to study: %(title)s"),
        _("You are asked to study the typical case “%(title)s” and note what you take away from it. %(link)s"),
    ),
}


def _may(what: str) -> Callable[[User], bool]:
    return lambda user: permissions.may(user, what)


# Staff pages in the menu (services.kinds.Entry tools of the complaint kind).
TOOLS: tuple[Entry, ...] = (
    Entry(_("Analysis meetings"), "complaints:meetings", shown_to=_may("see_meetings")),
    Entry(_("Improvement actions"), "complaints:actions", shown_to=_may("see_meetings")),
    Entry(_("My improvement actions"), "complaints:my-actions", shown_to=_may("complete_action")),
    Entry(_("Typical-case library"), "complaints:library", shown_to=_may("read_library")),
    Entry(_("My study list"), "complaints:my-study", shown_to=_may("read_library")),
)
