"""``make mutate``: mutation testing of the pure rule modules with cosmic-ray.

Which modules, and the database-free tests that pin each, are in ``tools/mutation/targets.toml``;
the mutants left out of the score, each with its reason, are in
``tools/mutation/equivalent.toml``. cosmic-ray makes the mutants (``init``) and applies each to a
copy of the source (``use_mutation``); its session databases are kept in ``.local/mutate/`` and
``cr-report`` reads them.

Running the tests is ours, for speed: importing the stack (SQLAlchemy, FastAPI, pydantic, pytest
and its plugins) costs seconds, and a mutant needs only a second of tests. Each worker copies the
source tree once. For each target it forks a zygote, which runs the unmutated tests once (they
must pass; it notes which test calls which function of the target), imports every module they
used that does not import the target, directly or not, and then forks one child per mutant. The
child imports the target and its importers afresh from the mutated copy (no bytecode written) and
runs, from the target's test files, the tests that call the mutated function (all of them for a
mutant outside any function), leaving out any test that needs the database (``database_url``
among its fixtures). A failing run, a crash or a timeout kills the mutant; a passing run lets it
survive, and so does a mutant in a function no test calls. A mutant that does not compile is
left out (cosmic-ray would count it killed).

Not in CI (a full run takes tens of minutes on two cores). Quote its score whenever you change
rules.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import fcntl
import gc
import importlib
import json
import multiprocessing
import os
import queue
import shutil
import signal
import sys
import time
import tomllib
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
CONFIG = ROOT / "tools" / "mutation"
WORK = ROOT / ".local" / "mutate"
# Where the project's packages are imported from (the editable installs point here).
SOURCE_ROOTS = (
    "shared/src",
    "tools/src",
    "services/intake-api",
    "services/assessment-api",
    "services/investigation-api",
    "services/compliance-api",
)
PROJECT_PACKAGES = frozenset(
    {"shared", "intake_api", "assessment_api", "investigation_api", "compliance_api", "tests"}
)
COPIED = (*SOURCE_ROOTS, "tests", "pyproject.toml")
DATABASE_FIXTURE = "database_url"
NOT_PYTHON = "not Python: the mutant does not compile (cosmic-ray would count it killed)"


# --- The configuration ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    module: str
    tests: tuple[str, ...]

    @property
    def slug(self) -> str:
        return self.module.removesuffix(".py").replace("/", ".")


@dataclass(frozen=True)
class Exclusion:
    """One entry of equivalent.toml: a mutant (or a whole definition) left out, and why."""

    kind: str  # "equivalent" | "definition"
    module: str
    reason: str
    line: str | None = None
    operator: str | None = None
    mutant: str | None = None
    definition: str | None = None

    def matches(
        self,
        module: str,
        line: str,
        operator: str,
        definition: str | None,
        mutated: Callable[[], str],
    ) -> bool:
        if module != self.module:
            return False
        if self.kind == "definition":
            return definition == self.definition
        if line != self.line:
            return False
        if self.mutant is not None:
            return mutated() == self.mutant
        return operator == self.operator


# The kinds of mutant left out by rule (the code below finds them; equivalent.toml says why).
RULES = ("annotations", "keyword_only_marker", "enum_domain")


@dataclass
class Exclusions:
    entries: list[Exclusion]
    rule_reasons: dict[str, str]
    used: Counter[int] = field(default_factory=Counter)

    def reason_for(
        self,
        module: str,
        line: str,
        operator: str,
        definition: str | None,
        rule: str | None,
        mutated: Callable[[], str],
    ) -> str | None:
        for i, entry in enumerate(self.entries):
            if entry.matches(module, line, operator, definition, mutated):
                self.used[i] += 1
                return entry.reason
        if rule is not None:
            return self.rule_reasons[rule.split(":")[0]] + rule.partition(":")[2]
        return None

    def stale(self, modules: set[str]) -> list[Exclusion]:
        """Entries for the modules run that matched no mutant: the file is no longer true."""
        return [e for i, e in enumerate(self.entries) if e.module in modules and not self.used[i]]


def load_targets() -> list[Target]:
    data = tomllib.loads((CONFIG / "targets.toml").read_text())
    return [Target(t["module"], tuple(t["tests"])) for t in data["target"]]


def load_exclusions() -> Exclusions:
    data = tomllib.loads((CONFIG / "equivalent.toml").read_text())
    entries = [
        Exclusion(
            "equivalent",
            e["module"],
            e["reason"],
            line=e["line"],
            operator=e.get("operator"),
            mutant=e.get("mutant"),
        )
        for e in data.get("equivalent", [])
    ] + [
        Exclusion("definition", e["module"], e["reason"], definition=e["definition"])
        for e in data.get("definition", [])
    ]
    return Exclusions(entries, {rule: data[rule]["reason"] for rule in RULES})


# --- Which mutants sit in annotations that are never evaluated --------------------------------


def _span(node: ast.expr) -> tuple[tuple[int, int], tuple[int, int]]:
    end_line = node.end_lineno if node.end_lineno is not None else node.lineno
    end_col = node.end_col_offset if node.end_col_offset is not None else 0
    return (node.lineno, node.col_offset), (end_line, end_col)


def _evaluated_class(node: ast.ClassDef) -> bool:
    """A class whose annotations are read at run time: pydantic models and SQLAlchemy columns."""
    bases = {ast.unparse(b) for b in node.bases}
    return any("BaseModel" in b or b.endswith("Base") for b in bases) or node.name.endswith(
        "Columns"
    )


def unevaluated_annotations(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Spans of annotations Python never evaluates here (PEP 563 with ``from __future__ import
    annotations``): function signatures, module variables, dataclasses and protocols."""
    tree = ast.parse(source)
    future = any(
        isinstance(n, ast.ImportFrom)
        and n.module == "__future__"
        and any(a.name == "annotations" for a in n.names)
        for n in tree.body
    )
    if not future:
        return []
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def visit(node: ast.AST, in_evaluated_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, _evaluated_class(child))
                continue
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                a = child.args
                for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
                    if arg is not None and arg.annotation is not None:
                        spans.append(_span(arg.annotation))
                if child.returns is not None:
                    spans.append(_span(child.returns))
                visit(child, False)
                continue
            if isinstance(child, ast.AnnAssign) and not in_evaluated_class:
                spans.append(_span(child.annotation))
            visit(child, in_evaluated_class)

    visit(tree, False)
    return spans


