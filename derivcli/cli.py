"""The command line: click commands, the shared output options, and exit statuses.

Commands stay thin: each builds a request, runs its job through the guard and hands the result to
its renderer (:func:`run`). Failures become exit statuses in one place (:meth:`DerivGroup.main`
and :func:`derivcli.output.report`). Nothing heavy is imported here: sympy and rich load only
when a command runs.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import signal
import sys

import click

from derivcli import __version__
from derivcli.errors import DerivError, ExitStatus, ParseError, ResourceLimitError, UsageError
from derivcli.guard import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, PLATFORM_NOTE, Guard
from derivcli.output import (
    COLOR_CHOICES, JSON, PLAIN, QUIET, RICH, Environment, Output, Spinner, choose_color, choose_mode, emit_batch,
    emit_safely, error_line, error_record, json_record, json_text, report,
)

_PLACEHOLDER = "\x00deriv-expression"
_OPTION_LIKE = re.compile(r"-[A-Za-z]")  # a dash and a letter: an option, or a formula like -x
_LONG_OPTION = re.compile(r"--[A-Za-z]")  # two dashes and a letter: a long option, never a formula
_WORD_OF_LETTERS = re.compile(r"[a-z][a-z-]+")
_SHOWN_WORD = 60  # characters of an unknown word quoted back in its error
ENVIRONMENT_PREFIX = "DERIV"
EXPECT_SEPARATOR = "=>"


class DerivCommand(click.Command):
    """A deriv command: each option can also come from the environment, as
    ``DERIV_<COMMAND>_<LONG OPTION>`` (``DERIV_DIFF_TIMEOUT``, ``DERIV_DESCEND_MAX_ITER``)."""

    def __init__(self, name, *args, **kwargs):
        super().__init__(name, *args, **kwargs)
        for parameter in self.params:
            if isinstance(parameter, click.Option) and parameter.envvar is None:
                parameter.envvar = environment_variable(name, parameter)


class ExpressionCommand(DerivCommand):
    """A command whose EXPRESSION may begin with a minus sign: ``deriv diff "-x**2"``, ``deriv diff -x``.

    click would read ``-x**2`` as options. Here the one dash-led word that names no option, is no
    option's value, and stands where the expression is missing, is the expression, unless it
    reads like a mistyped option (``-at``, ``--att``, ``-jsn``). Every other unknown dash-led word
    is a usage error that names it as typed.
    """

    def parse_args(self, ctx, args):
        names, valued = self._option_names(ctx)
        positional, unknown = _sort_words(args, names, valued)
        expression = None
        if not positional and unknown and _reads_as_formula(args[unknown[0]], names):
            expression = unknown.pop(0)
        if unknown and not ctx.resilient_parsing:  # (completion parses resiliently: no errors)
            could_be_expression = not positional and expression is None
            raise _no_such_option(args[unknown[0]], names, ctx, could_be_expression)
        if expression is None:
            return super().parse_args(ctx, args)
        text, args = args[expression], list(args)
        args[expression] = _PLACEHOLDER
        remaining = super().parse_args(ctx, args)
        for key, value in ctx.params.items():
            if value == _PLACEHOLDER:
                ctx.params[key] = text
        return remaining

    def _option_names(self, ctx) -> tuple[set, set]:
        """Every name of the command's options, and the names that take a value."""
        names, valued = set(ctx.help_option_names), set()
        for parameter in self.params:
            if isinstance(parameter, click.Option):
                names.update(parameter.opts + parameter.secondary_opts)
                if not parameter.is_flag and not parameter.count:
                    valued.update(parameter.opts)
        return names, valued


def environment_variable(command: str, option: click.Option) -> str:
    """``DERIV_<COMMAND>_<LONG OPTION>``: named after the option as typed (``--max-iter`` is
    ``DERIV_DESCEND_MAX_ITER``, ``--json`` is ``DERIV_DIFF_JSON``), not after click's parameter."""
    long_names = [name for name in option.opts if name.startswith("--")] or option.opts
    stem = long_names[0].lstrip("-").replace("-", "_").upper()
    return f"{ENVIRONMENT_PREFIX}_{command.upper()}_{stem}"


def _sort_words(args, names: set, valued: set) -> tuple[list, list]:
    """The positions of positional words and of dash-led words that name no option.

    An option's value (``--at -1``) is neither, and so is everything click reads itself: known
    options, ``--at=3``, clusters of known short flags (``-qh``) and whatever follows ``--``.
    """
    positional, unknown, takes_value = [], [], False
    for index, word in enumerate(args):
        if takes_value:
            takes_value = False
        elif word == "--":
            positional += range(index + 1, len(args))
            break
        elif not word.startswith("-") or word == "-":
            positional.append(index)
        elif word.split("=", 1)[0] in names or all(f"-{letter}" in names for letter in word[1:]):
            takes_value = word in valued
        else:
            unknown.append(index)
    return positional, unknown


