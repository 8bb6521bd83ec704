# ruff: noqa: RUF012
# The clerk's role (saisie): who types the wards' paper forms by downtime number.

from django.db import migrations, models

import bascule.crisis.roles


class Migration(migrations.Migration):
    dependencies = [
        ("crisis", "0005_identity_role"),
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
                ],
                default=bascule.crisis.roles.Role["OBSERVER"],
                max_length=20,
            ),
        ),
    ]
