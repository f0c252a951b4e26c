-- One database per service, owned by its migration role; only that service's two roles may
-- connect to it. Run by a superuser with psql, after the roles exist (CloudNativePG creates them
-- from the Cluster's managed.roles; deploy/compose/10-roles.sh creates them for Compose).
-- Idempotent: run it again after adding a service or to repair grants made by hand.
\set ON_ERROR_STOP on

SELECT format('CREATE DATABASE %I OWNER %I', d.name, d.owner)
FROM (VALUES
    ('casework_intake', 'intake_migrator'),
    ('casework_assessment', 'assessment_migrator'),
    ('casework_investigation', 'investigation_migrator'),
    ('casework_compliance', 'compliance_migrator')
) AS d (name, owner)
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d.name)
\gexec

-- The owner (the migration role) keeps every right. PUBLIC, which every role is a member of,
-- loses CONNECT and TEMPORARY: a role not granted CONNECT below cannot open the database at
-- all, so no service can read another's. The runtime role's rights inside the database are
-- granted by the migrations (shared.db_roles.runtime_grants), never here.
ALTER DATABASE casework_intake OWNER TO intake_migrator;
REVOKE ALL ON DATABASE casework_intake FROM PUBLIC;
GRANT CONNECT ON DATABASE casework_intake TO intake_runtime;

ALTER DATABASE casework_assessment OWNER TO assessment_migrator;
REVOKE ALL ON DATABASE casework_assessment FROM PUBLIC;
GRANT CONNECT ON DATABASE casework_assessment TO assessment_runtime;

ALTER DATABASE casework_investigation OWNER TO investigation_migrator;
REVOKE ALL ON DATABASE casework_investigation FROM PUBLIC;
GRANT CONNECT ON DATABASE casework_investigation TO investigation_runtime;

ALTER DATABASE casework_compliance OWNER TO compliance_migrator;
REVOKE ALL ON DATABASE casework_compliance FROM PUBLIC;
GRANT CONNECT ON DATABASE casework_compliance TO compliance_runtime;