def _meant_option(word: str, names: set) -> str | None:
    """The option a dash-led word seems meant for (``-at`` and ``--att`` → ``--at``), or None."""
    import difflib

    stem = word.split("=", 1)[0].lstrip("-").lower()
    by_stem = {name.lstrip("-"): name for name in sorted(names, key=len)}
    if word.startswith("--"):
        close = difflib.get_close_matches(stem, by_stem, n=1, cutoff=0.6)
    elif not _WORD_OF_LETTERS.fullmatch(stem):
        return None  # -x**2, -2, -y_hat, -sin(x): a formula's shape
    elif stem in by_stem:
        return by_stem[stem]
    else:
        close = difflib.get_close_matches(stem, by_stem, n=1, cutoff=0.75) if len(stem) > 2 else []
    return by_stem[close[0]] if close else None


def _reads_as_formula(word: str, names: set) -> bool:
    """``-x``, ``-x**2``, ``-theta`` and ``---x`` (signs on signs) are formulas; ``--anything`` and a
    near-miss of an option (``-at``, ``-jsn``, ``-order``) are not."""
    if word.startswith("--"):
        return not _LONG_OPTION.match(word)
    return _meant_option(word, names) is None


def _no_such_option(word: str, names: set, ctx, could_be_expression: bool) -> click.UsageError:
    """``no such option: -v``, named as typed, with the option it is probably meant to be."""
    typed = word if len(word) <= _SHOWN_WORD else word[:_SHOWN_WORD] + "…"
    if not _OPTION_LIKE.match(word) and not word.startswith("--"):
        return click.UsageError(f"got unexpected extra argument ({typed})", ctx=ctx)
    message = f"no such option: {typed.split('=', 1)[0]}"
    meant = _meant_option(word, names)
    if meant is not None:
        message += f"; did you mean {meant}?"
    if could_be_expression and not word.startswith("--"):
        message += f" (for the formula {typed}: {ctx.command_path} -- {typed})"
    return click.UsageError(message, ctx=ctx)


class DerivGroup(click.Group):
    """The ``deriv`` group; its ``main`` is the one place exceptions become exit statuses."""

    def main(self, args=None, prog_name=None, **extra):
        extra.pop("standalone_mode", None)
        arguments = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in arguments
        json_command = _json_command(self, arguments)
        previous = signal.signal(signal.SIGTERM, _terminate) if _is_main_thread() else None
        try:
            status = super().main(arguments, prog_name or "deriv", standalone_mode=False, **extra)
        except click.exceptions.Exit as exit:
            status = exit.exit_code
        except click.ClickException as error:
            status = _usage_error(error, json_command)
        except (click.Abort, KeyboardInterrupt):
            status = ExitStatus.INTERRUPTED
        except (BrokenPipeError, _ClosedPipe):
            _silence_stdout()
            status = ExitStatus.SUCCESS
        except DerivError as error:
            sys.stderr.write(error_line(error) + "\n")  # with its hint, as every other error line
            _write_json_error(json_command, error)
            status = error.status
        except OSError as error:
            _silence_stdout()
            sys.stderr.write(f"deriv: error: cannot write the output: {error.strerror or error}\n")
            status = ExitStatus.RESOURCE_LIMIT
        except Exception as error:  # a bug: one line, the traceback only with --debug
            sys.stderr.write(f"deriv: error: internal error ({type(error).__name__}: {error})\n")
            if debug:
                import traceback

                traceback.print_exc()
            status = ExitStatus.INTERNAL
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        status = int(status or 0)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
        except OSError as error:
            _silence_stdout()
            sys.stderr.write(f"deriv: error: cannot write the output: {error.strerror or error}\n")
            status = max(status, ExitStatus.RESOURCE_LIMIT)
        sys.exit(status)


    def invoke(self, ctx):
        """Run the command; a closed pipe passes click by (click would make it exit 1, the status
        of a failed --expect) to end quietly in :meth:`main`."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _ClosedPipe() from None


class _ClosedPipe(Exception):
    """stdout was closed by its reader (``deriv … | head -1``)."""


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _terminate(signal_number, frame):
    """SIGTERM: unwind (closing the guard kills its worker) and exit 143."""
    raise SystemExit(128 + signal_number)


def _silence_stdout() -> None:
    """After a closed pipe or a full disk, send what is left to /dev/null: no second error."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _usage_error(error: click.ClickException, json_command: str | None = None) -> int:
    context = getattr(error, "ctx", None)
    if type(error).__name__ == "NoArgsIsHelpError" and context is not None:
        sys.stderr.write(context.get_help() + "\n")  # plain `deriv`: the help, as it is laid out
        return ExitStatus.USAGE
    message = click_message(error)
    parameter = getattr(error, "param", None)
    if context is not None and parameter is not None and parameter.name is not None:
        if context.get_parameter_source(parameter.name) == click.core.ParameterSource.ENVIRONMENT:
            message += f" (from the environment variable {parameter.envvar})"
    hint = f"see '{context.command_path} --help'" if context is not None else None
    sys.stderr.write(" ".join(f"deriv: error: {message}{f' ({hint})' if hint else ''}".split()) + "\n")
    _write_json_error(json_command, UsageError(" ".join(message.split()), hint))
    return ExitStatus.USAGE


