"""Files follow rows: an attachment's stored file is deleted whenever its row is, whoever deletes it.

A receiver rather than a service, because support rows are also deleted in bulk and by cascade (the retention
sweep, erasure, a deleted account, the admin), where no service of ours runs. Django sends ``post_delete`` for
every attachment row in those cases too, since a model with receivers is never "fast-deleted". So this receiver
is the one thing that deletes attachment files: the model's privacy declaration says so
(``files_deleted_by_signal``), and the retention sweep and erasure leave these files to it.
"""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from core.storage import private_files_delete_on_commit
from support.models import SupportAttachment


@receiver(post_delete, sender=SupportAttachment, dispatch_uid="support_attachment_file_delete")
def support_attachment_file_delete(sender, instance: SupportAttachment, **kwargs) -> None:
    """Delete the attachment's file once the deletion commits (never before: a rollback keeps row and file)."""
    private_files_delete_on_commit(instance.file.name)
