from datetime import datetime

from ninja import Field, Schema


class AuditFilters(Schema):
    object_type: str | None = Field(None, description="`app_label.model`, e.g. catalog.serviceitem")
    object_id: str | None = None
    since: datetime | None = Field(None, description="Entries at or after this time.")


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor: str = Field(description="The actor's name when the change was made, or `system`.")
    source: str = Field(description="web, api, import, cli, test …")
    action: str
    object_type: str
    object_id: str
    object_repr: str
    parent_type: str
    parent_id: str
    changes: dict = Field(description="Field name → [before, after].")

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_label