def click_message(error: click.ClickException) -> str:
    """click's message of a usage error, as a clause of deriv's one-line errors."""
    message = error.format_message()
    return (message[:1].lower() + message[1:]).rstrip(".")


def _json_command(group: click.Group, arguments: list[str]) -> str | None:
    """The command whose usage errors are JSON records too: the one the arguments name, when it
    is asked for --json (on the command line, or as DERIV_<COMMAND>_JSON) and not for --quiet."""
    if "-q" in arguments or "--quiet" in arguments:
        return None
    name = next((word for word in arguments if not word.startswith("-")), None)
    command = group.commands.get(name)
    option = next((parameter for parameter in getattr(command, "params", ())
                   if parameter.name == "as_json"), None)
    if option is None:
        return None
    from_environment = os.environ.get(option.envvar or "", "").strip().lower() in ("1", "true", "t", "yes", "y", "on")
    return name if "--json" in arguments or from_environment else None


def _write_json_error(command: str | None, error: DerivError) -> None:
    """Under --json, a failure before the command could run is a record on stdout as well."""
    if command is None:
        return
    record = json_record(command, {"error": error_record(error)})
    sys.stdout.write(json_text(record, sys.stdout) + "\n")


def output_options(steps: bool = False):
    """The output and limit options every command shares, gathered into one ``output`` argument."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, as_json, latex, plain, pretty, color, quiet, timeout, memory, workers, debug, **kwargs):
            steps_choice = kwargs.pop("steps", None)
            _refuse_together(("--json", as_json), ("--latex", latex), ("--quiet", quiet))
            _refuse_together(("--plain", plain), ("--pretty", pretty))
            environment = click.get_current_context().find_object(Environment) or Environment()
            mode = choose_mode(environment, as_json, latex, plain, pretty, quiet)
            output = Output(mode, environment, steps_choice, timeout, memory, debug,
                            choose_color(environment, mode, color), command=click.get_current_context().info_name,
                            jobs=workers)
            return function(*args, output=output, **kwargs)

        options = [
            click.option("--json", "as_json", is_flag=True,
                         help="One JSON object (JSON Lines with '-' input)."),
            click.option("--latex", is_flag=True, help="LaTeX of the answer."),
            click.option("--plain", is_flag=True,
                         help="Plain answer lines even on a terminal (the piped form)."),
            click.option("--pretty", is_flag=True,
                         help="The terminal layout (trees, tables) even in a pipe."),
            click.option("--color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
                         help="Colour only, never the layout: auto colours the terminal layout on a "
                              "terminal or with FORCE_COLOR (not with NO_COLOR); always colours plain "
                              "lines too."),
            click.option("-q", "--quiet", is_flag=True,
                         help="Nothing on stdout: the exit status says it (errors still on stderr)."),
            click.option("--timeout", type=click.FloatRange(min=0, min_open=True, max=86400),
                         default=DEFAULT_TIMEOUT, show_default=True, metavar="SECONDS",
                         help="Wall-clock limit of each computation."),
            click.option("--memory", type=click.IntRange(min=128, max=1 << 20),
                         default=DEFAULT_MEMORY_MB, show_default=True, metavar="MIB",
                         help="Memory limit of each computation, in MiB."),
            click.option("--jobs", "workers", type=click.IntRange(min=1, max=1024), default=None, metavar="N",
                         help="Workers for '-' input, each with its own --timeout and --memory; answers "
                              "keep the input's order  [default: the usable cores]"),
            click.option("--debug", is_flag=True, help="Show tracebacks of internal errors."),
        ]
        if steps:
            options.insert(2, click.option("--steps/--no-steps", default=None,
                                           help="Show or hide the working (shown on a terminal)."))
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorate


def _refuse_together(*choices) -> None:
    """A usage error when more than one of these (name, given) options is given."""
    given = [name for name, chosen in choices if chosen]
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join(given)} cannot be combined")


def run(output: Output, job, request, renderer, doing: str | None = None, picture=None) -> int:
    """Run ``job(request)`` under the guard and emit the result; with ``-`` as the expression,
    once per line of stdin on ``--jobs`` workers, answers in input order, the exit status being
    the worst seen. A single computation that lasts shows a spinner saying what it is ``doing``
    (or what the job announces) on a terminal, while rich loads (when drawn). ``picture``
    (command, file, size) also draws the result into a file (``--plot``)."""
    if request.expression == "-":
        if picture is not None:
            raise UsageError("--plot draws one expression, not a batch read from '-'")
        from derivcli import jobs  # lazy: sympy loads only once a command runs
        from derivcli.workers import Pool  # lazy: only a batch needs the pool

        jobs.prepare_batch(job)
        items = _line_items(request, output.environment.stdin)
        if output.mode in (PLAIN, JSON):  # the workers write the answers too
            job, items = jobs.rendered, _rendered_items(job, items, renderer, output)
        with Pool(output.jobs, output.timeout, output.memory) as pool:
            return emit_batch(renderer, pool.map(job, items), output)
    with Guard(output.timeout, output.memory) as guard:
        try:
            with Spinner(output, doing):
                result = guard.run(job, request, meanwhile=output.prepare)
        except DerivError as error:
            return report(error, output)
        status = emit_safely(renderer, result, output)
        if picture is not None:
            status = max(status, _draw_picture(guard, output, picture, result))
        return status


def _draw_picture(guard, output: Output, picture, result) -> int:
    """Sample the result in the worker and draw it into the --plot file; a failure is one line on
    stderr (stdout already holds the answer, and --json its one object)."""
    from derivcli import jobs  # lazy: sympy loads only once a command runs
    from derivcli.render import figure  # lazy: matplotlib only for --plot

    command, path, size = picture
    try:
        with Spinner(output, "drawing the picture"):
            data = guard.run(jobs.figure, jobs.FigureRequest(command, result))
            figure.save(data, path, size)
    except DerivError as error:
        failure = error
    except OSError as error:
        failure = ResourceLimitError(f"cannot write the picture {path}: {error.strerror or error}")
    else:
        if output.environment.is_terminal(stderr=True) and output.mode != QUIET:
            output.environment.stderr.write(f"deriv: picture written to {path}\n")
        return ExitStatus.SUCCESS
    output.environment.stderr.write(error_line(failure) + "\n")
    return int(failure.status)


def _picture(command: str, path: str | None, size):
    """(command, file, size) for run() when --plot is given, after checking the file's kind and
    that matplotlib is there: a usage error before any work otherwise."""
    if path is None:
        return None
    from derivcli.render import figure  # lazy: matplotlib only for --plot

    figure.format_of(path)
    figure.require_library()
    return (command, path, size)


def _picture_size(context, parameter, value):
    """``800x500`` → (800, 500), each side 100 to 5000 pixels."""
    if value is None:
        return None
    width, separator, height = value.lower().partition("x")
    if not (separator and width.isdigit() and height.isdigit() and 100 <= int(width) <= 5000 and 100 <= int(height) <= 5000):
        raise click.BadParameter("give WIDTHxHEIGHT in pixels, each 100 to 5000 (e.g. 800x500)", context, parameter)
    return int(width), int(height)


def plot_options(function):
    """--plot FILE and --plot-size: a picture of the result for people who would rather look."""
    function = click.option("--plot-size", "plot_size", default="800x500", show_default=True, metavar="WxH",
                            callback=_picture_size, help="Size of the --plot picture in pixels.")(function)
    return click.option("--plot", "plot", metavar="FILE", default=None,
                        help="Also draw the result into FILE (.svg or .png; needs the [plot] extra).")(function)


def _line_items(request, stream):
    """(line number, text) and the request of each stdin line, or its Outcome when it has none to
    run: a comment or a blank line (nothing to show), a line that cannot be read or asked."""
    from derivcli.workers import Outcome  # lazy: only a batch needs the pool

    for number, text, error in _stdin_lines(stream):
        if error is None and _is_comment(text):
            yield (number, text), Outcome()
            continue
        if error is None:
            try:
                yield (number, text), _line_request(request, text)
                continue
            except DerivError as failure:
                error = failure
        yield (number, text), Outcome(error=error)


def _rendered_items(job, items, renderer, output: Output):
    """The batch's items as jobs that also render their answers, plain or JSON (jobs.rendered)."""
    from derivcli import jobs  # lazy: sympy loads only once a command runs
    from derivcli.workers import Outcome  # lazy: only a batch needs the pool

    render = renderer.to_json if output.mode == JSON else renderer.plain
    for (number, text), argument in items:
        if not isinstance(argument, Outcome):
            argument = jobs.RenderedRequest(job, argument, render, output.mode, output.steps, number)
        yield (number, text), argument


