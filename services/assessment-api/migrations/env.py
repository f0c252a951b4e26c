from alembic import context

from assessment_api.models import metadata
from shared.alembic_env import run_migrations

run_migrations(
    context,
    target_metadata=metadata,
    url_env_var="ASSESSMENT_MIGRATION_DATABASE_URL",
    runtime_role_env_var="ASSESSMENT_DB_RUNTIME_ROLE",
)
