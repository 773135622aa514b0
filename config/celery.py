"""The Celery app. Tasks are thin entry points that call one service; their arguments are ids, never data.

Results are not stored, tasks are acknowledged only after they finish (a worker killed mid-task leaves the
message to be redelivered), and the work a task does is recorded on a database row ("jobs are rows").
"""

from __future__ import annotations

import os
import re
import uuid

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class PersonalDataInTaskArguments(TypeError):
    """A task was sent with something other than ids: personal data would sit in the broker and its logs."""


_ID_STRING = re.compile(r"^[0-9]{1,20}$")


def _is_id(value: object) -> bool:
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, uuid.UUID):
        return True
    if isinstance(value, str):
        if _ID_STRING.match(value):
            return True
        try:
            uuid.UUID(value)
        except ValueError:
            return False
        return True
    return False


def task_arguments_check(task_name: str, args: list | tuple, kwargs: dict) -> None:
    """Refuse any task argument that is not an id (an int or a UUID), so no personal data enters the broker."""
    if task_name.startswith("celery."):
        return
    for position, value in enumerate(args):
        if not _is_id(value):
            raise PersonalDataInTaskArguments(
                f"{task_name}: argument {position} is a {type(value).__name__}; task arguments must be ids."
            )
    for key, value in kwargs.items():
        if not _is_id(value):
            raise PersonalDataInTaskArguments(
                f"{task_name}: argument {key!r} is a {type(value).__name__}; task arguments must be ids."
            )


class IdOnlyTask(Task):
    """Every task of the project: refuses to be sent with arguments that are not ids (see task_arguments_check)."""

    def apply_async(self, args=None, kwargs=None, **options):
        task_arguments_check(self.name, args or (), kwargs or {})
        return super().apply_async(args=args, kwargs=kwargs, **options)


app = Celery("sesiocloset", task_cls=IdOnlyTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