def _line_request(request, text: str):
    """A request for one stdin line; ``EXPR => EXPECTED`` gives the line its own --expect."""
    expression, separator, expected = text.partition(EXPECT_SEPARATOR)
    changes = {"expression": expression.strip()}
    if separator:
        if not hasattr(request, "expect"):
            raise UsageError(f"this command checks no expected answer ('{EXPECT_SEPARATOR}')")
        if not expected.strip():
            raise UsageError(f"nothing after '{EXPECT_SEPARATOR}'")
        changes["expect"] = expected.strip()
    if changes["expression"] == "-":
        raise ParseError("'-' is not an expression")
    if hasattr(request, "bulk"):
        changes["bulk"] = True  # a batch: see derivation.use_in_bulk
    return dataclasses.replace(request, **changes)


def _is_comment(text: str) -> bool:
    """A blank line or a '#' comment: no formula, but still a line of its own in the output."""
    return not text or text.startswith("#")


def _stdin_lines(stream):
    """(line number, text, error) for every line of stdin, comments and blank lines included,
    so that the output can keep the input's line numbers. Lines are read one at a time, so a
    stream of any length works."""
    binary = getattr(stream, "buffer", None)
    source = binary if binary is not None else stream
    for number, raw in enumerate(source, start=1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, repr(raw[:40]), ParseError("the line is not valid UTF-8")
                continue
        yield number, raw.strip(), None


@click.group(cls=DerivGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=f"Platforms: {PLATFORM_NOTE}")
@click.version_option(__version__, "--version", prog_name="deriv", message="%(prog)s %(version)s")
@click.pass_context
def cli(context):
    """Derivatives that show their working.

    \b
    deriv diff "x**2" --at 3        the derivative, rule by rule; the slope at 3
    deriv eval "x**2" --at 1/3      values of f (and f', f'' …) at points
    deriv critical "x**3 - 3*x"     where f' = 0 or does not exist
    deriv classify "x**3 - 3*x"     minimum, maximum, saddle, inflection: the test
    deriv descend "x**2" --from 3   gradient descent you can watch

    An EXPRESSION of '-' reads one formula a line from stdin. Any option may also come from
    the environment as DERIV_<COMMAND>_<OPTION> (DERIV_DIFF_TIMEOUT=5). Exit statuses: 0 success,
    1 an --expect check failed, 2 usage or parse error, 3 no mathematical answer,
    4 resource limit, 70 internal error, 130 interrupted. See 'man deriv'.
    """
    context.ensure_object(Environment)


@dataclasses.dataclass
class Settings:
    """What a command's request takes from outside its own options: the time limit (the analysis
    budgets a share of it), whether a plot is drawn and a progress bar shown, and a check's
    --tolerance."""

    timeout: float = DEFAULT_TIMEOUT
    plot: bool = False
    progress: bool = False
    tolerance: float | None = None
    bulk: bool = False  # many lines in one worker (a formula file): fast kernels pay for their import


def settings_of(output: Output, options: dict, picture=None) -> Settings:
    """A command's settings from its output options: the plot data is sampled for a terminal's
    view or a --plot picture; a progress bar only for one long run on a terminal's stderr (a
    batch has its own line counter there)."""
    progress = (output.environment.is_terminal(stderr=True) and options["expression"] != "-"
                and output.mode != QUIET)
    return Settings(output.timeout, plot=output.mode == RICH or picture is not None, progress=progress)


@cli.command("eval", cls=ExpressionCommand)
@click.argument("expression")
@click.option("--at", "points", multiple=True, required=True, metavar="POINT",
              help="A point: 3, x=3 or \"x=1,y=2\" (repeat for several).")
@click.option("--wrt", metavar="VAR", help="Variable of the derivatives (default: x, or the only one).")
@click.option("--order", type=click.IntRange(0, 20), default=0, show_default=True, metavar="N",
              help="Also give f' … f^(N) at each point.")
@click.option("--numeric", is_flag=True, help="Decimal values instead of exact ones.")
@click.option("--digits", type=click.IntRange(1, 1000), default=15, show_default=True, metavar="D",
              help="Significant digits of decimal values.")
@click.option("--expect", metavar="VALUE",
              help="Exit 1 unless f equals VALUE at every point: exactly, or with --numeric and a "
                   "decimal VALUE to the digits written (3.1416 passes within 0.00005).")
@click.option("--tolerance", type=click.FloatRange(min=0), metavar="TOL",
              help="With --numeric: --expect passes within TOL times max(1, |VALUE|), for any VALUE.")
@output_options()
def evaluate_command(output, **options):
    """Evaluate a function, and its derivatives, at points: exact or decimal."""
    from derivcli.render import evaluation as renderer  # lazy: only the renderer this command draws with

    return run(output, *evaluation_job(options, settings_of(output, options)), renderer, doing="evaluating")


def evaluation_job(options: dict, settings: Settings):
    """The job and request of ``eval`` from its options (a check line's too)."""
    from derivcli import jobs  # lazy: sympy loads only once a command runs

    tolerance = options["tolerance"] if options["tolerance"] is not None else settings.tolerance
    request = jobs.EvaluationRequest(options["expression"], options["points"], options["wrt"], options["order"],
                                     options["numeric"], options["digits"], options["expect"], tolerance)
    return jobs.evaluate, request


@cli.command("diff", cls=ExpressionCommand)
@click.argument("expression")
@click.option("--wrt", multiple=True, metavar="VAR",
              help="Differentiate with respect to VAR (repeat for mixed partials, in order).")
@click.option("--order", type=click.IntRange(min=1, max=50), default=1, show_default=True,
              metavar="N", help="The N-th derivative: the derivation is repeated N times.")
@click.option("--at", metavar="POINT", multiple=True,
              help="Also the value at a point: 3, x=3 or \"x=1,y=2\" (one point; eval --order 1 takes several).")
@click.option("--expect", metavar="EXPR",
              help="Exit 1 unless the derivative (its value with --at) equals EXPR.")
@click.option("--strict", is_flag=True,
              help="Exit 1 when a special function is differentiated from a table (known_derivative).")
@click.option("--simplify/--no-simplify", default=True, show_default=True,
              help="Simplify the raw result of the rules (bounded in time).")
@click.option("--gradient", is_flag=True,
              help="The gradient: every first partial derivative (along the --wrt variables, default all).")
@click.option("--hessian", is_flag=True,
              help="The Hessian: the matrix of second partials; with --at its eigenvalues and what they say.")
@click.option("--jacobian", is_flag=True,
              help="The Jacobian of a vector of functions \"[f1, f2]\" (or \"f1, f2\"): one row a function.")
@click.option("--implicit", metavar="VAR",
              help="Differentiate the equation F = G implicitly, VAR depending on the other variable "
                   "(default y, as a function of x).")
@click.option("--tangent", is_flag=True,
              help="With --at: the answer is the tangent line (a plane with --gradient), such as 6*x - 9.")
@click.option("--vector", is_flag=True,
              help="Piped, a gradient as one line [a, b] (a matrix as [[a, b], [c, d]]).")
@plot_options
@output_options(steps=True)
def differentiate_command(output, **options):
    """The derivative, rule by rule, and the slope at a point.

    \b
    deriv diff "x**2" --at 3                      2*x, and the slope 6 at x = 3
    deriv diff "(y - y_hat)**2" --wrt y_hat       the MSE loss gradient
    deriv diff "sin(x)**2" --expect "sin(2*x)"    exit 1 unless they are equal
    deriv diff "x**3*y" --wrt x --wrt y           a mixed partial
    deriv diff "(y - (w*x + b))**2" --wrt w --wrt b --gradient
    deriv diff "x**2 + 3*x*y + y**2" --hessian --at x=0,y=0
    deriv diff "[x*y, x + y]" --jacobian
    deriv diff "x**2" --at 3 --tangent            the tangent line 6*x - 9
    deriv diff "x**2 + y**2 = 1" --at x=0,y=1     dy/dx of the circle, implicitly

    Each rule's result is computed from the tree and cross-checked against sympy.diff; a
    disagreement is an internal error (exit 70), never a printed answer. Piped, only the answer
    is printed (the value with --at); --steps adds a plain-text tree. A gradient is piped one
    component a line (a matrix one row a line), in the order of the variables.
    """
    from derivcli.render import diff as renderer  # lazy: only the renderer this command draws with

    picture = _picture("diff", options["plot"], options["plot_size"])
    job, request = differentiation_job(options, settings_of(output, options))
    return run(output, job, request, renderer, doing="differentiating", picture=picture)


def differentiation_job(options: dict, settings: Settings):
    """The job and request of ``diff`` from its options (a check line's too)."""
    from derivcli import jobs  # lazy: sympy loads only once a command runs

    if len(options["at"]) > 1:  # never a silent drop of all but the last
        raise UsageError("diff takes one --at point", hint="for f′ at several points: deriv eval EXPR --order 1 --at A --at B")
    at = options["at"][0] if options["at"] else None
    forms = (("--gradient", options["gradient"]), ("--hessian", options["hessian"]), ("--jacobian", options["jacobian"]))
    _refuse_together(*forms)
    form = next((name[2:] for name, given in forms if given), None)
    request = jobs.DifferentiationRequest(options["expression"], tuple(options["wrt"]), options["order"],
                                          at, options["expect"], options["strict"], options["simplify"],
                                          form, options["implicit"], options["tangent"], options["vector"],
                                          bulk=settings.bulk)
    return jobs.differentiate, request


@cli.command("critical", cls=ExpressionCommand)
@click.argument("expression")
@click.option("--wrt", multiple=True, metavar="VAR",
              help="A variable (repeat for several; default: every variable of the expression).")
@click.option("--in", "interval", metavar="A:B",
              help="Only points in [A, B] (periodic families listed member by member); e.g. 0:2*pi.")
@click.option("--expect", metavar="POINTS",
              help="Exit 1 unless these are exactly the critical points: \"x=-1; x=1\", a family as "
                   "critical prints it, or none.")
@plot_options
@output_options()
def critical_command(output, **options):
    """Every critical point: where f' = 0 or does not exist (grad f = 0 in several variables).

    Piped, one point a line in --at syntax (x=-1, x=1,y=0), so that
    deriv classify f --at "$(deriv critical f | head -1)" works; families end in (n integer).
    """
    from derivcli.render import analysis as renderer  # lazy: only the renderer this command draws with

    picture = _picture("critical", options["plot"], options["plot_size"])
    job, request = critical_job(options, settings_of(output, options, picture))
    return run(output, job, request, renderer, doing="finding the critical points", picture=picture)


def critical_job(options: dict, settings: Settings):
    """The job and request of ``critical`` from its options (a check line's too)."""
    from derivcli import jobs  # lazy: sympy loads only once a command runs

    request = jobs.CriticalRequest(options["expression"], tuple(options["wrt"]), options["interval"],
                                   settings.timeout, settings.plot, options["expect"])
    return jobs.find_critical_points, request


@cli.command("classify", cls=ExpressionCommand)
@click.argument("expression")
@click.option("--at", "point", metavar="POINT",
              help="Classify this point (3, x=3 or \"x=1,y=0\"); default: every critical point.")
@click.option("--wrt", multiple=True, metavar="VAR",
              help="A variable (repeat for several; default: every variable of the expression).")
@click.option("--in", "interval", metavar="A:B",
              help="Only points in [A, B] (in every variable: the box [A, B]ⁿ), plus the absolute minimum and maximum there.")
@click.option("--inflections", is_flag=True, help="Also the inflection points (where f'' changes sign).")
@click.option("--expect", metavar="KIND",
              help="With --at: exit 1 unless the point is of this kind (minimum, maximum, saddle, "
                   "inflection, not critical, inconclusive).")
@plot_options
@output_options()
def classify_command(output, **options):
    """Minimum, maximum, saddle or inflection, with the test that decided.

    Piped, one line a point: x=-1<TAB>local maximum. The words are stable: local minimum,
    local maximum, saddle point, inflection point, not critical, inconclusive.
    """
    from derivcli.render import analysis as renderer  # lazy: only the renderer this command draws with

    picture = _picture("classify", options["plot"], options["plot_size"])
    job, request = classification_job(options, settings_of(output, options, picture))
    return run(output, job, request, renderer, doing="classifying", picture=picture)


def classification_job(options: dict, settings: Settings):
    """The job and request of ``classify`` from its options (a check line's too)."""
    from derivcli import jobs  # lazy: sympy loads only once a command runs

    request = jobs.ClassifyRequest(options["expression"], options["point"], tuple(options["wrt"]), options["interval"],
                                   options["inflections"], settings.timeout, settings.plot, options["expect"])
    return jobs.classify_points, request


@cli.command("descend", cls=ExpressionCommand)
@click.argument("expression")
@click.option("--from", "--at", "start", required=True, metavar="POINT",
              help="Start point: 3, x=3 or \"x=1,y=2\" (a value for every variable of f); --at is the same option, as in the other commands.")
@click.option("--wrt", multiple=True, metavar="VAR",
              help="A variable to descend along (repeat; default: every variable of f). "
                   "The others keep their --from value. With --data: the weights.")
@click.option("--lr", "learning_rates", type=click.FloatRange(min=0, min_open=True), multiple=True,
              metavar="RATE", help="Learning rate, the step size  [default: 0.1; 1 for newton]; "
                                   "repeat to compare runs side by side.")
@click.option("--max-iter", "max_iterations", type=click.IntRange(min=1), default=1000,
              show_default=True, metavar="N", help="Stop after N iterations.")
@click.option("--tol", "tolerance", type=click.FloatRange(min=0), default=1e-10, show_default=True,
              metavar="TOL", help="Converged only when |grad f| is below TOL (in f's own units); a step too "
                                  "small to move the point ends the run as stalled (exit 3). 0 runs every iteration.")
@click.option("--method", "methods", type=click.Choice(["gd", "momentum", "newton"]), multiple=True,
              help="Plain gradient descent, heavy-ball momentum, or Newton's method  [default: gd]; "
                   "repeat to compare.")
@click.option("--momentum", type=click.FloatRange(min=0, max=1, max_open=True), default=0.9,
              show_default=True, metavar="BETA", help="Share of the last step kept (--method momentum).")
@click.option("--every", type=click.IntRange(min=1), default=None, metavar="K",
              help="Keep every K-th iteration in the trace  [default: 1, or about 1000 rows in all]")
@click.option("--expect", metavar="POINT",
              help="Exit 1 unless it converges to this point (each coordinate within 1e-6, relative).")
@click.option("--data", metavar="FILE.csv",
              help="Train on data: EXPRESSION is a per-sample loss in the weights and the CSV's column "
                   "names (header row; '-' reads stdin); the objective is its mean over the rows.")
@click.option("--sum", "total", is_flag=True, help="With --data: the sum over the rows instead of the mean.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, metavar="K",
              help="With --data: mini-batches of K shuffled rows (1 is SGD)  [default: all rows]")
@click.option("--epochs", type=click.IntRange(min=1), default=None, metavar="N",
              help="With --data: passes over the rows  [default: 100 with --batch-size, else --max-iter]")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, metavar="S",
              help="With --batch-size: the seed of the shuffling (the same seed, the same run).")
