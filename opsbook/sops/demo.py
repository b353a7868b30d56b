"""Demo procedures: fault handling on the IT support service (TEC-003) and complaint handling
for every complaint. Idempotent: a procedure that exists by name is left as it is."""

from typing import Any

from opsbook.accounts.choices import Role
from opsbook.catalog.models import ServiceItem

from . import services
from .choices import Evidence
from .models import Procedure
from .services import StepSpec

FAULT = "IT 故障处理流程"
COMPLAINT = "投诉处理流程"


def _steps() -> dict[str, list[StepSpec]]:
    return {
        FAULT: [
            StepSpec(
                "受理登记",
                time_limit_minutes=30,
                checklist=["核对报修人和联系方式", "记录故障现象"],
            ),
            StepSpec("远程诊断", time_limit_minutes=120, evidence=Evidence.NOTE),
            StepSpec("现场处理", time_limit_minutes=480, evidence=Evidence.ATTACHMENT),
            StepSpec("用户确认", responsible_role=Role.AGENT, checklist=["电话确认已恢复"]),
        ],
        COMPLAINT: [
            StepSpec("登记投诉并致歉", time_limit_minutes=60, evidence=Evidence.NOTE),
            StepSpec(
                "调查原因",
                responsible_role=Role.MANAGER,
                time_limit_minutes=960,
                evidence=Evidence.NOTE,
            ),
            StepSpec("答复客户", time_limit_minutes=480, evidence=Evidence.LINK),
            StepSpec("回访", checklist=["确认客户满意", "记录改进措施"]),
        ],
    }


def load_procedures(actor: Any) -> int:
    """Create the demo procedures that are missing; returns how many were created."""
    created = 0
    fault_item = ServiceItem.objects.filter(code="TEC-003").first()
    for name, steps in _steps().items():
        if Procedure.objects.filter(name=name).exists():
            continue
        services.do_create_procedure(
            actor,
            name=name,
            steps=steps,
            items=[fault_item] if name == FAULT and fault_item is not None else [],
            ticket_types=["complaint"] if name == COMPLAINT else [],
            note="演示数据",
            source="demo",
        )
        created += 1
    return created
