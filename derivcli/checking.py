"""``deriv check``: formula files run line by line, judged, and reported the way CI systems read it.

A line is ``COMMAND ARGS => EXPECTED`` (``classify x**2 --at 0 => minimum``) or a bare
``EXPR => EXPECTED`` (a derivative: ``diff``). Its words are split as a shell would
(:func:`shlex.split`) and read by the command's own click options, never evaluated; the request
is built by the command's own job builder and runs on one of the check's guarded workers
(``--jobs``, :mod:`derivcli.workers`), each under the check's time and memory limits; verdicts
come back in the files' order. Files are read a line at a time and each verdict is written as
it is reached (the JUnit report's test cases go to a temporary file until the counts are known),
so a file of any length runs in flat memory.
"""

from __future__ import annotations

import copy
import os
import re
import shlex
import tempfile
import time
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import click

from derivcli.errors import DerivError, ExitStatus, ParseError, UsageError

EXPECT_SEPARATOR = "=>"
COMMENT = "#"
MAX_LINE_BYTES = 64 * 1024  # a longer line is an error, read no further (formulas stop at 4000 characters)
SHOWN_SOURCE = 100  # characters of a line quoted in the JUnit report
STDIN_NAME = "<stdin>"
PASSED, FAILED, ERROR = "passed", "failed", "error"
# Options of the whole run, refused on a line: each line runs under the check's limits and prints nothing.
WHOLE_RUN_OPTIONS = {"as_json": "--json", "latex": "--latex", "plain": "--plain", "pretty": "--pretty",
                     "color": "--color", "quiet": "--quiet", "timeout": "--timeout", "memory": "--memory",
                     "debug": "--debug", "steps": "--steps"}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Verdict:
    """The outcome of one line: passed, failed (a wrong or missing answer, a limit hit) or error
    (the line could not be read), with the reason and the seconds it took."""

    path: str
    line: int
    source: str
    outcome: str
    message: str | None = None
    seconds: float = 0.0


@dataclass
class Tally:
    """The counts of the summary line; the only thing a check keeps of its lines."""

    passed: int = 0
    failed: int = 0
    errors: int = 0
    seconds: float = 0.0

    def count(self, verdict: Verdict) -> None:
        if verdict.outcome == PASSED:
            self.passed += 1
        elif verdict.outcome == FAILED:
            self.failed += 1
        else:
            self.errors += 1
        self.seconds += verdict.seconds

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors

    def summary(self) -> str:
        """``41 passed, 2 failed, 1 error``: pytest's words, every count always present."""
        return f"{self.passed} passed, {self.failed} failed, {self.errors} error{'' if self.errors == 1 else 's'}"

    def status(self) -> int:
        """2 when a line could not be read, else 1 when a check failed, else 0."""
        if self.errors:
            return int(ExitStatus.USAGE)
        return int(ExitStatus.EXPECTATION_FAILED if self.failed else ExitStatus.SUCCESS)


class LineReader:
    """Reads the text of a check line into its command's job and request.

    ``commands`` are the click commands and ``jobs`` their builders (``options, settings ->
    (job, request)``), as the command line uses them. A line's options come from the line alone:
    the DERIV_* variables of the commands do not reach into a formula file.
    """

    def __init__(self, commands: dict, jobs: dict, settings):
        self.commands = {name: _without_environment(commands[name]) for name in jobs}
        self.jobs = jobs
        self.settings = settings

    def read(self, text: str):
        """(job, request) for a line; a UsageError (or ParseError) when it cannot be read."""
        left, arrow, expected = text.partition(EXPECT_SEPARATOR)
        left, expected = left.strip(), expected.strip()
        if arrow and not expected:
            raise UsageError(f"nothing after '{EXPECT_SEPARATOR}'", hint="write the expected answer after it")
        words = left.split(None, 1)
        if words and words[0] in self.jobs:
            name, arguments = words[0], _split(words[1] if len(words) > 1 else "")
        elif left:
            name, arguments = "diff", ["--", left]  # a bare formula, whatever its characters
        else:
            raise UsageError(f"no formula before '{EXPECT_SEPARATOR}'")
        options = self._options(name, arguments)
        if arrow:
            if options.get("expect") is not None:
                raise UsageError(f"the line gives both '{EXPECT_SEPARATOR}' and --expect")
            options["expect"] = expected
        if options["expression"] == "-":
            raise ParseError("'-' is not a formula", hint="deriv check - reads the lines themselves from stdin")
        return self.jobs[name](options, self.settings)

    def _options(self, name: str, arguments: list[str]) -> dict:
        """The command's options as click reads them (no help option: ``-h`` is an unknown option)."""
        try:
            context = self.commands[name].make_context(name, arguments, help_option_names=[])
        except click.ClickException as error:
            message = error.format_message()
            raise UsageError((message[:1].lower() + message[1:]).rstrip(".")) from None
        except click.exceptions.Exit:
            raise UsageError("the line asks for something that is not a check") from None
        for key, option in WHOLE_RUN_OPTIONS.items():
            if context.get_parameter_source(key) == click.core.ParameterSource.COMMANDLINE:
                raise UsageError(f"{option} is not an option of a check line",
                                 hint="every line runs under the limits of deriv check (--timeout, --memory) "
                                      "and prints only its verdict")
        return dict(context.params)


