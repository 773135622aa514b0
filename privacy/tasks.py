from celery import shared_task


@shared_task
def consent_events_purge() -> None:
    from privacy.services import consent_events_purge as purge

    purge()
