from celery import shared_task


@shared_task
def private_storage_orphans_sweep() -> None:
    from core.services import private_storage_orphans_sweep as sweep

    sweep()
