"""``{% report_workflow report as workflow %}``: the workflow panel's context for the signed-in
user (``workflow_ui.workflow_context``), for a page that includes ``reports/_workflow.html``
without computing it in its view. The permissions are decided in ``access.py``, not here."""

from typing import Any

from django import template

from ..workflow_ui import workflow_context

register = template.Library()


@register.simple_tag(takes_context=True)
def report_workflow(context: Any, report: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return workflow_context(user, report)