def _inside(pos: tuple[int, int], spans: list[tuple[tuple[int, int], tuple[int, int]]]) -> bool:
    return any(start <= pos < end for start, end in spans)


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "Eq": lambda a, b: a == b, "NotEq": lambda a, b: a != b, "Lt": lambda a, b: a < b,
    "LtE": lambda a, b: a <= b, "Gt": lambda a, b: a > b, "GtE": lambda a, b: a >= b,
    "Is": lambda a, b: a is b, "IsNot": lambda a, b: a is not b,
    "In": lambda a, b: a in b, "NotIn": lambda a, b: a not in b,
}  # fmt: skip


def _keyword_only_marker(lines: list[str], pos: tuple[int, int], operator: str) -> bool:
    """The bare ``*`` of a signature made ``/``: only calls that pass the earlier parameters by
    keyword could tell, and every call that survives passes them by position."""
    line, col = lines[pos[0] - 1], pos[1]
    return (
        operator.startswith("ReplaceBinaryOperator_Mul_")
        and line[col : col + 1] == "*"
        and line[col + 1 :].lstrip()[:1] in (",", ")")
        and line[:col].rstrip()[-1:] in ("(", ",", "")
    )


def _enum_domain(
    tree: ast.Module, namespace: dict[str, Any], pos: tuple[int, int], operator: str
) -> str | None:
    """For ``x is E.m`` (or ``is not``) mutated to another comparison: the enum's name when the
    new comparison gives the same answer as the old one for every member of ``E``."""
    kind, _, change = operator.partition("_")
    old, _, new = change.partition("_")
    if kind != "ReplaceComparisonOperator" or old not in ("Is", "IsNot") or new not in _COMPARE:
        return None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
            continue
        left, [right] = node.left, node.comparators
        end = (left.end_lineno or 0, left.end_col_offset or 0)
        if not (end <= pos <= (right.lineno, right.col_offset)):
            continue
        if not (isinstance(right, ast.Attribute) and isinstance(right.value, ast.Name)):
            return None
        enum = namespace.get(right.value.id)
        if not (isinstance(enum, type) and issubclass(enum, Enum)):
            return None
        member = getattr(enum, right.attr)
        try:
            same = all(_COMPARE[new](v, member) == _COMPARE[old](v, member) for v in enum)
        except TypeError:
            return None
        return enum.__name__ if same else None
    return None


