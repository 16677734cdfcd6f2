"""train: descent on data, the story of one run; compare: several runs side by side."""

from __future__ import annotations

from derivcli.descent import fit_diagnosis
from derivcli.descent.domain import DATA_ROWS, data_domain_violation, split_by_columns
from derivcli.descent.fitting import Ending, Schedule, full_batch, mini_batches
from derivcli.descent.objective import Objective
from derivcli.descent.results import CONVERGED, LEFT_DOMAIN, Comparison, DataFit, DescentResult, TraceRow
from derivcli.descent.start import Settings, read_settings, start_point
from derivcli.errors import ExpectationFailed, NoAnswerError, UsageError

# At most this many runs in one comparison.
MAX_RUNS = 12


def train(objective: Objective, start, settings: Settings, schedule: Schedule, verify: bool = False,
          suggest: bool = True, domain=(), sketch: bool = True) -> DescentResult:
    """Minimise the objective over its weights from ``start`` and say why the run stopped.

    ``verify`` compares the end with the normal equations (least squares only); ``suggest``
    False skips the trial runs behind a learning-rate hint and the loss map (for the trials);
    ``sketch`` False skips the loss map alone (nothing will draw it: a pipe, --json).
    ``domain`` holds the conditions of the per-sample loss as written: the start and the fitted
    weights are checked against it (for every row, up to domain.DATA_ROWS rows).
    """
    schedule.check(objective.rows, settings.method)
    point = start_point(start, objective.weights)
    quadratic = fit_diagnosis.is_quadratic(objective.expression, objective.weights)
    if verify and fit_diagnosis.least_squares_parts(objective.expression, objective.weights) is None:
        raise UsageError("--verify needs a least-squares loss: the square of an expression linear in the weights",
                         'e.g. "(y - (w*x + b))**2"')
    stochastic = schedule.stochastic(objective.rows)

    def try_rate(rate: float, iterations: int) -> DescentResult:
        trial = settings._replace(learning_rate=rate, max_iterations=iterations, every=iterations)
        return train(objective, point, trial, schedule, suggest=False, domain=domain)

    _check_start_in_domain(objective, domain, start)
    with objective.numpy.errstate(all="ignore"):  # a loss that is not finite is a result here, not a warning
        objective.check_start(point)
        curvature, lowest = fit_diagnosis.curvatures(objective, point)
        trace, ending, early = _descend(objective, settings, schedule, point, stochastic)
        _check_end_in_domain(objective, domain, ending)
        scales = fit_diagnosis.column_scales(objective)
        scaling = fit_diagnosis.scaling_note(scales, objective.names, objective.hessian(point))
        hint = fit_diagnosis.data_hint(ending.reason, settings, curvature, quadratic, scaling,
                                       try_rate if suggest else None, stochastic)
        verification = fit_diagnosis.verify_least_squares(objective, ending.point) if verify else None
        final_curvature = fit_diagnosis.curvatures(objective, ending.point)[0]
        loss_map = fit_diagnosis.loss_map(objective, trace, early) if suggest and sketch else None
    data = DataFit(objective.samples.source, objective.rows, tuple(str(c) for c in objective.columns),
                   objective.reduction, "epoch" if stochastic else "iteration", schedule.batch_size,
                   schedule.epochs, schedule.seed if stochastic else None, scales, quadratic, verification, loss_map)
    minimum = ending.reason == CONVERGED and quadratic and lowest is not None and lowest > 0
    result = _result(objective, settings, point, ending, trace, hint, curvature, final_curvature, data, minimum)
    if domain and split_by_columns(domain, objective.columns)[1] and objective.rows > DATA_ROWS:
        result.warnings.append(f"the domain of the loss as written was checked on the first {DATA_ROWS} "
                               f"of the {objective.rows} rows")
    if verification is not None and not verification.agrees:
        result.expectation = ExpectationFailed(
            f"the fitted weights differ from the normal-equations solution by {verification.difference:.3g} "
            f"(relative), more than {verification.tolerance:g}",
            "run longer (--max-iter) or with a tighter --tol",
        )
    return result


def _check_start_in_domain(objective: Objective, domain, start) -> None:
    """NoAnswerError when the loss as written is undefined at the start weights for some row."""
    values = [start[w] for w in objective.weights] if isinstance(start, dict) else list(start)
    found = data_domain_violation(domain, objective.weights, values, objective.columns, objective.arrays)
    if found is not None:
        reason, row = found
        raise NoAnswerError(f"the start weights are outside the domain of the loss as written: {reason}"
                            + (f" (data row {row})" if row else ""), "start inside the domain of the loss")


def _check_end_in_domain(objective: Objective, domain, ending: Ending) -> None:
    """The ending becomes LEFT_DOMAIN when the loss as written is undefined at the fitted weights."""
    found = data_domain_violation(domain, objective.weights, ending.point, objective.columns, objective.arrays)
    if found is not None:
        reason, row = found
        ending.reason = LEFT_DOMAIN
        ending.message = ("the fitted weights are outside the domain of the loss as written: "
                          f"{reason}" + (f" (data row {row})" if row else ""))


def _descend(objective: Objective, settings: Settings, schedule: Schedule, point, stochastic: bool):
    """The run itself: (trace, ending, early), the trace closed with the last iteration, ``early``
    the first points of a full-batch run, unthinned, for the drawn path (empty for epochs)."""
    trace: list[TraceRow] = []
    early: list = []
    if stochastic:
        ending = mini_batches(objective, settings, schedule, list(point), trace)
    else:
        ending = full_batch(objective, settings, list(point), trace, early)
    if trace[-1].iteration != ending.iterations:
        trace.append(TraceRow(ending.iterations, ending.point, ending.value, ending.gradient_norm, trace[-1].step))
    return trace, ending, early


def _result(objective: Objective, settings: Settings, point, ending: Ending, trace, hint, curvature,
            final_curvature, data: DataFit, minimum: bool) -> DescentResult:
    return DescentResult(
        expression=objective.expression, variables=objective.names, gradient=objective.gradient_expressions(),
        method=settings.method, learning_rate=settings.learning_rate, momentum=settings.momentum,
        tolerance=float(settings.tolerance), max_iterations=settings.max_iterations, every=settings.every,
        start=point, point=ending.point, value=ending.value, gradient_norm=ending.gradient_norm,
        iterations=ending.iterations, converged=ending.reason == CONVERGED, reason=ending.reason,
        message=ending.message, hint=hint, trace=trace, curvature=curvature,
        stable_learning_rate=fit_diagnosis.stability(settings.method, curvature, settings.momentum),
        classification="minimum" if minimum else None, final_curvature=final_curvature, data=data,
    )


def compare(run_one, methods, learning_rates, momentum, max_iterations, tolerance, every) -> Comparison:
    """One run per method × learning rate, each from the same start; ``run_one(settings)``
    does a run.  The labels name what differs between the runs."""
    rates = tuple(learning_rates) or (None,)
    pairs = [(method, rate) for method in methods for rate in rates]
    if len(pairs) > MAX_RUNS:
        raise UsageError(f"{len(pairs)} runs to compare, more than {MAX_RUNS}", "compare fewer --lr or --method")
    runs, labels = [], []
    for method, rate in pairs:
        settings = read_settings(method, rate, momentum, max_iterations, tolerance, every)
        runs.append(run_one(settings))
        label = [method] if len(methods) > 1 else []
        if len(rates) > 1:
            label.append(f"lr = {settings.learning_rate:g}")
        labels.append(", ".join(label))
    return Comparison(runs, labels)
