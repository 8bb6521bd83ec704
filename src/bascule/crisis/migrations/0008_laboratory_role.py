# ruff: noqa: RUF012
# The laboratory's role: who scans samples and enters results at the bench (issue 19).

from django.db import migrations, models

import bascule.crisis.roles


class Migration(migrations.Migration):
    dependencies = [
        ("crisis", "0007_exercises"),
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
                    ("saisie", "saisie"),
                    ("facilitator", "facilitator"),
                    ("laboratory", "laboratory"),
                ],
                default=bascule.crisis.roles.Role["OBSERVER"],
                max_length=20,
            ),
        ),
    ]
