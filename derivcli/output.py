"""Where output goes and in which form: the environment, the output mode, and emitting results.

The environment (streams and whether they are terminals) is an object, not a global, so tests can
hand a command a pretend terminal (the habit of httpie's ``context.py``). Every command emits
through :func:`emit`, so the forms (rich, plain, json, latex, quiet) behave alike everywhere.

Layout and colour are two decisions: the layout (:func:`choose_mode`) follows whether stdout is a
terminal, ``--plain`` and ``--pretty``; colour (:func:`choose_color`) follows ``--color``,
NO_COLOR and FORCE_COLOR, and never changes the layout.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from derivcli.errors import DerivError, ExitStatus, InternalError

SCHEMA = "deriv/1"  # the version of the JSON records: schema/deriv-1.schema.json
RICH, PLAIN, JSON, LATEX, QUIET = "rich", "plain", "json", "latex", "quiet"
LINE_MODES = (PLAIN, LATEX)  # one record a line: a batch keeps input line k as output line k
COLOR_CHOICES = ("auto", "always", "never")
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"
_ERROR_KINDS = {
    ExitStatus.EXPECTATION_FAILED: "expectation_failed",
    ExitStatus.USAGE: "usage",
    ExitStatus.NO_ANSWER: "no_answer",
    ExitStatus.RESOURCE_LIMIT: "resource_limit",
    ExitStatus.INTERNAL: "internal",
    ExitStatus.INTERRUPTED: "interrupted",
}


@dataclass
class Environment:
    """The streams a command talks to and whether each is a terminal.

    Streams left as None are looked up when used, so click's test runner can swap them.
    """

    stdin_stream: object = None
    stdout_stream: object = None
    stderr_stream: object = None
    stdout_isatty: bool | None = None
    stderr_isatty: bool | None = None
    variables: dict = field(default_factory=lambda: dict(os.environ))

    @property
    def stdin(self):
        return self.stdin_stream or sys.stdin

    @property
    def stdout(self):
        return self.stdout_stream or sys.stdout

    @property
    def stderr(self):
        return self.stderr_stream or sys.stderr

    def is_terminal(self, stderr: bool = False) -> bool:
        chosen = self.stderr_isatty if stderr else self.stdout_isatty
        if chosen is None:
            return _isatty(self.stderr if stderr else self.stdout)
        return chosen

    def is_set(self, variable: str) -> bool:
        """Whether NO_COLOR or FORCE_COLOR is set: present and not empty, whatever the value
        (no-color.org, force-color.org; so FORCE_COLOR=0 forces colour too)."""
        return bool(self.variables.get(variable))

    def console(self, stderr: bool = False, color: bool | None = None):
        """A rich console on stdout (or stderr); rich is imported only here.

        ``color`` says whether it may write colours (None: when the stream is a terminal). A
        terminal without colour keeps bold and dim, as NO_COLOR asks; elsewhere, without colour,
        there are no escape codes at all. The width is the terminal's, else COLUMNS.
        """
        from rich.console import Console

        stream = self.stderr if stderr else self.stdout
        terminal = self.is_terminal(stderr)
        color = terminal if color is None else color
        width = None if _isatty(stream) else _columns(self.variables)
        return Console(
            file=stream,
            force_terminal=terminal or color,
            no_color=not color,
            width=width,
            highlight=False,
            soft_wrap=False,
        )


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _columns(variables: dict) -> int:
    try:
        return max(40, int(variables.get("COLUMNS", "")))
    except ValueError:
        return 100


@dataclass
class Output:
    """How a command shows its results: the mode, the steps choice, the guard's limits."""

    mode: str
    environment: Environment
    steps: bool | None = None
    timeout: float = 20.0
    memory: int = 2048
    debug: bool = False
    color: bool = False
    command: str | None = None  # the command's name, for the JSON records
    jobs: int | None = None  # workers of a batch; None: the usable cores

    @property
    def show_steps(self) -> bool:
        """Steps are shown on a terminal unless --no-steps; elsewhere only with --steps."""
        if self.steps is not None:
            return self.steps
        return self.mode == RICH

    def write(self, text: str = "") -> None:
        self.environment.stdout.write(text + "\n")

    def console(self):
        """The rich console of the terminal layout, coloured or not as decided."""
        return self.environment.console(color=self.color)

    def prepare(self) -> None:
        """Load what showing a result will need (rich, for the terminal layout), so that it can be
        done while a worker computes rather than after."""
        if self.mode == RICH:
            import rich.console  # noqa: F401

    line: int | None = None

    def warn(self, text: str) -> None:
        """A one-line note on stderr (not an error); in a batch it names the input line."""
        where = f"line {self.line}: " if self.line is not None else ""
        self.environment.stderr.write(f"deriv: {where}{text}\n")
        self.environment.stderr.flush()


