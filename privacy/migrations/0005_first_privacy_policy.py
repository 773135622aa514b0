import datetime

from django.db import migrations

BODY = """## Who we are
SesioCloset is a wardrobe app for people aged 17 and over. This policy says what we keep about you, why, for how long, and how you stay in control. Every promise here is enforced by the product's code and checked by its automated tests.

## What we keep
Your account (e-mail address, display name, and that you passed the age check: never your date of birth). Your profile, if you fill it in: avatar, language, time zone, measurements and style preferences. Your closet: garments, photos, what you wore when, outfits, plans and trips. The devices signed in to your account, recognised by a random cookie of which we keep only a scrambled copy. Your consent choices, as proof. The full list, table by table, is under "What we keep" below.

## Photos
Photos are stored privately and shown only through links that expire after a few minutes. We remove all metadata (such as the place a photo was taken) from every photo, and we never look for faces.

## Outfit ideas
If you ask for outfit ideas, they are computed on our own servers from your closet, favouring what you have not worn in a while. A photo or text you upload for inspiration is deleted as soon as the idea is ready. Ideas are suggestions; you decide.

## Consent
Location, AI uploads, body photos, news by e-mail, usage analytics and each store you connect each need your consent, which you can give and withdraw in Settings → Privacy as easily as you gave it. Before you choose, we set only the cookies needed to keep you signed in and secure. Your browser's Global Privacy Control signal counts as a no. We keep proof of each choice while it stands and up to 24 months after you withdraw it.

## Your rights
You can see, export (a machine-readable copy), correct, restrict and delete your data from Settings, or by writing to us; we answer within 5 business days. When you delete your account we sign you out everywhere at once and erase your data within 30 days; every store you connected is told to delete what it received.

## How long we keep things
Your closet stays while your account exists. Usage analytics: up to 12 months. Support messages: up to 6 months. Security logs: up to 90 days. Export files: 7 days. Uploads for outfit ideas: deleted right after use.

## Sharing
We do not sell your data. Nothing leaves SesioCloset except to a store you connect, and then only the fields you agreed to, under a pseudonym only that store sees.

## Changes
When we change this policy in a way that matters, we tell you in the app and by e-mail at least 30 days before the change takes effect. Past versions stay on this page."""


def publish_first_version(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    PolicyVersion.objects.get_or_create(
        kind="privacy",
        version="2026-11-01",
        defaults={
            "body": BODY,
            "summary_of_changes": "First version.",
            "material": False,
            "effective_on": datetime.date(2026, 11, 1),
            "published_at": datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_policies")]
    operations = [migrations.RunPython(publish_first_version, migrations.RunPython.noop)]
