from django.db import migrations

from closet.taxonomy import taxonomy_load


def load(apps, schema_editor):
    taxonomy_load(apps.get_model("closet", "Category"), apps.get_model("closet", "Colour"))


class Migration(migrations.Migration):
    dependencies = [("closet", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