@click.option("--verify", is_flag=True,
              help="With --data: exit 1 unless the weights match the normal-equations solution (least squares).")
@plot_options
@output_options()
def descend_command(output, **options):
    """Gradient descent (gd, momentum, Newton) that you can watch, on a formula or on data.

    \b
    deriv descend "(5 - y_hat)**2" --wrt y_hat --from 3 --lr 0.1
    deriv descend "x**2" --from 3 --lr 1.5          diverges, and says why
    deriv descend "(1-x)**2 + 100*(y-x**2)**2" --from "x=-1,y=1" --method newton
    deriv descend "(y - (w*x + b))**2" --data points.csv --from w=0,b=0
    deriv descend "x**2" --from 3 --lr 0.1 --lr 0.5 --lr 0.9   three runs

    Exit status 0 when it converged to a minimum (in a comparison: when any run did); 1 when
    --expect names another point or --verify disagrees; 3 when it diverged, stopped at the
    iteration limit, or stopped somewhere that is not a minimum (the reason on stderr).
    Piped, it prints the final point in --at syntax.
    """
    from derivcli.render import descent as renderer  # lazy: only the renderer this command draws with

    picture = _picture("descend", options["plot"], options["plot_size"])
    return run(output, *descent_job(options, settings_of(output, options)), renderer, picture=picture)


