from celery import shared_task


@shared_task
def incident_notify(incident_id: int) -> None:
    from security.services import security_incident_notify

    security_incident_notify(incident_id=incident_id)
