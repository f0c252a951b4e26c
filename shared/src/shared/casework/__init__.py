"""The casework kit: the cross-cutting parts of casework every stage uses (architecture.md).

The guidance states these once for every stage (requirements.md XC-TIM, XC-COM, XC-ROL, XC-AUD),
so they are written once here and each service keeps its own tables in its own database:

- ``deadlines``: clocks as data: a rule, the original due date, extensions that never overwrite
  it, and the effective due date kept by the database (DESIGN §5, XC-TIM);
- ``communications``: contact attempts and letters, emails and calls, with recipients by person
  or organisation id and the documents enclosed (XC-COM);
- ``tasks``: follow-up work a rule leaves on a case;
- ``approvals``: acts under the delegation scheme: who asked, who approved at which level, and
  the evidence (XC-ROL, requirements §0.2);
- ``timeline``: a case's history, read from the audit trail (XC-AUD).

Each part is a model mixin (the columns every service shares; the service adds its ``case_id``
foreign key and its own closed list of kinds) plus plain functions. None holds a stage's rules.
"""