def descent_job(options: dict, settings: Settings):
    """The job and request of ``descend`` from its options (a check line's too)."""
    from derivcli import jobs  # lazy: sympy loads only once a command runs

    for name, key in (("--sum", "total"), ("--batch-size", "batch_size"), ("--epochs", "epochs"), ("--verify", "verify")):
        if options[key] and options["data"] is None:
            raise UsageError(f"{name} needs --data")
    request = jobs.DescentRequest(
        options["expression"], options["start"], tuple(options["wrt"]), tuple(options["learning_rates"]),
        options["max_iterations"], options["tolerance"], tuple(options["methods"]) or ("gd",), options["momentum"],
        options["every"], settings.progress, settings.timeout, options["expect"],
        data=options["data"], total=options["total"], batch_size=options["batch_size"], epochs=options["epochs"],
        seed=options["seed"], verify=options["verify"], expect_tolerance=settings.tolerance, plot=settings.plot,
    )
    return jobs.descend, request


JOBS = {"diff": differentiation_job, "eval": evaluation_job, "critical": critical_job,
        "classify": classification_job, "descend": descent_job}


@cli.command("check", cls=DerivCommand)
@click.argument("files", nargs=-1, required=True, metavar="FILE...",
                type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--format", "report_format", type=click.Choice(["text", "github"]), default="text",
              show_default=True, help="How failures are printed: file:line: lines, or GitHub Actions "
                                      "::error annotations.")