def _rule(
    source: str, namespace: dict[str, Any], pos: tuple[int, int], operator: str
) -> str | None:
    """Which rule of equivalent.toml leaves this mutant out, if any."""
    if _inside(pos, unevaluated_annotations(source)):
        return "annotations"
    if _keyword_only_marker(source.splitlines(), pos, operator):
        return "keyword_only_marker"
    if (enum := _enum_domain(ast.parse(source), namespace, pos, operator)) is not None:
        return f"enum_domain: {enum}"
    return None


# --- Building the sessions --------------------------------------------------------------------


def session_path(target: Target) -> Path:
    return WORK / f"{target.slug}.sqlite"


def init_session(target: Target, exclusions: Exclusions) -> None:
    """cosmic-ray init for one module, then mark the excluded mutants skipped, with the reason."""
    from cosmic_ray.commands.init import init
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    source = (ROOT / target.module).read_text()
    lines = source.splitlines()
    name = _module_name(ROOT, ROOT / target.module)
    namespace = vars(importlib.import_module(name)) if name else {}
    path = session_path(target)
    path.unlink(missing_ok=True)
    with use_db(str(path), WorkDB.Mode.create) as db:
        init([Path(target.module)], db, {})
        for item in db.pending_work_items:
            [m] = item.mutations
            operator = m.operator_name.removeprefix("core/")
            line = lines[m.start_pos[0] - 1].strip()

            def mutated(m: Any = m) -> str:
                code = str(mutate_code(source, get_operator(m.operator_name)(), m.occurrence))
                changed: str = code.splitlines()[m.start_pos[0] - 1]
                return changed.strip()

            reason = exclusions.reason_for(
                target.module,
                line,
                operator,
                m.definition_name,
                _rule(source, namespace, tuple(m.start_pos), operator),
                mutated,
            )
            if reason is not None:
                db.set_result(
                    item.job_id,
                    WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output=f"excluded: {reason}"),
                )


# --- The workers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    job_id: str
    target: int
    module: str
    operator: str
    occurrence: int
    line: int


@dataclass(frozen=True)
class Outcome:
    job_id: str
    target: int
    status: str  # killed | survived | no-test | error
    detail: str
    diff: str


def _is_project(name: str) -> bool:
    return name.split(".")[0] in PROJECT_PACKAGES


def _worker_path(copy: Path) -> None:
    """Import the project from ``copy`` only, never from the work tree."""
    originals = {str(ROOT / r) for r in SOURCE_ROOTS} | {str(ROOT)}
    sys.path[:] = [str(copy / r) for r in SOURCE_ROOTS] + [
        p for p in sys.path if p not in originals and p not in ("", ".")
    ]


def _pytest_args(tests: tuple[str, ...]) -> list[str]:
    # No cache, and none of pytest's end-of-run garbage collections (a second each, copying
    # every page the fork shares with the worker).
    return [*tests, "-x", "-q", "--no-header", "-p", "no:cacheprovider",
            "-p", "no:unraisableexception", "-p", "no:threadexception"]  # fmt: skip


class _Selection:
    """Run only ``nodeids`` (all when None), and never a test that needs PostgreSQL: the mutation
    run is database-free."""

    def __init__(self, nodeids: frozenset[str] | None) -> None:
        self.nodeids = nodeids

    def pytest_collection_modifyitems(self, config: Any, items: list[Any]) -> None:
        kept = [
            i
            for i in items
            if DATABASE_FIXTURE not in getattr(i, "fixturenames", ())
            and (self.nodeids is None or i.nodeid in self.nodeids)
        ]
        dropped = [i for i in items if i not in kept]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = kept


