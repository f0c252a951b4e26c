from alembic import context

from intake_api.models import metadata
from shared.alembic_env import run_migrations

run_migrations(context, target_metadata=metadata, url_env_var="INTAKE_DATABASE_URL")