@click.option("--junit-xml", "junit_path", type=click.Path(dir_okay=False), metavar="PATH",
              help="Also write a JUnit XML report (one testcase a line) for CI dashboards.")
@click.option("--tolerance", type=click.FloatRange(min=0), metavar="TOL",
              help="Of numeric expectations (eval --numeric values, descend points): within TOL times "
                   "max(1, |expected|)  [default: eval: the digits written; descend: 1e-6]")
@click.option("--jobs", type=click.IntRange(min=1, max=1024), default=None, metavar="N",
              help="Worker processes, each with its own --timeout and --memory; verdicts keep the "
                   "files' order  [default: the usable cores]")
@click.option("-q", "--quiet", is_flag=True, help="Nothing on stdout: the exit status says it.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True, max=86400), default=DEFAULT_TIMEOUT,
              show_default=True, metavar="SECONDS", help="Wall-clock limit of each line.")
@click.option("--memory", type=click.IntRange(min=128, max=1 << 20), default=DEFAULT_MEMORY_MB,
              show_default=True, metavar="MIB", help="Memory limit of each line, in MiB.")
def check_command(files, report_format, junit_path, tolerance, jobs, quiet, timeout, memory):
    """Run formula files: one check a line, a summary, and reports that CI systems read.

    \b
    diff sin(x)**2 => sin(2*x)        a command, its options, => the answer
    sin(x)**2 => sin(2*x)             a bare formula: diff
    classify x**2 --at 0 => minimum
    critical x**3-3*x => x=-1; x=1
    eval pi --at 0 --numeric => 3.1416

    Lines starting with # and blank lines are skipped; a line's words are split as a shell
    would (quote a formula with spaces) and read by the command's own options. All lines run, on
    --jobs workers, each under the --timeout and --memory limits; failures are printed as FILE:LINE:
    with the expected and actual forms, then a summary: 41 passed, 2 failed, 1 error. Exit status
    0 when every check passed, 1 when one failed (or had no answer, or hit a limit), 2 when a line
    could not be read (a parse or usage error); FILE may be - for stdin.
    """
    from derivcli import checking  # lazy: only this command runs formula files

    from derivcli.workers import Pool  # lazy: only a batch needs the pool

    environment = click.get_current_context().find_object(Environment) or Environment()
    settings = Settings(timeout, tolerance=tolerance, bulk=True)
    reader = checking.LineReader(cli.commands, JOBS, settings)
    report = checking.Report(environment.stdout, report_format, junit_path, quiet)
    return checking.check(files, reader, Pool(jobs, timeout, memory), report, stdin=environment.stdin)


def main() -> None:
    """The console-script entry point.

    After the command has run and its output is flushed, the process ends with ``os._exit``:
    tearing down sympy's thousands of objects at interpreter exit costs as much as a whole small
    command, and there is nothing left to clean up (the guard's worker is already gone).
    """
    try:
        cli.main()
        status = 0
    except SystemExit as exit:
        status = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)
