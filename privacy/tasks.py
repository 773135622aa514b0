from celery import shared_task


@shared_task
def consent_events_purge() -> None:
    from privacy.services import consent_events_purge as purge

    purge()


@shared_task
def newsletter_send(newsletter_id: int) -> None:
    from privacy.services import newsletter_send as send

    send(newsletter_id=newsletter_id)


@shared_task
def policy_announce(policy_id: int) -> None:
    from privacy.services import policy_announce as announce

    announce(policy_id=policy_id)


@shared_task
def export_build(job_id: str) -> None:
    from privacy.services import export_build as build

    build(job_id=job_id)


@shared_task
def export_bundles_expire() -> None:
    from privacy.services import export_bundles_expire as expire

    expire()


@shared_task
def privacy_requests_digest() -> None:
    from privacy.services import privacy_requests_due_soon_digest as digest

    digest()


@shared_task
def privacy_request_identity_code_send(request_id: str) -> None:
    """RGT-6: e-mail a new one-time code to the account an e-mailed request concerns (made here, not queued)."""
    from privacy.services import privacy_request_identity_code_send as send

    send(request_id=request_id)


@shared_task
def account_erasure_notice_send(erasure_id: str) -> None:
    from privacy.erasure import account_erasure_notice_send as send

    send(erasure_id=erasure_id)


@shared_task
def account_erasures_due_run() -> None:
    """RET-1: erase the closed accounts whose grace period is over."""
    from privacy.erasure import account_erasures_due_run as run

    run()


@shared_task
def retention_sweep() -> None:
    """RET-2, RET-3, RET-4: delete rows older than the retention period their model declares."""
    from privacy.retention import retention_sweep as sweep

    sweep()