@dataclass
class Rendered:
    """A result already rendered by the worker that computed it (a batch, whose parent then only
    passes text on): what the renderer gave (plain lines, or a JSON record's body), the notes it
    gave, and the result's problems, which set the exit status."""

    shown: object
    notes: list[str]
    problems: list = field(default_factory=list)


class _NoteTaker(Output):
    """An Output that keeps the renderer's notes instead of writing them (in a worker)."""

    def __init__(self, mode: str, steps: bool | None, line: int | None):
        super().__init__(mode, Environment(stdout_isatty=False, stderr_isatty=False, variables={}), steps)
        self.line = line
        self.notes: list[str] = []

    def warn(self, text: str) -> None:
        self.notes.append(text)


def render_in_worker(render, mode: str, result, steps: bool | None, line: int | None) -> Rendered:
    """``result`` as a renderer's ``render`` shows it in ``mode`` (PLAIN: ``plain``, its lines;
    JSON: ``to_json``, its record) for line ``line`` of a batch, in the worker that computed it:
    the sympy objects then never cross back, nor does printing them weigh on the process that
    gathers every worker's answers."""
    taker = _NoteTaker(mode, steps, line)
    shown = render(result, taker)
    return Rendered(shown, taker.notes, list(getattr(result, "problems", [])))


def json_text(record: dict, stream) -> str:
    """One JSON record for ``stream``: UTF-8 as it is, or ``\\u`` escapes when the stream cannot
    encode the text (``PYTHONIOENCODING=ascii``), so the record always reaches its reader."""
    import json

    try:
        text = json.dumps(record, ensure_ascii=False, allow_nan=False)
    except ValueError:  # a NaN or an infinity somewhere: JSON has none, so null
        record = _finite(record)
        text = json.dumps(record, ensure_ascii=False, allow_nan=False)
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = json.dumps(record, ensure_ascii=True, allow_nan=False)
    return text


def _finite(value):
    """The record with every NaN and infinity replaced by None."""
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def json_record(command: str | None, body: dict, line: int | None = None, source: str | None = None) -> dict:
    """A record of schema deriv/1: the schema and the command first, then the input line of a
    batch, then the body (a result, or ``error``)."""
    record = {"schema": SCHEMA, "command": command}
    if line is not None:
        record.update(line=line, input=source)
    record.update(body)
    return record


def write_json(output: Output, body: dict, line: int | None = None, source: str | None = None) -> None:
    output.write(json_text(json_record(output.command, body, line, source), output.environment.stdout))


def choose_mode(environment: Environment, as_json: bool = False, latex: bool = False, plain: bool = False,
                pretty: bool = False, quiet: bool = False) -> str:
    """The layout: the terminal one (rich) exactly when stdout is a terminal, unless --plain
    or --pretty says otherwise. Colour variables play no part here."""
    if quiet:
        return QUIET
    if as_json:
        return JSON
    if latex:
        return LATEX
    if plain:
        return PLAIN
    if pretty or environment.is_terminal():
        return RICH
    return PLAIN


def choose_color(environment: Environment, mode: str, choice: str = "auto") -> bool:
    """Whether to write colour: ``--color always`` or ``never`` decides; ``auto`` colours the
    terminal layout on a terminal or when FORCE_COLOR is set, never when NO_COLOR is set, and
    leaves plain lines plain (a script that captures an answer gets just the answer).
    JSON, LaTeX and quiet output are never coloured."""
    if mode not in (RICH, PLAIN) or choice == "never":
        return False
    if choice == "always":
        return True
    if mode == PLAIN or environment.is_set("NO_COLOR"):
        return False
    return environment.is_terminal() or environment.is_set("FORCE_COLOR")


def painted(text: str) -> str:
    """A plain line in bold (the terminal layout's style of an answer); an empty line stays empty,
    and without the escape codes the line is exactly the plain one."""
    return f"{_BOLD}{text}{_RESET}" if text else text


def error_line(error: DerivError, line: int | None = None) -> str:
    """The one-line message for stderr: ``deriv: error: …; hint``."""
    where = f"line {line}: " if line is not None else ""
    text = f"deriv: error: {where}{error.message}"
    if error.hint:
        text += f"; {error.hint}"
    return " ".join(text.split())


