from celery import shared_task


@shared_task
def outfit_job_run(job_id: str) -> None:
    from closet.services.ideas import outfit_job_run as run

    run(job_id=job_id)


@shared_task
def outfit_jobs_sweep() -> None:
    from closet.services.ideas import outfit_jobs_sweep as sweep

    sweep()