def _without_environment(command: click.Command) -> click.Command:
    """A copy of a command whose options read nothing from the environment."""
    line_command = copy.copy(command)
    line_command.params = [copy.copy(parameter) for parameter in command.params]
    for parameter in line_command.params:
        parameter.envvar = None
    return line_command


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError as error:
        raise ParseError(f"the line cannot be split into words: {str(error).lower()}",
                         hint="quote a formula with spaces as in a shell: diff \"x**2 + 1\"") from None


def source_lines(stream):
    """(line number, text, error) for each line of a binary stream, read one line at a time; a
    line that is not UTF-8, or longer than MAX_LINE_BYTES (the rest skipped unread), has an
    error instead of its text."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(MAX_LINE_BYTES)
            yield number, None, ParseError(f"the line is longer than {MAX_LINE_BYTES} bytes")
            continue
        try:
            yield number, raw.decode("utf-8").strip(), None
        except UnicodeDecodeError:
            yield number, None, ParseError("the line is not valid UTF-8")


def error_text(error: DerivError) -> str:
    """A failure as one line: the message and its hint."""
    text = f"{error.message}; {error.hint}" if error.hint else error.message
    return " ".join(text.split())


def outcome_of(status: int) -> str:
    """A usage or parse error means the line could not be read; any other failure is a failed check."""
    if status == ExitStatus.SUCCESS:
        return PASSED
    return ERROR if status == ExitStatus.USAGE else FAILED


def judge(line: tuple) -> tuple[str, str | None, float]:
    """Run one read line's ``(job, request)`` in a worker: (outcome, message, seconds).

    The worker judges the result itself, so only these few words cross back to the parent, not
    the whole result (a derivation's tree, a descent's path)."""
    job, request = line
    started = time.perf_counter()
    try:
        result = job(request)
    except DerivError as error:
        return outcome_of(error.status), error_text(error), time.perf_counter() - started
    problems = list(getattr(result, "problems", []))
    worst = max((int(problem.status) for problem in problems), default=0)
    message = "; ".join(error_text(problem) for problem in problems) or None
    return outcome_of(worst), message, time.perf_counter() - started


def read_lines(paths, reader: LineReader, stdin=None):
    """``((path, number, text), line)`` for every line of every file that is not a comment or
    blank, in order: ``line`` is the ``(job, request)`` to run, or an Outcome carrying the error
    of a line that could not be read (nothing of it runs)."""
    from derivcli.workers import Outcome  # lazy: the pool's module, which a check always uses

    for path in paths:
        if path == "-":
            stream, name, opened = getattr(stdin, "buffer", stdin), STDIN_NAME, None
        else:
            try:
                stream = opened = open(path, "rb")
            except OSError as error:
                raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
            name = path
        try:
            for number, text, error in source_lines(stream):
                if error is None and (not text or text.startswith(COMMENT)):
                    continue
                if error is None:
                    try:
                        yield (name, number, text), reader.read(text)
                        continue
                    except DerivError as failure:
                        error = failure
                yield (name, number, text or ""), Outcome(error=error)
        finally:
            if opened is not None:
                opened.close()


def verdicts(paths, reader: LineReader, pool, stdin=None):
    """The verdict of every line of every file, in order, the lines running on the pool's
    workers. A line's seconds are its job's own; for a line that never ran in a worker (it
    could not be read, or its worker was ended), the wall-clock time since the previous verdict."""
    previous = time.monotonic()
    for (path, number, text), outcome in pool.map(judge, read_lines(paths, reader, stdin)):
        now = time.monotonic()
        if outcome.error is not None:
            error = outcome.error
            verdict = Verdict(path, number, text, outcome_of(error.status), error_text(error), now - previous)
        else:
            verdict = Verdict(path, number, text, *outcome.value)
        previous = now
        yield verdict


def check(paths, reader: LineReader, pool, report: Report, stdin=None) -> int:
    """Run every line of every file (``-``: stdin) on the pool, report each verdict as it comes
    (in the files' order), then the summary; the exit status is the tally's."""
    tally = Tally()
    with pool, report:
        for verdict in verdicts(paths, reader, pool, stdin):
            tally.count(verdict)
            report.add(verdict)
        report.finish(tally)
    return tally.status()


# ---------------------------------------------------------------- reports


class Report:
    """Where the verdicts go: failure lines (``file:line:`` or GitHub annotations) and the summary
    on stdout, unless quiet, and a JUnit XML file when asked."""

    def __init__(self, stdout, report_format: str = "text", junit_path: str | None = None, quiet: bool = False):
        self.stdout = stdout
        self.report_format = report_format
        self.quiet = quiet
        self.junit = JUnitReport(junit_path) if junit_path else None

    def __enter__(self) -> Report:
        return self

    def __exit__(self, *exception) -> None:
        if self.junit is not None:
            self.junit.close()

    def add(self, verdict: Verdict) -> None:
        if self.junit is not None:
            self.junit.add(verdict)
        if self.quiet or verdict.outcome == PASSED:
            return
        if self.report_format == "github":
            self._write(github_annotation(verdict))
        else:
            self._write(f"{verdict.path}:{verdict.line}: {verdict.outcome}: {verdict.message}")

    def finish(self, tally: Tally) -> None:
        if self.junit is not None:
            self.junit.finish(tally)
        if not self.quiet:
            self._write(tally.summary())

    def _write(self, text: str) -> None:
        encoding = getattr(self.stdout, "encoding", None) or "utf-8"
        text = text.encode(encoding, "backslashreplace").decode(encoding)
        self.stdout.write(text + "\n")
        self.stdout.flush()


def github_annotation(verdict: Verdict) -> str:
    """``::error file=F,line=N,title=…::message``, escaped as GitHub's workflow commands want."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    title = f"deriv check: {verdict.outcome}"
    return f"::error file={prop(verdict.path)},line={verdict.line},title={prop(title)}::{data(verdict.message or '')}"


class JUnitReport:
    """A JUnit XML file, one testcase a line. The counts head the file but are known only at the
    end, so the test cases wait in a temporary file; the report replaces PATH in one step."""

    def __init__(self, path: str):
        self.path = path
        directory = os.path.dirname(os.path.abspath(path))
        try:
            self.final = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, prefix=".deriv-junit-",
                                                     suffix=".xml", delete=False)
        except OSError as error:
            raise UsageError(f"cannot write the JUnit report {path}: {error.strerror or error}") from None
        self.cases = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.done = False

    def add(self, verdict: Verdict) -> None:
        name = verdict.source if len(verdict.source) <= SHOWN_SOURCE else verdict.source[:SHOWN_SOURCE] + "…"
        attributes = (f"classname={_attribute(verdict.path)} name={_attribute(f'line {verdict.line}: {name}')} "
                      f"file={_attribute(verdict.path)} line=\"{verdict.line}\" time=\"{verdict.seconds:.3f}\"")
        if verdict.outcome == PASSED:
            self.cases.write(f"<testcase {attributes}/>\n")
            return
        tag = "failure" if verdict.outcome == FAILED else "error"
        message = verdict.message or ""
        self.cases.write(f"<testcase {attributes}><{tag} message={_attribute(message)}>"
                         f"{escape(_xml_text(message))}</{tag}></testcase>\n")

    def finish(self, tally: Tally) -> None:
        counts = (f'tests="{tally.total}" failures="{tally.failed}" errors="{tally.errors}" '
                  f'time="{tally.seconds:.3f}"')
        self.final.write('<?xml version="1.0" encoding="utf-8"?>\n')
        self.final.write(f'<testsuites name="deriv check" {counts}>\n')
        self.final.write(f'<testsuite name="deriv check" {counts} skipped="0">\n')
        self.cases.seek(0)
        while chunk := self.cases.read(1 << 16):
            self.final.write(chunk)
        self.final.write("</testsuite>\n</testsuites>\n")
        self.final.close()
        os.replace(self.final.name, self.path)
        self.done = True

    def close(self) -> None:
        self.cases.close()
        if not self.done:
            self.final.close()
            try:
                os.unlink(self.final.name)
            except OSError:
                pass


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold: characters it forbids (NUL, most controls) become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _attribute(text: str) -> str:
    return quoteattr(_xml_text(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