def error_record(error: DerivError) -> dict:
    return {
        "status": int(error.status),
        "kind": _ERROR_KINDS.get(error.status, "error"),
        "message": error.message,
        "hint": error.hint,
    }


def report(error: DerivError, output: Output, line: int | None = None, source: str | None = None) -> int:
    """Tell the user about a failure: one line on stderr, and a record on stdout for --json."""
    output.environment.stderr.write(error_line(error, line) + "\n")
    if output.debug and getattr(error, "details", None):
        output.environment.stderr.write(error.details)
    if output.mode == JSON:
        write_json(output, {"error": error_record(error)}, line, source)
    elif line is not None:
        keep_line(output)
    output.environment.stderr.flush()
    return int(error.status)


def keep_line(output: Output) -> None:
    """An input line with no answer to show (a comment, a blank line, a failure): an empty line
    where output is one record a line, so output line k stays input line k (paste, nl)."""
    if output.mode in LINE_MODES:
        output.write("")
        output.environment.stdout.flush()


def emit(renderer, result, output: Output, line: int | None = None, source: str | None = None) -> int:
    """Show a result in the output's mode, then report its problems; return the exit status."""
    output.line = line
    if isinstance(result, Rendered):
        for note in result.notes:
            output.warn(note)
    if output.mode == JSON:
        record = result.shown if isinstance(result, Rendered) else renderer.to_json(result, output)
        problems = getattr(result, "problems", [])
        if problems:
            record["problems"] = [error_record(problem) for problem in problems]
        write_json(output, record, line, source)
    elif output.mode == LATEX:
        output.write(renderer.latex(result, output))
    elif output.mode == PLAIN:
        lines = result.shown if isinstance(result, Rendered) else renderer.plain(result, output)
        if not lines and line is not None:
            lines = [""]  # a batch keeps one record a line, even with no answer
        for text in lines:
            output.write(painted(text) if output.color else text)
    elif output.mode == RICH:
        console = output.console()
        if line is not None:
            from rich.rule import Rule

            console.print(Rule(f"line {line}: {source}", align="left", style="dim"))
        console.print(renderer.rich(result, output))
    output.environment.stdout.flush()
    status = ExitStatus.SUCCESS
    shown = []
    if output.mode == RICH and output.environment.is_terminal(stderr=True) and hasattr(renderer, "shown_problems"):
        shown = [(type(said), str(said)) for said in renderer.shown_problems(result)]  # one screen: said already
    for problem in getattr(result, "problems", []):
        if (type(problem), str(problem)) not in shown:
            output.environment.stderr.write(error_line(problem, line) + "\n")
        status = max(status, problem.status)
    output.environment.stderr.flush()
    return int(status)


def emit_safely(renderer, result, output: Output, line: int | None = None, source: str | None = None) -> int:
    """Emit a result; a renderer's bug becomes exit 70 for this record, and a batch goes on."""
    try:
        return emit(renderer, result, output, line=line, source=source)
    except (BrokenPipeError, KeyboardInterrupt):
        raise
    except OSError:
        raise
    except Exception as error:
        import traceback

        details = "".join(traceback.format_exception(error))
        failure = InternalError(f"internal error while showing the answer ({type(error).__name__}: {error})",
                                hint="this is a bug in deriv; --debug shows the traceback", details=details)
        return report(failure, output, line=line, source=source)


def emit_batch(renderer, answers, output: Output) -> int:
    """Show a batch's answers as they come, in input order: ``answers`` gives ((line number,
    text), outcome) for every input line, the outcome's ``value`` a result, its ``error`` a
    failure, neither a line with nothing to show. Return the worst exit status."""
    worst = ExitStatus.SUCCESS
    with BatchProgress(output) as progress:
        for (number, text), outcome in answers:
            if outcome.error is not None:
                status = report(outcome.error, output, line=number, source=text)
            elif outcome.value is None:
                keep_line(output)
                status = ExitStatus.SUCCESS
            else:
                status = emit_safely(renderer, outcome.value, output, number, text)
            worst = max(worst, status)
            progress.advance(status)
    return int(worst)


