# ruff: noqa: RUF012
# The identity officer's role (identitovigilance): who decides what a downtime number turned out to be.

from django.db import migrations, models

import bascule.crisis.roles


class Migration(migrations.Migration):
    dependencies = [
        ("crisis", "0004_must_change_password"),
    ]

    operations = [
        migrations.AlterField(
            model_name="account",
            name="role",
            field=models.CharField(
                choices=[
                    ("director", "director"),
                    ("it", "it"),
                    ("medical", "medical"),
                    ("communications", "communications"),
                    ("observer", "observer"),
                    ("admin", "admin"),
                    ("identity", "identity"),
                ],
                default=bascule.crisis.roles.Role["OBSERVER"],
                max_length=20,
            ),
        ),
    ]