class _Calls:
    """Which functions of ``filename`` each test calls (by the line their code starts on)."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.current: set[int] | None = None
        self.calls: dict[str, set[int]] = {}

    def _trace(self, frame: Any, event: str, arg: Any) -> None:
        if self.current is not None and frame.f_code.co_filename == self.filename:
            self.current.add(frame.f_code.co_firstlineno)

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        self.current = self.calls.setdefault(nodeid, set())
        sys.settrace(self._trace)

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        sys.settrace(None)
        self.current = None


def _run_child(
    copy: Path, tests: tuple[str, ...], nodeids: frozenset[str] | None, warm_up: _WarmUp | None
) -> int:
    """In a forked child: run the tests against the copy; return pytest's exit code.

    The warm-up run writes bytecode for the unmutated copy and records which test calls which
    function of the module; a mutant's run writes no bytecode, and the mutated module has none
    left to stand in for its source.
    """
    os.chdir(copy)
    sys.dont_write_bytecode = warm_up is None
    gc.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    import pytest

    plugins: list[object] = [_Selection(nodeids)]
    if warm_up is not None:
        calls = _Calls(str(copy / warm_up.module))
        plugins.append(calls)
    code = int(pytest.main(_pytest_args(tests), plugins=plugins))
    if warm_up is not None:
        loaded = sorted(n for n in sys.modules if not n.startswith("__"))
        stray = [
            n
            for n in loaded
            if _is_project(n)
            and getattr(sys.modules[n], "__file__", None)
            and not str(sys.modules[n].__file__).startswith(str(copy))
        ]
        report = {
            "modules": loaded,
            "stray": stray,
            "calls": {k: sorted(v) for k, v in calls.calls.items()},
        }
        warm_up.report.write_text(json.dumps(report))
    return code


@dataclass(frozen=True)
class _WarmUp:
    module: str
    report: Path


def _fork_tests(
    copy: Path,
    tests: tuple[str, ...],
    timeout: float,
    nodeids: frozenset[str] | None = None,
    warm_up: _WarmUp | None = None,
) -> tuple[int | None, float]:
    """Fork, run the tests in the child, wait at most ``timeout`` seconds; (exit code, seconds)."""
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        code = 70
        try:
            code = _run_child(copy, tests, nodeids, warm_up)
        finally:
            os._exit(code)
    deadline = started + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), time.monotonic() - started
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None, time.monotonic() - started
        time.sleep(0.01)


def _functions(source: str) -> list[tuple[int, int, int]]:
    """(first line with decorators, first line of the body, last line) of each function or
    method not nested in another function: the unit a test is chosen by."""
    found: list[tuple[int, int, int]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                found.append((first, child.body[0].lineno, child.end_lineno or child.lineno))
            else:
                visit(child)

    visit(ast.parse(source))
    return found


@dataclass
class Coverage:
    """Which tests may see a mutant: those that call the function it is in.

    A mutant outside every function body (module or class level, a default, a decorator) runs
    when the module is imported, so every test may see it.
    """

    functions: list[tuple[int, int, int]]
    tests_by_function: dict[int, frozenset[str]]

    @classmethod
    def of(cls, source: str, calls: dict[str, list[int]]) -> Coverage:
        functions = _functions(source)
        by_function: dict[int, set[str]] = {}
        for nodeid, firsts in calls.items():
            for line in firsts:
                for first, _, last in functions:
                    if first <= line <= last:
                        by_function.setdefault(first, set()).add(nodeid)
        return cls(functions, {k: frozenset(v) for k, v in by_function.items()})

    def tests_for(self, line: int) -> frozenset[str] | None:
        for first, body, last in self.functions:
            if body <= line <= last:
                return self.tests_by_function.get(first, frozenset())
        return None


def _warm_up(copy: Path, target: Target) -> tuple[float, Coverage, list[str]]:
    """Run the unmutated tests once: how long they take, which test calls what, and which
    modules they import."""
    report = copy / ".warm-up.json"
    report.unlink(missing_ok=True)
    code, seconds = _fork_tests(
        copy, target.tests, timeout=900, warm_up=_WarmUp(target.module, report)
    )
    data: dict[str, Any] = (
        json.loads(report.read_text()) if report.exists() else {"stray": ["no report"]}
    )
    if code != 0 or data["stray"]:
        raise RuntimeError(
            f"the unmutated tests {list(target.tests)} must pass from the copy "
            f"(exit {code}; imported from elsewhere: {data['stray']})"
        )
    coverage = Coverage.of((copy / target.module).read_text(), data["calls"])
    return seconds, coverage, data["modules"]


def _module_name(copy: Path, path: Path) -> str | None:
    for root in (*SOURCE_ROOTS, "."):
        try:
            rel = path.relative_to(copy / root)
        except ValueError:
            continue
        parts = rel.with_suffix("").parts
        if root == "." and parts[0] != "tests":
            continue
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    return None


def importers_of(copy: Path, module: str) -> set[str]:
    """``module`` and every project module that imports it, directly or not (read from the
    source: any import statement anywhere in a module counts)."""
    imports: dict[str, set[str]] = {}
    for root in (*SOURCE_ROOTS, "tests"):
        for path in (copy / root).rglob("*.py"):
            name = _module_name(copy, path)
            if name is None:
                continue
            found: set[str] = set()
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    found.update(a.name for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
                    found.update(f"{node.module}.{a.name}" for a in node.names)
            imports[name] = found
    tainted = {module}
    while True:
        more = {n for n, found in imports.items() if n not in tainted and found & tainted}
        if not more:
            return tainted
        tainted |= more


def _preload(names: list[str], *, keep_out: set[str]) -> None:
    for name in names:
        if name in sys.modules or name in keep_out or name.split(".")[0] == "tests":
            continue
        try:
            importlib.import_module(name)
        except Exception:  # one that cannot be preloaded is imported by the child
            continue


def _diff(module: str, before: str, after: str) -> str:
    return "\n".join(
        line
        for line in difflib.unified_diff(
            before.splitlines(), after.splitlines(), module, module, n=0, lineterm=""
        )
        if not line.startswith(("---", "+++"))
    )


def _copy_tree(copy: Path) -> None:
    shutil.rmtree(copy, ignore_errors=True)
    for rel in COPIED:
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(
                src, copy / rel, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
            )
        else:
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, copy / rel)


def _run_job(copy: Path, target: Target, job: Job, timeout: float, coverage: Coverage) -> Outcome:
    from cosmic_ray.mutating import use_mutation
    from cosmic_ray.plugins import get_operator

    operator = get_operator("core/" + job.operator)()
    module = copy / job.module
    for stale in (module.parent / "__pycache__").glob(f"{module.stem}.*.pyc"):
        stale.unlink()
    with use_mutation(module, operator, job.occurrence) as (before, after):
        if after is None:
            return Outcome(job.job_id, job.target, "no-test", "no mutation possible", "")
        diff = _diff(job.module, before, after)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(after, str(module), "exec")
        except SyntaxError:
            return Outcome(job.job_id, job.target, "no-test", NOT_PYTHON, diff)
        nodeids = coverage.tests_for(job.line)
        if nodeids is not None and not nodeids:
            return Outcome(job.job_id, job.target, "survived", "no test runs it", diff)
        code, seconds = _fork_tests(copy, target.tests, timeout, nodeids)
    ran = "all tests" if nodeids is None else f"{len(nodeids)} tests"
    if code is None:
        return Outcome(job.job_id, job.target, "killed", "timeout", diff)
    if code == 0:
        return Outcome(job.job_id, job.target, "survived", f"{ran}, {seconds:.1f} s", diff)
    if code == 5:
        return Outcome(job.job_id, job.target, "error", f"pytest ran no test ({ran})", diff)
    return Outcome(job.job_id, job.target, "killed", f"exit {code}", diff)


def _zygote(copy: Path, target: Target, conn: Any) -> None:
    """One target's server, forked from the worker: it learns the tests, imports every module
    that does not import the target (directly or not), then forks a child per mutant."""
    seconds, coverage, modules = _warm_up(copy, target)
    _preload(modules, keep_out=importers_of(copy, _module_name(copy, copy / target.module) or ""))
    gc.freeze()  # what the forks share stays shared
    conn.send(("ready", [m for m in modules if not _is_project(m)]))
    timeout = 4 * seconds + 10
    while (job := conn.recv()) is not None:
        conn.send(("done", _run_job(copy, target, job, timeout, coverage)))


def worker(number: int, targets: list[Target], jobs: Queue[Job | None], out: Queue[Any]) -> None:
    """Copy the tree, then serve jobs target by target, each target through its own zygote."""
    copy = WORK / f"worker-{number}"
    _copy_tree(copy)
    _worker_path(copy)
    zygote: tuple[int, Any] | None = None
    current: int | None = None

    def stop_zygote() -> None:
        if zygote is not None:
            zygote[1].send(None)
            os.waitpid(zygote[0], 0)

    try:
        while (job := jobs.get()) is not None:
            if job.target != current:
                stop_zygote()
                ours, theirs = multiprocessing.Pipe()
                pid = os.fork()
                if pid == 0:
                    code = 0
                    try:
                        _zygote(copy, targets[job.target], theirs)
                    except BaseException as exc:
                        theirs.send(("error", repr(exc)))
                        code = 1
                    finally:
                        os._exit(code)
                zygote, current = (pid, ours), job.target
                kind, payload = ours.recv()
                if kind == "error":
                    raise RuntimeError(payload)
                _preload(payload, keep_out=set())  # the next zygote starts warmer
            assert zygote is not None
            zygote[1].send(job)
            kind, payload = zygote[1].recv()
            if kind == "error":
                raise RuntimeError(payload)
            out.put(payload)
            if payload.status == "error":
                return
        stop_zygote()
    except Exception as exc:  # the run cannot go on truthfully: stop and say why
        out.put(Outcome("", -1, "error", repr(exc), ""))
        return
    out.put(None)


# --- Running and reporting --------------------------------------------------------------------


def pending_jobs(targets: list[Target]) -> Iterator[Job]:
    from cosmic_ray.work_db import WorkDB, use_db

    for index, target in enumerate(targets):
        with use_db(str(session_path(target)), WorkDB.Mode.open) as db:
            for item in db.pending_work_items:
                [m] = item.mutations
                yield Job(
                    item.job_id,
                    index,
                    target.module,
                    m.operator_name.removeprefix("core/"),
                    m.occurrence,
                    m.start_pos[0],
                )


def execute(targets: list[Target], workers: int) -> None:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    jobs = list(pending_jobs(targets))
    # Group by target so each worker warms up for few test sets; big targets first.
    jobs.sort(key=lambda j: j.target)
    ctx = multiprocessing.get_context("spawn")
    job_queue: Queue[Job | None] = ctx.Queue()
    out: Queue[Any] = ctx.Queue()
    for job in jobs:
        job_queue.put(job)
    for _ in range(workers):
        job_queue.put(None)
    procs = [
        ctx.Process(target=worker, args=(n, targets, job_queue, out), daemon=True)
        for n in range(workers)
    ]
    for p in procs:
        p.start()
    print(f"==> {len(jobs)} mutants on {workers} worker(s)", flush=True)
    finished, done, started = 0, 0, time.monotonic()
    dbs = {}
    try:
        for index, target in enumerate(targets):
            dbs[index] = use_db(str(session_path(target)), WorkDB.Mode.open)
        open_dbs = {i: cm.__enter__() for i, cm in dbs.items()}
        while finished < workers:
            try:
                result: Outcome | None = out.get(timeout=5)
            except queue.Empty:
                if not any(p.is_alive() for p in procs):
                    raise RuntimeError("the mutation workers died") from None
                continue
            if result is None:
                finished += 1
                continue
            if result.status == "error":
                raise RuntimeError(f"mutation run stopped: {result.detail}")
            if result.status == "no-test":
                wr = WorkResult(
                    worker_outcome=WorkerOutcome.NO_TEST, output=result.detail, diff=result.diff
                )
            else:
                outcome = TestOutcome.KILLED if result.status == "killed" else TestOutcome.SURVIVED
                wr = WorkResult(
                    worker_outcome=WorkerOutcome.NORMAL,
                    test_outcome=outcome,
                    output=result.detail,
                    diff=result.diff,
                )
            open_dbs[result.target].set_result(result.job_id, wr)
            done += 1
            if done % 25 == 0 or done == len(jobs):
                rate = (time.monotonic() - started) / done
                left = (len(jobs) - done) * rate
                print(f"    {done}/{len(jobs)} ({left / 60:.0f} min left)", flush=True)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
        for cm in dbs.values():
            cm.__exit__(None, None, None)


@dataclass
class Score:
    module: str
    killed: int = 0
    survived: list[tuple[str, str]] = field(default_factory=list)
    excluded: Counter[str] = field(default_factory=Counter)
    pending: int = 0

    @property
    def counted(self) -> int:
        return self.killed + len(self.survived)

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.counted if self.counted else 100.0


def scores(targets: list[Target]) -> list[Score]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    out = []
    for target in targets:
        score = Score(target.module)
        with use_db(str(session_path(target)), WorkDB.Mode.open) as db:
            results = dict(db.results)
            for item in db.work_items:
                result = results.get(item.job_id)
                [m] = item.mutations
                if result is None:
                    score.pending += 1
                elif result.worker_outcome in (WorkerOutcome.SKIPPED, WorkerOutcome.NO_TEST):
                    score.excluded[(result.output or "no mutation possible")[:90]] += 1
                elif result.test_outcome is TestOutcome.SURVIVED:
                    where = f"{target.module}:{m.start_pos[0]} {m.operator_name}"
                    score.survived.append((where, result.diff or ""))
                else:
                    score.killed += 1
        out.append(score)
    return out


def report(results: list[Score], fail_under: float, show_excluded: bool) -> int:
    print("\n==> Survivors")
    for s in results:
        for where, diff in sorted(s.survived):
            print(f"  {where}\n" + "\n".join(f"      {line}" for line in diff.splitlines()))
    print("\n==> Mutation score (killed / mutants run; equivalents excluded)")
    killed = sum(s.killed for s in results)
    counted = sum(s.counted for s in results)
    for s in results:
        pending = f", {s.pending} not run" if s.pending else ""
        print(
            f"  {s.percent:5.1f}%  {s.killed:4d}/{s.counted:<4d} "
            f"({sum(s.excluded.values())} excluded{pending})  {s.module}"
        )
        if show_excluded:
            for reason, n in s.excluded.most_common():
                print(f"           {n:4d} {reason}")
    total = 100.0 * killed / counted if counted else 100.0
    print(f"  {total:5.1f}%  {killed:4d}/{counted:<4d} all modules")
    below = [s.module for s in results if s.percent < fail_under]
    if below:
        print(f"==> Below {fail_under:g}%: {', '.join(below)}")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make mutate", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("MUTATE_WORKERS", "2")), help="default 2"
    )
    parser.add_argument("--only", default="", help="run only the modules whose path contains this")
    parser.add_argument("--report", action="store_true", help="report the last run, run nothing")
    parser.add_argument("--fail-under", type=float, default=95.0)
    parser.add_argument("--show-excluded", action="store_true", help="count exclusions by reason")
    args = parser.parse_args(argv)

    os.chdir(ROOT)
    targets = [t for t in load_targets() if args.only in t.module]
    if not targets:
        parser.error(f"no target module contains {args.only!r}")
    WORK.mkdir(parents=True, exist_ok=True)
    lock = (WORK / ".lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("another make mutate is running in this work tree", file=sys.stderr)
        return 2
    if not args.report:
        exclusions = load_exclusions()
        for target in targets:
            init_session(target, exclusions)
        if stale := exclusions.stale({t.module for t in targets}):
            for e in stale:
                print(f"stale exclusion (matches no mutant): {e}", file=sys.stderr)
            return 2
        execute(targets, max(1, args.workers))
    return report(scores(targets), args.fail_under, args.show_excluded)


if __name__ == "__main__":
    sys.exit(main())
