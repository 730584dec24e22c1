"""Running the hidden suites with pytest, in the grader's process, and recording one result per check.

The suites are plain pytest files (``grader/suites/check_<part>.py``). Each check receives the fixtures ``student`` (the
submission, reached through the worker) or ``alone`` (the part's module among the reference's other modules,
:mod:`grader.callees`, when a check that failed on the whole submission is judged again; the whole submission first),
``inputs`` (seeded input builders), ``rng`` and ``shared`` (what the checks of one run of the suites compute once,
:mod:`grader.shared`), and declares its points with ``@pytest.mark.points(n)``. pytest runs with the grader's own
ini file and rootdir, no cache, and no plugins but this one, so nothing in the student's folder or the project's
configuration can change how it runs.

An instructor's authoring mistake never grades silently: the ini file runs with ``--strict-markers`` (a misspelled
``@pytest.mark.point(3)`` or ``publc`` is an unknown marker), and a check without ``points``, or with a malformed
``points`` or ``figure`` marker, stops the run with :class:`SuiteAuthoringError`, naming the file and the check.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import time
from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pytest
from _pytest.compat import is_async_function
from _pytest.config import _prepareconfig
from _pytest.nodes import Node
from _pytest.python import pytest_pyfunc_call
from _pytest.runner import _update_current_test_var

from grader import parts as course
from grader.compare import CheckFailure, describe_value, unusable_part
from grader.environment import environment
from grader.errors import UserError
from grader.i18n import tr, tr_or
from grader.inputs import Inputs, seeded_generator
from grader.parts import SUITE_PREFIX, SUITES_DIR, Part
from grader.results import FIGURE_KINDS, CheckResult, Outcome
from grader.sandbox.faults import NotImplementedByStudent, SubmissionFault
from grader.shared import Shared

PYTEST_INI = SUITES_DIR / "pytest.ini"


class Output(Protocol):
    def take_output(self) -> str: ...


class StudentCode(Protocol):
    """What the runner uses of the code it grades: a sandboxed ``grader.sandbox.client.Submission``, or a stand-in
    (the speed benchmark's in-process reference). The checks reach it as the ``student`` fixture."""

    @property
    def worker(self) -> Output: ...

    @property
    def received(self) -> list[tuple[str, Any]]:
        """What the current check's calls answered, to explain a check that breaks on one of them."""

    def begin_check(self) -> None: ...

    def settle(self) -> None:
        """Make what the check put off (creating an object, setting an attribute); raise the first one's fault."""

    def import_module(self, module: str) -> None: ...
UNKNOWN_MARKER = re.compile(r"'(\w+)' not found in `markers` configuration option")  # --strict-markers' words
CHECK_DEFINITION = re.compile(r"\s*def (\w+)\(")


class SuiteAuthoringError(UserError):
    """A hidden suite is written wrong (unknown marker, no points, a malformed figure): no grade is given with it.

    A user error, so that every command that runs the suites (check, list, autograde, audit, release) stops with the
    problems, each with its file and line, and exit code 2 (a configuration error), not with a traceback or a wrong
    grade.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__(tr("runner.authoring_error", count=len(problems), problems="\n  ".join(problems)))
        self.problems = problems

    def __reduce__(self) -> tuple:
        return (type(self), (self.problems,))  # raised in an audit's worker process, it crosses back whole


@dataclass(frozen=True)
class CheckInfo:
    """A check as listed, before any submission is graded."""

    part: str
    name: str
    title: str
    points: float
    public: bool = False  # marked @pytest.mark.public: shipped in the student copy, not hidden


@dataclass
class SuiteRun:
    """What one run of the suites produced."""

    checks: list[CheckResult] = field(default_factory=list)
    diagnostics: dict[str, str] = field(default_factory=dict)  # part -> why its module cannot be graded
    # (part, check) of the checks that ran the student's whole submission, so their other parts too (all but the
    # checks that asked for ``alone`` and got it): a failure there may come from another part
    integrated: set[tuple[str, str]] = field(default_factory=set)
    # (part, check) of the checks that take ``alone``, but for those stopped by a NotImplementedError raised in their
    # own part's module (that part is not written yet: no callee of the reference's could change it): a failure of
    # one of these is judged again alone (grading.failed_on_the_whole)
    alone_judges: set[tuple[str, str]] = field(default_factory=set)
    runs: dict[str, Any] = field(default_factory=dict)  # what the checks left for the report (Shared.keep_for_report)

    def with_rerun(self, rerun: SuiteRun) -> SuiteRun:
        """This run with each check ``rerun`` ran again given its new result, in its place. (A rerun's parts all
        imported the first time: it brings no diagnostic of its own; ``alone_judges`` decided what ran again, and
        stays the first run's, as do the ``runs`` left for the report: the first run's are the whole submission's,
        which the report's figures draw.)"""
        again = {(c.part, c.name): c for c in rerun.checks}
        checks = [again.get((c.part, c.name), c) for c in self.checks]
        return SuiteRun(checks, self.diagnostics, (self.integrated - again.keys()) | rerun.integrated,
                        self.alone_judges, self.runs)


class Alone(Protocol):
    """Part -> its module alone among the reference's (the fixture ``alone``); raises what kept it from starting."""

    def __call__(self, part: str) -> StudentCode: ...

    def prepare(self, parts: list[str]) -> None:
        """Told once the checks are collected which parts will ask, first asked first: it may start them early."""


def run_suites(submission: StudentCode | None, parts: list[Part], *, seed: int,
               missing: dict[str, str] | None = None, alone: Alone | None = None,
               before_checks: Callable[[], None] | None = None, only: Collection[tuple[str, str]] = ()) -> SuiteRun:
    """Run the suites of ``parts`` against ``submission``; ``missing`` maps parts to known import problems.

    ``alone(part)`` gives the checks that ask for ``alone`` the student's module of ``part`` among the
    reference's other modules; without it they get the whole submission.
    ``before_checks()`` runs once the checks are collected, before the first one runs (the grade waits there for
    its worker to be ready); what it raises is raised here, and no check runs. With ``only`` (part, check) pairs,
    only those checks run: checks that ran before, whose parts' modules are not imported again.
    """
    return collected_suites(parts).run(submission, seed=seed, missing=missing, alone=alone,
                                       before_checks=before_checks, only=only)


def list_checks(parts: list[Part]) -> list[CheckInfo]:
    """Every check of ``parts`` with its points, without grading anything."""
    return collected_suites(parts).listed()


SESSIONS_KEPT = 8  # collected sets of suites a process keeps: the parts a class or a report asks for are few
_sessions: dict[tuple, SuiteSession] = {}


def collected_suites(parts: list[Part]) -> SuiteSession:
    """The suites of ``parts`` configured and collected, once per process for the same parts and the same source.

    A grading process grades a whole class with the same suites: pytest's configuration and the collection of the
    checks (~20 ms) are paid once, not once per student. The key holds the suites' source, so an edited suite is
    collected afresh. Raises :class:`SuiteAuthoringError` (never kept) for suites written wrong.
    """
    key = (tuple((p.name, str(p.path)) for p in parts), course.suite_hash(parts))
    if key not in _sessions or _sessions[key].closed:
        _sessions[key] = SuiteSession(parts)
        if len(_sessions) > SESSIONS_KEPT:
            _sessions.pop(next(iter(_sessions))).close()  # the oldest
    return _sessions[key]


def forget_sessions() -> None:
    """Close every kept session: the next run configures and collects its suites afresh."""
    while _sessions:
        _sessions.popitem()[1].close()


class SuiteSession:
    """A pytest session over the suites of some parts: configured and collected once, then run for any number of
    submissions, one run at a time and from one thread, each run as pytest runs a session's checks (fixtures,
    markers, warnings).

    pytest's own ``pytest.main`` would configure and collect anew for every run; the session is built the way it
    builds one (``wrap_session``), with pytest's internal ``_prepareconfig``, and ended the same way by
    :meth:`close`. Each run ends as ``pytest.main`` ended one: every fixture torn down (a session-scoped one
    included: its value never reaches the next student), the working folder restored, and ``tmp_path`` in a new base
    folder. A run that stops half-way (an interrupt, a fault of the grader's) closes the session, and the next run
    starts a new one.
    """

    def __init__(self, parts: list[Part]) -> None:
        forget_modules({p.path.resolve() for p in parts})  # pytest would reuse them: an edited suite is read again
        self.plugin = GraderPlugin(parts)
        self.closed = False
        with _plugin_autoload_disabled():
            self.config = _prepareconfig([*map(str, (p.path for p in parts)), *PYTEST_ARGS], plugins=[self.plugin])
        self.session = pytest.Session.from_config(self.config)
        try:
            self.config._do_configure()
            self.config.hook.pytest_sessionstart(session=self.session)
            self.config.hook.pytest_collection(session=self.session)
        except BaseException:
            self.close()
            raise
        if self.plugin.authoring:  # pytest reports a suite that does not collect as a failed collection
            self.close()
            raise SuiteAuthoringError(self.plugin.authoring)
        self.items: list[pytest.Item] = list(self.session.items)
        # Each hook call around a check asks for its file's hook proxy, which stats the file every time (~1,500
        # times a grade); which conftests apply to a file is settled once the suites are collected.
        self.session.gethookproxy = functools.cache(self.session.gethookproxy)  # type: ignore[method-assign,assignment]

    def listed(self) -> list[CheckInfo]:
        return [CheckInfo(self.plugin.part_of(i), i.name, check_title(i), points_of(i), is_public(i))
                for i in self.items]

    def run(self, submission: StudentCode | None, *, seed: int, missing: dict[str, str] | None = None,
            alone: Alone | None = None, before_checks: Callable[[], None] | None = None,
            only: Collection[tuple[str, str]] = ()) -> SuiteRun:
        """One run of the checks (all, or ``only`` those) against ``submission``: see :func:`run_suites`."""
        if self.closed:
            raise RuntimeError("this session of the suites is closed")
        plugin = self.plugin
        plugin.begin(submission, seed, dict(missing or {}), alone)
        plugin.plain_hooks = only_pytests_own_hooks(self.config)  # each run: a check may have registered a plugin
        plugin.imported.update(part for part, _ in only)  # checks run before: their parts imported then
        chosen = set(only)
        items = [i for i in self.items if not chosen or (plugin.part_of(i), i.name) in chosen]
        if alone is not None and submission is not None:
            asking = (plugin.part_of(i) for i in items if "alone" in getattr(i, "fixturenames", ()))
            alone.prepare([p for p in dict.fromkeys(asking) if p not in plugin.diagnostics])
        if before_checks is not None:
            before_checks()
        _fresh_tmp_path_base(self.config)
        here = os.getcwd()  # this run's, not the session's first: a notebook's kernel may have moved since
        try:
            for index, item in enumerate(items):
                following = items[index + 1] if index + 1 < len(items) else None
                self.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
            # A check of a part that cannot be imported is answered before pytest sets anything up, so the last
            # teardown may have expected it: the run's end tears everything down itself
            self.session._setupstate.teardown_exact(None)
        except BaseException as stopped:
            self.close()  # fixtures may be left set up: the next run gets a new session
            if isinstance(stopped, pytest.exit.Exception):  # a check called pytest.exit(): an interrupt
                raise KeyboardInterrupt from stopped
            raise
        finally:
            os.chdir(here)  # a check may have moved it
        return SuiteRun(plugin.results, plugin.diagnostics, plugin.integrated, plugin.alone_judges,
                        dict(plugin.shared_results.for_report))

    def close(self) -> None:
        """End the session as pytest ends one: tear down what is set up, finish, unconfigure."""
        if self.closed:
            return
        self.closed = True
        try:
            self.session._setupstate.teardown_exact(None)
            self.config.hook.pytest_sessionfinish(session=self.session, exitstatus=pytest.ExitCode.OK)
        finally:
            self.config._ensure_unconfigure()


GRADER_MARKERS = frozenset({"points", "public", "figure", "parametrize"})
# The plugins whose hooks set up, call and tear down a check when no conftest adds its own: for a check with no marker
# but the grader's and no fixture but the grader's, all they do is compute those fixtures and call the check.
PYTEST_STEP_PLUGINS = frozenset({"runner", "skipping", "python", "fixtures"})
STEP_HOOKS = ("pytest_runtest_setup", "pytest_runtest_call", "pytest_runtest_teardown", "pytest_pyfunc_call",
              "pytest_fixture_setup", "pytest_fixture_post_finalizer")


def is_direct_parameter(fixturedef: Any) -> bool:
    """Whether ``fixturedef`` is pytest's stand-in for a direct ``parametrize`` argument: pytest 9's
    ``DirectParamFixtureDef``, pytest 8's fixture of ``get_direct_param_fixture_func``."""
    return (type(fixturedef).__name__ == "DirectParamFixtureDef"
            or getattr(fixturedef.func, "__name__", "") == "get_direct_param_fixture_func")


def only_pytests_own_hooks(config: pytest.Config) -> bool:
    """Whether every implementation of the hooks around a check's steps is pytest's own (no conftest's, no other
    plugin's): then a plain check may be called plainly (``GraderPlugin.calls_plainly``)."""
    return all(impl.plugin_name in PYTEST_STEP_PLUGINS
               for name in STEP_HOOKS for impl in getattr(config.hook, name).get_hookimpls())


def _fresh_tmp_path_base(config: pytest.Config) -> None:
    """End the last run's ``tmp_path`` base folder as each ``pytest.main`` ended one (its lock released, older base
    folders removed but the last few) and let the next ``tmp_path`` make a new one, rather than fill one for a whole
    class. Through pytest's internal factory (pytest 9). pytest 8 removes old base folders only when the process
    exits, so there a session's checks share one base folder: a new one per run would pile up for a whole class."""
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None or getattr(factory, "_basetemp", None) is None:
        return  # no check of the last run asked for tmp_path
    exit_stack = getattr(factory, "_exit_stack", None)
    if exit_stack is None:
        return
    exit_stack.close()  # what pytest runs at the session's end; the stack takes the next base's callbacks
    factory._basetemp = None


def forget_modules(files: set[Path]) -> None:
    """Drop the modules imported from ``files`` (the suites), so that the next import reads them again."""
    names = {f.name for f in files}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and os.path.basename(file) in names and Path(file).resolve() in files:
            del sys.modules[name]


PYTEST_ARGS = [
    "-c", str(PYTEST_INI), "--rootdir", str(SUITES_DIR), "-p", "no:cacheprovider", "-p", "no:terminal",
    "-p", "no:pastebin", "-p", "no:nose", "-p", "no:unraisableexception", "-p", "no:threadexception",
    "-p", "no:legacypath",
    # Off as well: what a grading run never uses, each paid on every check: its own reports, a debugger, log
    # capture, unittest classes, output capture (so no capsys or capfd: the student's code prints in the worker,
    # and its output is the result's) and subtests. The fixtures an instructor may want (tmp_path, monkeypatch,
    # recwarn) and the filterwarnings marker stay
    "-p", "no:logging", "-p", "no:debugging", "-p", "no:faulthandler", "-p", "no:stepwise", "-p", "no:setuponly",
    "-p", "no:setupplan", "-p", "no:junitxml", "-p", "no:unittest", "-p", "no:python_path",
    "-p", "no:doctest", "-p", "no:capture", "-p", "no:subtests", "--import-mode=importlib",
    "--assert=plain",  # a failed bare assert must not print the expected arrays it compared
]


class GraderPlugin:
    """Provides the checks' fixtures and turns each check's outcome into a :class:`CheckResult`."""

    def __init__(self, parts: list[Part]) -> None:
        self.parts = {str(p.path): p for p in parts}
        self.authoring: list[str] = []  # the suites' own mistakes: "file::check: what is wrong"
        self.plain_hooks = False  # whether only pytest's own plugins hook into a check's steps (set at each run)
        self.plain_checks: dict[str, bool] = {}  # calls_plainly, by check
        # How each of the grader's fixtures is computed, by name: for the fixtures below and for a check called plainly
        self.fixture_values: dict[str, Callable[[], Any]] = {
            "student": self.the_student, "alone": self.the_part_alone, "rng": self.check_generator,
            "shared": lambda: self.shared_results, "inputs": self.the_inputs}
        self.begin(None, 0, {})

    def begin(self, submission: StudentCode | None, seed: int, diagnostics: dict[str, str],
              alone: Alone | None = None) -> None:
        """Start a run against ``submission``: nothing of an earlier run is kept."""
        self.submission = submission
        self.parts_alone = alone
        self.in_use: list[StudentCode] = []  # the submissions the current check was given
        self.integrated: set[tuple[str, str]] = set()
        self.alone_judges: set[tuple[str, str]] = set()
        self.seed = seed
        self.shared_results = Shared(seed)  # this run's: a run starts with nothing shared
        self.diagnostics = diagnostics
        self.imported: set[str] = set()
        self.results: list[CheckResult] = []
        # The check being run. The fixtures read it here rather than take pytest's ``request``, which pytest builds
        # anew, signature and all, for every check that asks: some 5% of the grading process's time.
        self.current: pytest.Item
        self.generator: np.random.Generator | None = None  # the current check's (check_generator)

    # -- fixtures ---------------------------------------------------------------------------------------------

    @pytest.fixture
    def student(self) -> StudentCode | None:
        """The whole submission: the part's module calls the student's other modules."""
        return self.the_student()

    @pytest.fixture
    def alone(self) -> StudentCode | None:
        """The part's module alone among the reference's other modules, so the check measures that part only; the
        whole submission when the run has none to give: a grade's first run (``grading.failed_on_the_whole``: only a
        check that fails there runs again alone), or a student's copy, which has no reference to stage."""
        return self.the_part_alone()

    @pytest.fixture
    def rng(self) -> np.random.Generator:
        """A generator seeded by the run's seed and the check's name: same inputs on every run."""
        return self.check_generator()

    @pytest.fixture
    def shared(self) -> Shared:
        """What the checks of this run compute once and share (a training run that two checks read)."""
        return self.shared_results

    @pytest.fixture
    def inputs(self) -> Inputs:
        """Input builders drawing from the check's generator (the very one ``rng`` gives)."""
        return self.the_inputs()

    # The fixtures' values, for a check pytest sets up and for one called plainly (see run_check)

    def the_student(self) -> StudentCode | None:
        self.integrated.add((self.part_of(self.current), self.current.name))
        return self.submission

    def the_part_alone(self) -> StudentCode | None:
        part = self.part_of(self.current)
        self.alone_judges.add((part, self.current.name))
        if self.parts_alone is None or self.submission is None:
            self.integrated.add((part, self.current.name))
            return self.submission
        alone = self.parts_alone(part)
        if alone not in self.in_use:
            alone.begin_check()
            self.in_use.append(alone)
        return alone

    def the_inputs(self) -> Inputs:
        return Inputs(self.check_generator())

    def check_generator(self) -> np.random.Generator:
        """The current check's generator, made when first asked for. ``inputs`` does not take the fixture ``rng``:
        a fixture that takes another costs pytest a second fixture set-up per check."""
        if self.generator is None:
            self.generator = seeded_generator(self.seed, self.current.nodeid)
        return self.generator

    # -- hooks ------------------------------------------------------------------------------------------------

    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        """Refuse the whole run when any check is written wrong: no check runs, and no grade is given."""
        for item in items:
            self.authoring += [f"{self.location_of(item)}: {problem}" for problem in marker_problems(item)]
        if self.authoring:
            items.clear()

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A suite that cannot be collected (a syntax error, an unknown marker under --strict-markers) is the
        instructor's mistake, never the student's: it stops the run rather than become one red check."""
        if not report.failed:
            return
        detail = collection_detail(report)
        unknown = UNKNOWN_MARKER.search(detail)
        marker = unknown[1] if unknown else ""
        uses = marker_uses([Path(p) for p in self.parts], marker) if marker else []
        if uses:  # pytest names no file for an unknown marker: find where the suites use it
            self.authoring += [tr("runner.unknown_marker", where=where, marker=marker) for where in uses]
        else:
            self.authoring.append(tr("runner.collection_error", file=report.nodeid or Path(report.fspath).name,
                                     detail=detail))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> bool:
        self.current, self.generator = item, None
        part = self.part_of(item)
        self.in_use = [self.submission] if self.submission is not None else []
        if self.submission is not None:
            self.submission.begin_check()
        self.check_import(part)
        if part in self.diagnostics:
            self.results.append(self.result(item, "ungradable", tr("runner.ungradable", part=part)))
        else:
            self.run_check(item, nextitem)
        return True

    def run_check(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        """Set up, call and tear down one check through pytest's hooks, and record its result.

        What pytest's own protocol does, but for the test reports: a grade reads the check's outcome from its
        ``CallInfo``, so no report is made, logged (``pytest_runtest_logreport``) or announced
        (``pytest_runtest_logstart``): about a fifth of the grading process's time around the checks. The hooks that
        set up, run and tear down a check are pytest's, so fixtures, ``skip``/``skipif`` markers (a skipped check
        counts as not passed, as before) and an instructor's conftest hooks for those steps apply; the
        ``filterwarnings`` marker applies through pytest's wrapper of this hook.

        A check that asks for nothing but the grader's own fixtures and its parameters, and carries no marker but
        the grader's, is called plainly instead, where no plugin or conftest of the session hooks into setting up,
        calling or tearing down a check (``calls_plainly``): for such a check pytest's hooks would only compute those
        fixtures and call it, at ~0.1 ms of the grading process each, some 14 ms a grade (8% of a correct
        submission's CPU). Its outcome is read the same way.
        """
        stop = (pytest.exit.Exception, KeyboardInterrupt)  # what pytest's protocol lets through too
        if self.plain_hooks and self.calls_plainly(item):
            call = pytest.CallInfo.from_call(lambda: self.call_plainly(item), "call", stop)
            self.results.append(self.result_of_call(item, call))
            # As pytest's tear-down of the check would, and as there, what fails in it is not the check's: what an
            # earlier check set up and the next one does not need
            pytest.CallInfo.from_call(lambda: item.session._setupstate.teardown_exact(nextitem), "teardown", stop)
            return
        ihook = item.ihook
        if not item._request:  # type: ignore[attr-defined]  # torn down by the last run of this session
            item._initrequest()  # type: ignore[attr-defined]
        try:
            setup = pytest.CallInfo.from_call(lambda: ihook.pytest_runtest_setup(item=item), "setup", stop)
            if setup.excinfo is not None:
                self.results.append(self.result_of_call(item, setup))
            else:
                call = pytest.CallInfo.from_call(lambda: self.call_and_settle(item), "call", stop)
                self.results.append(self.result_of_call(item, call))
            following = None if item.session.shouldfail or item.session.shouldstop else nextitem
            pytest.CallInfo.from_call(lambda: ihook.pytest_runtest_teardown(item=item, nextitem=following),
                                      "teardown", stop)
        finally:
            item._request = False  # type: ignore[attr-defined]  # as pytest's protocol leaves a check
            item.funcargs = None  # type: ignore[attr-defined]

    def calls_plainly(self, item: pytest.Item) -> bool:
        """Whether ``item`` needs nothing of pytest's to run but to be called: a plain function (not async) taking
        only the grader's own fixtures (not a suite's fixture of the same name) and its direct parameters, with no
        marker but the grader's (no ``skip``, ``xfail``, ``usefixtures``, ``filterwarnings``...), in folders and a
        file with no set-up of their own (a package's ``setup_module``). Decided once per check of the session."""
        plain = self.plain_checks.get(item.nodeid)
        if plain is None:
            plain = (isinstance(item, pytest.Function) and not is_async_function(item.obj)
                     and all(self.gives_plainly(item, name) for name in item.fixturenames)
                     and {m.name for m in item.iter_markers()} <= GRADER_MARKERS
                     and all(type(node).setup is Node.setup for node in item.listchain()[:-1]))
            self.plain_checks[item.nodeid] = plain
        return plain

    def gives_plainly(self, item: pytest.Function, name: str) -> bool:
        """Whether pytest would give the check's argument ``name`` from this plugin's own fixture, or as a direct
        parameter of its ``parametrize``: what ``call_plainly`` gives it."""
        defs = item._fixtureinfo.name2fixturedefs.get(name)
        if not defs:
            return False
        if name in getattr(getattr(item, "callspec", None), "params", {}):
            return is_direct_parameter(defs[-1])
        return name in self.fixture_values and getattr(defs[-1].func, "__self__", None) is self

    def call_plainly(self, item: pytest.Item) -> None:
        """Call the check with its fixtures and parameters through pytest's own ``pytest_pyfunc_call`` (what it does
        with an answer that is a coroutine, say, is pytest's), then settle what it put off."""
        assert isinstance(item, pytest.Function), "calls_plainly lets only functions through"
        params = getattr(getattr(item, "callspec", None), "params", {})
        values = self.fixture_values
        item.funcargs = {name: params[name] if name in params else values[name]()
                         for name in item._fixtureinfo.argnames}
        _update_current_test_var(item, "call")
        try:
            pytest_pyfunc_call(item)
        finally:
            _update_current_test_var(item, None)
            item.funcargs = None  # type: ignore[assignment]  # as pytest's protocol leaves a check
        self.settle_in_use()

    def call_and_settle(self, item: pytest.Item) -> None:
        """Run the check through pytest's hooks, then settle what it put off."""
        item.ihook.pytest_runtest_call(item=item)
        self.settle_in_use()

    def settle_in_use(self) -> None:
        """Make what the check put off and never needed an answer of (a check that only creates an object fails if
        that fails): a check's outcome includes every call it made."""
        for submission in self.in_use:
            submission.settle()

    # -- helpers ----------------------------------------------------------------------------------------------

    def check_import(self, part: str) -> None:
        """Import the part's module once; if that fails, the part gets one diagnostic instead of red checks."""
        if part in self.imported or part in self.diagnostics or self.submission is None:
            return
        self.imported.add(part)
        try:
            self.submission.import_module(part)
        except SubmissionFault as fault:
            self.diagnostics[part] = tr("runner.import_failed", file=f"{part}.py", reason=fault.student_message())
        except Exception as exc:  # noqa: BLE001 -- raised out of this hook, it would end pytest and every part's grade
            reason = tr("runner.check_error", detail=f"{type(exc).__name__}: {exc}")
            self.diagnostics[part] = tr("runner.import_failed", file=f"{part}.py", reason=reason)

    def result_of_call(self, item: pytest.Item, call: pytest.CallInfo) -> CheckResult:
        started = time.monotonic()
        excinfo = call.excinfo
        if excinfo is None:
            result = self.result(item, "passed")
        elif isinstance(excinfo.value, CheckFailure):
            failure = excinfo.value
            result = self.result(item, "failed", failure.message, failure.hint, failure.mistake)
        elif isinstance(excinfo.value, SubmissionFault):
            result = self.result(item, excinfo.value.outcome, excinfo.value.student_message())
            if self.stopped_at_own_stub(item, excinfo.value):
                self.alone_judges.discard((result.part, item.name))
        elif isinstance(excinfo.value, AssertionError):
            result = self.result(item, "failed", str(excinfo.value) or tr("runner.assertion"))
        else:
            result = self.result_of_breakdown(item, excinfo.value)
        result.duration = call.duration + (time.monotonic() - started)
        return result

    def stopped_at_own_stub(self, item: pytest.Item, fault: SubmissionFault) -> bool:
        """Whether ``fault`` is a NotImplementedError raised in the module of the check's own part."""
        raised_in = fault.raised_in if isinstance(fault, NotImplementedByStudent) else None
        return raised_in is not None and raised_in.file == self.parts[str(item.path)].module_file

    def result_of_breakdown(self, item: pytest.Item, exc: BaseException) -> CheckResult:
        """A check that raised something other than a verdict. If the student's code answered it with a value no
        exercise answers with (an integer beyond int64, an object that cannot leave the worker), that value is why:
        the check fails as the student's. Otherwise the check itself broke: it counts as failed, and says so rather
        than blame the student."""
        for target, value in (pair for used in self.in_use for pair in used.received):
            unusable = unusable_part(value)
            if unusable is not None:
                shown = unusable if unusable == describe_value(value) else f"{describe_value(value)} ({unusable})"
                return self.result(item, "failed", tr("runner.unusable_value", target=target, value=shown))
        return self.result(item, "error", tr("runner.check_error", detail=f"{type(exc).__name__}: {exc}"))

    def result(self, item: pytest.Item, outcome: str, message: str = "", hint: str = "",
               mistake: str = "") -> CheckResult:
        points = points_of(item)
        output = "".join(used.worker.take_output() for used in self.in_use)
        return CheckResult(self.part_of(item), item.name, check_title(item), points, Outcome(outcome), message, hint,
                           mistake, output, figures=figures_of(item))

    def part_of(self, item: pytest.Item) -> str:
        return self.parts[str(item.path)].name

    def location_of(self, item: pytest.Item) -> str:
        """``check_layers.py::test_dense_param_count``: where an instructor finds the check."""
        return f"{item.path.name}::{item.name}"


def points_of(item: pytest.Item) -> float:
    """The check's points (``marker_problems`` has made sure there is exactly one positive number)."""
    marker = item.get_closest_marker("points")
    assert marker is not None, "marker_problems lets no check without points through"
    return float(marker.args[0])


def marker_problems(item: pytest.Item) -> list[str]:
    """What is wrong with a check's markers, each as a sentence; [] for a well-written check."""
    problems = []
    points = list(item.iter_markers("points"))
    if not points:
        problems.append(tr("runner.no_points"))
    elif len(points) > 1 or len(points[0].args) != 1 or points[0].kwargs or not _is_positive_number(points[0].args[0]):
        problems.append(tr("runner.bad_points", marker=_show_markers(points)))
    params = getattr(getattr(item, "callspec", None), "params", {})
    for marker in item.iter_markers("figure"):
        kind, target = (marker.args + (None, None))[:2]
        if len(marker.args) != 2 or kind not in FIGURE_KINDS or not isinstance(target, str):
            problems.append(tr("runner.bad_figure", marker=_show_markers([marker]), kinds=", ".join(FIGURE_KINDS)))
            continue
        try:
            target.format(**params)
        except (KeyError, IndexError, ValueError) as exc:
            problems.append(tr("runner.bad_figure_target", target=target, detail=f"{type(exc).__name__}: {exc}",
                               params=", ".join(params) or "-"))
    return problems


def figures_of(item: pytest.Item) -> list[dict]:
    """The figures a failure of the check asks for, from its ``@pytest.mark.figure(kind, target, **options)``
    markers; ``{name}`` in a target is the check's parameter ``name``."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return [{"kind": m.args[0], "target": m.args[1].format(**params), "options": dict(m.kwargs)}
            for m in reversed(list(item.iter_markers("figure")))]  # in the order they are written, top first


def _is_positive_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _show_markers(markers: list[pytest.Mark]) -> str:
    def shown(mark: pytest.Mark) -> str:
        arguments = [*map(repr, mark.args), *(f"{k}={v!r}" for k, v in mark.kwargs.items())]
        return f"@pytest.mark.{mark.name}({', '.join(arguments)})"

    return " ".join(map(shown, markers))


def marker_uses(paths: list[Path], name: str) -> list[str]:
    """Where the suites in ``paths`` use ``@pytest.mark.<name>``: ``check_x.py, line 8 (test_y)``."""
    use = re.compile(rf"\bmark\.{re.escape(name)}\b")
    found = []
    for path in paths:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines, start=1):
            if use.search(line):
                check = next((m[1] for m in map(CHECK_DEFINITION.match, lines[number:]) if m), "?")
                found.append(f"{path.name}, line {number} ({check})")
    return found


def collection_detail(report: pytest.CollectReport) -> str:
    """The last line of a collection failure: pytest's own sentence ("'point' not found in `markers` ..."), not its
    traceback."""
    lines = [line.strip() for line in str(report.longrepr).splitlines() if line.strip()]
    return lines[-1][:500] if lines else "?"


def is_public(item: pytest.Item) -> bool:
    return item.get_closest_marker("public") is not None


def check_title(item: pytest.Item) -> str:
    """The check's title in the current language: ``check.<part>.<function>`` from the catalogues, else the first
    line of its docstring, else its name made readable; a parametrized check's parameters lead: ``sigmoid: ...``."""
    doc = getattr(getattr(item, "function", None), "__doc__", None)
    function = getattr(item, "originalname", item.name)  # a parametrized check's name without its parameters
    readable = function.removeprefix("test_").replace("_", " ")
    english = doc.strip().splitlines()[0] if doc and doc.strip() else readable
    title = tr_or(f"check.{item.path.stem.removeprefix(SUITE_PREFIX)}.{function}", english)
    callspec = getattr(item, "callspec", None)
    return f"{callspec.id}: {title}" if callspec else title


def _plugin_autoload_disabled() -> AbstractContextManager[None]:
    """No installed pytest plugin, and no option or plugin named in the environment, may load into a grading run."""
    return environment({"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_ADDOPTS": None, "PYTEST_PLUGINS": None})