class BatchProgress:
    """A line counter on stderr while a batch runs, when stderr is a terminal and stdout is not
    (``deriv diff - < formulas.txt > answers.txt``). No thread: it redraws as lines finish."""

    REDRAW_SECONDS = 0.1

    def __init__(self, output: Output):
        environment = output.environment
        self.enabled = environment.is_terminal(stderr=True) and not environment.is_terminal()
        self.progress = None
        self.last_drawn = 0.0

    def __enter__(self):
        if self.enabled:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                SpinnerColumn(), TextColumn("{task.completed} lines"), TextColumn("{task.fields[failed]} failed"),
                TimeElapsedColumn(), console=self._console(), transient=True, auto_refresh=False,
                redirect_stdout=False, redirect_stderr=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("batch", total=None, failed=0)
        return self

    def _console(self):
        from rich.console import Console

        return Console(stderr=True, force_terminal=True)

    def advance(self, status: int) -> None:
        if self.progress is None:
            return
        import time

        failed = self.progress.tasks[0].fields["failed"] + (1 if status else 0)
        self.progress.update(self.task, advance=1, failed=failed)
        now = time.monotonic()
        if now - self.last_drawn >= self.REDRAW_SECONDS:
            self.progress.refresh()
            self.last_drawn = now

    def __exit__(self, *exception) -> None:
        if self.progress is not None:
            self.progress.stop()


# --- a spinner while the guarded worker computes ------------------------------------------------

_STAGE_BYTES = 240
_stage_board = None  # shared memory, made before the worker is forked, so both see it


def stage_board():
    """The few bytes through which the worker says what it is doing (``solving ∇f = 0``).

    An anonymous shared mapping: made in the parent before the guard forks its worker, it is the
    same memory in both, with no pipe or thread of the guard's involved."""
    global _stage_board
    if _stage_board is None:
        import mmap

        _stage_board = mmap.mmap(-1, _STAGE_BYTES)
    return _stage_board


def announce(stage: str) -> None:
    """Say what the computation is doing now (from the worker); nothing happens when no spinner
    made the board before the fork."""
    if _stage_board is None:
        return
    data = stage.encode("utf-8")[: _STAGE_BYTES - 1]
    _stage_board[:] = data + b"\0" * (_STAGE_BYTES - len(data))


def current_stage() -> str:
    """What the worker last announced ('' when nothing)."""
    if _stage_board is None:
        return ""
    return bytes(_stage_board).split(b"\0", 1)[0].decode("utf-8", errors="ignore")


class Spinner:
    """A spinner on stderr, with what is being done and for how long, once a computation has run
    ``DELAY`` seconds; cleared when it ends. Only when both stdout and stderr are a terminal and
    the output is not JSON or quiet: never in a pipe. It runs in a thread of the parent, which
    only waits for the worker, and reads the stage the worker announces (:func:`announce`)."""

    DELAY = 0.5
    FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
    REDRAW_SECONDS = 0.1

    def __init__(self, output: Output, doing: str | None):
        environment = output.environment
        self.enabled = bool(doing) and output.mode not in (JSON, QUIET) and environment.is_terminal() \
            and environment.is_terminal(stderr=True)
        self.doing = doing
        self.stream = environment.stderr
        self.thread = None
        self.drawn = False

    def __enter__(self):
        if not self.enabled:
            return self
        import threading

        stage_board()  # made before the worker is forked (the guard forks on its first job)
        announce("")  # a fresh job has said nothing yet
        self.stopped = threading.Event()
        self.started = _now()
        if self.DELAY <= 0:
            self._draw(0)
        self.thread = threading.Thread(target=self._spin, name="deriv-spinner", daemon=True)
        self.thread.start()
        return self

    def _spin(self) -> None:
        if self.stopped.wait(self.DELAY):
            return
        frame = 0
        while not self.stopped.is_set():
            self._draw(frame)
            frame += 1
            self.stopped.wait(self.REDRAW_SECONDS)

    def _draw(self, frame: int) -> None:
        stage = current_stage() or self.doing
        text = f"{self.FRAMES[frame % len(self.FRAMES)]} {stage} … {_now() - self.started:.1f} s"
        width = _terminal_width(self.stream)
        try:
            self.stream.write("\r\x1b[2K" + text[: max(1, width - 1)])
            self.stream.flush()
            self.drawn = True
        except (OSError, ValueError):
            pass

    def __exit__(self, *exception) -> None:
        if self.thread is None:
            return
        self.stopped.set()
        self.thread.join()
        if self.drawn:
            try:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
            except (OSError, ValueError):
                pass


def _now() -> float:
    import time

    return time.monotonic()


def _terminal_width(stream) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 80
